// Original file: proto/krishiv/coordinator/v1/streams.proto

import type { StreamRecord as _krishiv_coordinator_v1_StreamRecord, StreamRecord__Output as _krishiv_coordinator_v1_StreamRecord__Output } from '../../../krishiv/coordinator/v1/StreamRecord';

export interface AppendRecordsRequest {
  'name'?: (string);
  'records'?: (_krishiv_coordinator_v1_StreamRecord)[];
}

export interface AppendRecordsRequest__Output {
  'name': (string);
  'records': (_krishiv_coordinator_v1_StreamRecord__Output)[];
}
