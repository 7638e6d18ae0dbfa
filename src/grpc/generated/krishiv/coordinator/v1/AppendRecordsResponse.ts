// Original file: proto/krishiv/coordinator/v1/streams.proto

import type { Long } from '@grpc/proto-loader';

export interface AppendRecordsResponse {
  'stream'?: (string);
  'appended'?: (number | string | Long);
  'firstOffset'?: (number | string | Long);
  'lastOffset'?: (number | string | Long);
}

export interface AppendRecordsResponse__Output {
  'stream': (string);
  'appended': (string);
  'firstOffset': (string);
  'lastOffset': (string);
}
