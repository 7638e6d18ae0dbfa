// Original file: proto/krishiv/coordinator/v1/streams.proto

import type { Column as _krishiv_coordinator_v1_Column, Column__Output as _krishiv_coordinator_v1_Column__Output } from '../../../krishiv/coordinator/v1/Column';

export interface CreateStreamRequest {
  'name'?: (string);
  'columns'?: (_krishiv_coordinator_v1_Column)[];
}

export interface CreateStreamRequest__Output {
  'name': (string);
  'columns': (_krishiv_coordinator_v1_Column__Output)[];
}
