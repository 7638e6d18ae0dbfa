// Original file: proto/krishiv/coordinator/v1/jobs.proto

import type { Long } from '@grpc/proto-loader';

export interface Savepoint {
  'id'?: (string);
  'jobId'?: (string);
  'state'?: (string);
  'createdAt'?: (string);
  'completedAt'?: (string);
  'location'?: (string);
  'offsets'?: ({[key: string]: number | string | Long});
  'error'?: (string);
  'label'?: (string);
}

export interface Savepoint__Output {
  'id': (string);
  'jobId': (string);
  'state': (string);
  'createdAt': (string);
  'completedAt': (string);
  'location': (string);
  'offsets': ({[key: string]: string});
  'error': (string);
  'label': (string);
}
