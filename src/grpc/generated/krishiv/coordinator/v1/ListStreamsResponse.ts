// Original file: proto/krishiv/coordinator/v1/streams.proto

import type { Stream as _krishiv_coordinator_v1_Stream, Stream__Output as _krishiv_coordinator_v1_Stream__Output } from '../../../krishiv/coordinator/v1/Stream';

export interface ListStreamsResponse {
  'streams'?: (_krishiv_coordinator_v1_Stream)[];
}

export interface ListStreamsResponse__Output {
  'streams': (_krishiv_coordinator_v1_Stream__Output)[];
}
