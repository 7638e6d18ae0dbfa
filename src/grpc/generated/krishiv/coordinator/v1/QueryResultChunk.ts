// Original file: proto/krishiv/coordinator/v1/query.proto

import type { Column as _krishiv_coordinator_v1_Column, Column__Output as _krishiv_coordinator_v1_Column__Output } from '../../../krishiv/coordinator/v1/Column';
import type { Row as _krishiv_coordinator_v1_Row, Row__Output as _krishiv_coordinator_v1_Row__Output } from '../../../krishiv/coordinator/v1/Row';
import type { Long } from '@grpc/proto-loader';

export interface QueryResultChunk {
  'columns'?: (_krishiv_coordinator_v1_Column)[];
  'rows'?: (_krishiv_coordinator_v1_Row)[];
  'done'?: (boolean);
  'rowCount'?: (number | string | Long);
  'truncated'?: (boolean);
  'elapsedMs'?: (number | string);
}

export interface QueryResultChunk__Output {
  'columns': (_krishiv_coordinator_v1_Column__Output)[];
  'rows': (_krishiv_coordinator_v1_Row__Output)[];
  'done': (boolean);
  'rowCount': (string);
  'truncated': (boolean);
  'elapsedMs': (number);
}
