import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AppendRecordsRequest as _krishiv_coordinator_v1_AppendRecordsRequest, AppendRecordsRequest__Output as _krishiv_coordinator_v1_AppendRecordsRequest__Output } from './krishiv/coordinator/v1/AppendRecordsRequest';
import type { AppendRecordsResponse as _krishiv_coordinator_v1_AppendRecordsResponse, AppendRecordsResponse__Output as _krishiv_coordinator_v1_AppendRecordsResponse__Output } from './krishiv/coordinator/v1/AppendRecordsResponse';
import type { Column as _krishiv_coordinator_v1_Column, Column__Output as _krishiv_coordinator_v1_Column__Output } from './krishiv/coordinator/v1/Column';
import type { CreateStreamRequest as _krishiv_coordinator_v1_CreateStreamRequest, CreateStreamRequest__Output as _krishiv_coordinator_v1_CreateStreamRequest__Output } from './krishiv/coordinator/v1/CreateStreamRequest';
import type { GetStreamRequest as _krishiv_coordinator_v1_GetStreamRequest, GetStreamRequest__Output as _krishiv_coordinator_v1_GetStreamRequest__Output } from './krishiv/coordinator/v1/GetStreamRequest';
import type { ListStreamsRequest as _krishiv_coordinator_v1_ListStreamsRequest, ListStreamsRequest__Output as _krishiv_coordinator_v1_ListStreamsRequest__Output } from './krishiv/coordinator/v1/ListStreamsRequest';
import type { ListStreamsResponse as _krishiv_coordinator_v1_ListStreamsResponse, ListStreamsResponse__Output as _krishiv_coordinator_v1_ListStreamsResponse__Output } from './krishiv/coordinator/v1/ListStreamsResponse';
import type { Row as _krishiv_coordinator_v1_Row, Row__Output as _krishiv_coordinator_v1_Row__Output } from './krishiv/coordinator/v1/Row';
import type { Stream as _krishiv_coordinator_v1_Stream, Stream__Output as _krishiv_coordinator_v1_Stream__Output } from './krishiv/coordinator/v1/Stream';
import type { StreamRecord as _krishiv_coordinator_v1_StreamRecord, StreamRecord__Output as _krishiv_coordinator_v1_StreamRecord__Output } from './krishiv/coordinator/v1/StreamRecord';
import type { StreamServiceClient as _krishiv_coordinator_v1_StreamServiceClient, StreamServiceDefinition as _krishiv_coordinator_v1_StreamServiceDefinition } from './krishiv/coordinator/v1/StreamService';
import type { Value as _krishiv_coordinator_v1_Value, Value__Output as _krishiv_coordinator_v1_Value__Output } from './krishiv/coordinator/v1/Value';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  krishiv: {
    coordinator: {
      v1: {
        AppendRecordsRequest: MessageTypeDefinition<_krishiv_coordinator_v1_AppendRecordsRequest, _krishiv_coordinator_v1_AppendRecordsRequest__Output>
        AppendRecordsResponse: MessageTypeDefinition<_krishiv_coordinator_v1_AppendRecordsResponse, _krishiv_coordinator_v1_AppendRecordsResponse__Output>
        Column: MessageTypeDefinition<_krishiv_coordinator_v1_Column, _krishiv_coordinator_v1_Column__Output>
        CreateStreamRequest: MessageTypeDefinition<_krishiv_coordinator_v1_CreateStreamRequest, _krishiv_coordinator_v1_CreateStreamRequest__Output>
        GetStreamRequest: MessageTypeDefinition<_krishiv_coordinator_v1_GetStreamRequest, _krishiv_coordinator_v1_GetStreamRequest__Output>
        ListStreamsRequest: MessageTypeDefinition<_krishiv_coordinator_v1_ListStreamsRequest, _krishiv_coordinator_v1_ListStreamsRequest__Output>
        ListStreamsResponse: MessageTypeDefinition<_krishiv_coordinator_v1_ListStreamsResponse, _krishiv_coordinator_v1_ListStreamsResponse__Output>
        Row: MessageTypeDefinition<_krishiv_coordinator_v1_Row, _krishiv_coordinator_v1_Row__Output>
        Stream: MessageTypeDefinition<_krishiv_coordinator_v1_Stream, _krishiv_coordinator_v1_Stream__Output>
        StreamRecord: MessageTypeDefinition<_krishiv_coordinator_v1_StreamRecord, _krishiv_coordinator_v1_StreamRecord__Output>
        StreamService: SubtypeConstructor<typeof grpc.Client, _krishiv_coordinator_v1_StreamServiceClient> & { service: _krishiv_coordinator_v1_StreamServiceDefinition }
        Value: MessageTypeDefinition<_krishiv_coordinator_v1_Value, _krishiv_coordinator_v1_Value__Output>
      }
    }
  }
}

