// Original file: proto/krishiv/coordinator/v1/streams.proto

import type { Value as _krishiv_coordinator_v1_Value, Value__Output as _krishiv_coordinator_v1_Value__Output } from '../../../krishiv/coordinator/v1/Value';

export interface StreamRecord {
  'fields'?: ({[key: string]: _krishiv_coordinator_v1_Value});
}

export interface StreamRecord__Output {
  'fields': ({[key: string]: _krishiv_coordinator_v1_Value__Output});
}
