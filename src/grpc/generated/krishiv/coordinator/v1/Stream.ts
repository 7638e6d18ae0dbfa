// Original file: proto/krishiv/coordinator/v1/streams.proto

import type { Column as _krishiv_coordinator_v1_Column, Column__Output as _krishiv_coordinator_v1_Column__Output } from '../../../krishiv/coordinator/v1/Column';
import type { Long } from '@grpc/proto-loader';

export interface Stream {
  'name'?: (string);
  'columns'?: (_krishiv_coordinator_v1_Column)[];
  'recordCount'?: (number | string | Long);
  'lastOffset'?: (number | string | Long);
  'createdBy'?: (string);
  'createdAt'?: (string);
}

export interface Stream__Output {
  'name': (string);
  'columns': (_krishiv_coordinator_v1_Column__Output)[];
  'recordCount': (string);
  'lastOffset': (string);
  'createdBy': (string);
  'createdAt': (string);
}
