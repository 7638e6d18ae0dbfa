// Original file: proto/krishiv/coordinator/v1/jobs.proto

import type { Long } from '@grpc/proto-loader';

export interface GetJobResultRequest {
  'id'?: (string);
  'offset'?: (number | string | Long);
  'limit'?: (number);
  '_limit'?: "limit";
}

export interface GetJobResultRequest__Output {
  'id': (string);
  'offset': (string);
  'limit'?: (number);
  '_limit'?: "limit";
}
