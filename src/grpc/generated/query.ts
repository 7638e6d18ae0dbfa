import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Column as _krishiv_coordinator_v1_Column, Column__Output as _krishiv_coordinator_v1_Column__Output } from './krishiv/coordinator/v1/Column';
import type { ExecuteQueryRequest as _krishiv_coordinator_v1_ExecuteQueryRequest, ExecuteQueryRequest__Output as _krishiv_coordinator_v1_ExecuteQueryRequest__Output } from './krishiv/coordinator/v1/ExecuteQueryRequest';
import type { ExecuteQueryResponse as _krishiv_coordinator_v1_ExecuteQueryResponse, ExecuteQueryResponse__Output as _krishiv_coordinator_v1_ExecuteQueryResponse__Output } from './krishiv/coordinator/v1/ExecuteQueryResponse';
import type { QueryResultChunk as _krishiv_coordinator_v1_QueryResultChunk, QueryResultChunk__Output as _krishiv_coordinator_v1_QueryResultChunk__Output } from './krishiv/coordinator/v1/QueryResultChunk';
import type { QueryServiceClient as _krishiv_coordinator_v1_QueryServiceClient, QueryServiceDefinition as _krishiv_coordinator_v1_QueryServiceDefinition } from './krishiv/coordinator/v1/QueryService';
import type { Row as _krishiv_coordinator_v1_Row, Row__Output as _krishiv_coordinator_v1_Row__Output } from './krishiv/coordinator/v1/Row';
import type { Value as _krishiv_coordinator_v1_Value, Value__Output as _krishiv_coordinator_v1_Value__Output } from './krishiv/coordinator/v1/Value';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  krishiv: {
    coordinator: {
      v1: {
        Column: MessageTypeDefinition<_krishiv_coordinator_v1_Column, _krishiv_coordinator_v1_Column__Output>
        ExecuteQueryRequest: MessageTypeDefinition<_krishiv_coordinator_v1_ExecuteQueryRequest, _krishiv_coordinator_v1_ExecuteQueryRequest__Output>
        ExecuteQueryResponse: MessageTypeDefinition<_krishiv_coordinator_v1_ExecuteQueryResponse, _krishiv_coordinator_v1_ExecuteQueryResponse__Output>
        QueryResultChunk: MessageTypeDefinition<_krishiv_coordinator_v1_QueryResultChunk, _krishiv_coordinator_v1_QueryResultChunk__Output>
        QueryService: SubtypeConstructor<typeof grpc.Client, _krishiv_coordinator_v1_QueryServiceClient> & { service: _krishiv_coordinator_v1_QueryServiceDefinition }
        Row: MessageTypeDefinition<_krishiv_coordinator_v1_Row, _krishiv_coordinator_v1_Row__Output>
        Value: MessageTypeDefinition<_krishiv_coordinator_v1_Value, _krishiv_coordinator_v1_Value__Output>
      }
    }
  }
}

