// Original file: proto/krishiv/coordinator/v1/jobs.proto

import type { Long } from '@grpc/proto-loader';

export interface Job {
  'id'?: (string);
  'name'?: (string);
  'kind'?: (string);
  'sql'?: (string);
  'state'?: (string);
  'submittedBy'?: (string);
  'submittedAt'?: (string);
  'startedAt'?: (string);
  'finishedAt'?: (string);
  'executorId'?: (string);
  'error'?: (string);
  'rowCount'?: (number | string | Long);
  'restoredFrom'?: (string);
  'sink'?: (string);
  'cancelledBy'?: (string);
  'timeoutMs'?: (number);
  'offset'?: (number | string | Long);
  'lag'?: (number | string | Long);
  'recordsProcessed'?: (number | string | Long);
  'lastBatchAt'?: (string);
  '_rowCount'?: "rowCount";
  '_timeoutMs'?: "timeoutMs";
  '_offset'?: "offset";
  '_lag'?: "lag";
  '_recordsProcessed'?: "recordsProcessed";
}

export interface Job__Output {
  'id': (string);
  'name': (string);
  'kind': (string);
  'sql': (string);
  'state': (string);
  'submittedBy': (string);
  'submittedAt': (string);
  'startedAt': (string);
  'finishedAt': (string);
  'executorId': (string);
  'error': (string);
  'rowCount'?: (string);
  'restoredFrom': (string);
  'sink': (string);
  'cancelledBy': (string);
  'timeoutMs'?: (number);
  'offset'?: (string);
  'lag'?: (string);
  'recordsProcessed'?: (string);
  'lastBatchAt': (string);
  '_rowCount'?: "rowCount";
  '_timeoutMs'?: "timeoutMs";
  '_offset'?: "offset";
  '_lag'?: "lag";
  '_recordsProcessed'?: "recordsProcessed";
}
