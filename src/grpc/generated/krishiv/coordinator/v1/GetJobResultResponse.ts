// Original file: proto/krishiv/coordinator/v1/jobs.proto

import type { Column as _krishiv_coordinator_v1_Column, Column__Output as _krishiv_coordinator_v1_Column__Output } from '../../../krishiv/coordinator/v1/Column';
import type { Row as _krishiv_coordinator_v1_Row, Row__Output as _krishiv_coordinator_v1_Row__Output } from '../../../krishiv/coordinator/v1/Row';
import type { Long } from '@grpc/proto-loader';

export interface GetJobResultResponse {
  'columns'?: (_krishiv_coordinator_v1_Column)[];
  'rows'?: (_krishiv_coordinator_v1_Row)[];
  'totalRows'?: (number | string | Long);
  'offset'?: (number | string | Long);
  'nextOffset'?: (number | string | Long);
  '_nextOffset'?: "nextOffset";
}

export interface GetJobResultResponse__Output {
  'columns': (_krishiv_coordinator_v1_Column__Output)[];
  'rows': (_krishiv_coordinator_v1_Row__Output)[];
  'totalRows': (string);
  'offset': (string);
  'nextOffset'?: (string);
  '_nextOffset'?: "nextOffset";
}
