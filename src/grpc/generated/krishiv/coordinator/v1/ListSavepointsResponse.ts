// Original file: proto/krishiv/coordinator/v1/jobs.proto

import type { Savepoint as _krishiv_coordinator_v1_Savepoint, Savepoint__Output as _krishiv_coordinator_v1_Savepoint__Output } from '../../../krishiv/coordinator/v1/Savepoint';

export interface ListSavepointsResponse {
  'savepoints'?: (_krishiv_coordinator_v1_Savepoint)[];
}

export interface ListSavepointsResponse__Output {
  'savepoints': (_krishiv_coordinator_v1_Savepoint__Output)[];
}
