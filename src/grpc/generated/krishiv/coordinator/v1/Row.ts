// Original file: proto/krishiv/coordinator/v1/common.proto

import type { Value as _krishiv_coordinator_v1_Value, Value__Output as _krishiv_coordinator_v1_Value__Output } from '../../../krishiv/coordinator/v1/Value';

export interface Row {
  'values'?: (_krishiv_coordinator_v1_Value)[];
}

export interface Row__Output {
  'values': (_krishiv_coordinator_v1_Value__Output)[];
}
