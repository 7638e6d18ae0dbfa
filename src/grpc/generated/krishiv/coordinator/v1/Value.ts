// Original file: proto/krishiv/coordinator/v1/common.proto

import type { Long } from '@grpc/proto-loader';

export interface Value {
  'nullValue'?: (boolean);
  'boolValue'?: (boolean);
  'intValue'?: (number | string | Long);
  'doubleValue'?: (number | string);
  'stringValue'?: (string);
  'bytesValue'?: (Buffer | Uint8Array | string);
  'kind'?: "nullValue"|"boolValue"|"intValue"|"doubleValue"|"stringValue"|"bytesValue";
}

export interface Value__Output {
  'nullValue'?: (boolean);
  'boolValue'?: (boolean);
  'intValue'?: (string);
  'doubleValue'?: (number);
  'stringValue'?: (string);
  'bytesValue'?: (Buffer);
  'kind'?: "nullValue"|"boolValue"|"intValue"|"doubleValue"|"stringValue"|"bytesValue";
}
