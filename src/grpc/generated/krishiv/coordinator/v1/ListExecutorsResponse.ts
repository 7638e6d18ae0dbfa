// Original file: proto/krishiv/coordinator/v1/executors.proto

import type { Executor as _krishiv_coordinator_v1_Executor, Executor__Output as _krishiv_coordinator_v1_Executor__Output } from '../../../krishiv/coordinator/v1/Executor';

export interface ListExecutorsResponse {
  'executors'?: (_krishiv_coordinator_v1_Executor)[];
}

export interface ListExecutorsResponse__Output {
  'executors': (_krishiv_coordinator_v1_Executor__Output)[];
}
