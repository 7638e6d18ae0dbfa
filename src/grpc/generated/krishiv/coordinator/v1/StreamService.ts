// Original file: proto/krishiv/coordinator/v1/streams.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AppendRecordsRequest as _krishiv_coordinator_v1_AppendRecordsRequest, AppendRecordsRequest__Output as _krishiv_coordinator_v1_AppendRecordsRequest__Output } from '../../../krishiv/coordinator/v1/AppendRecordsRequest';
import type { AppendRecordsResponse as _krishiv_coordinator_v1_AppendRecordsResponse, AppendRecordsResponse__Output as _krishiv_coordinator_v1_AppendRecordsResponse__Output } from '../../../krishiv/coordinator/v1/AppendRecordsResponse';
import type { CreateStreamRequest as _krishiv_coordinator_v1_CreateStreamRequest, CreateStreamRequest__Output as _krishiv_coordinator_v1_CreateStreamRequest__Output } from '../../../krishiv/coordinator/v1/CreateStreamRequest';
import type { GetStreamRequest as _krishiv_coordinator_v1_GetStreamRequest, GetStreamRequest__Output as _krishiv_coordinator_v1_GetStreamRequest__Output } from '../../../krishiv/coordinator/v1/GetStreamRequest';
import type { ListStreamsRequest as _krishiv_coordinator_v1_ListStreamsRequest, ListStreamsRequest__Output as _krishiv_coordinator_v1_ListStreamsRequest__Output } from '../../../krishiv/coordinator/v1/ListStreamsRequest';
import type { ListStreamsResponse as _krishiv_coordinator_v1_ListStreamsResponse, ListStreamsResponse__Output as _krishiv_coordinator_v1_ListStreamsResponse__Output } from '../../../krishiv/coordinator/v1/ListStreamsResponse';
import type { Stream as _krishiv_coordinator_v1_Stream, Stream__Output as _krishiv_coordinator_v1_Stream__Output } from '../../../krishiv/coordinator/v1/Stream';

export interface StreamServiceClient extends grpc.Client {
  AppendRecords(argument: _krishiv_coordinator_v1_AppendRecordsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_AppendRecordsResponse__Output>): grpc.ClientUnaryCall;
  AppendRecords(argument: _krishiv_coordinator_v1_AppendRecordsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_AppendRecordsResponse__Output>): grpc.ClientUnaryCall;
  AppendRecords(argument: _krishiv_coordinator_v1_AppendRecordsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_AppendRecordsResponse__Output>): grpc.ClientUnaryCall;
  AppendRecords(argument: _krishiv_coordinator_v1_AppendRecordsRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_AppendRecordsResponse__Output>): grpc.ClientUnaryCall;
  appendRecords(argument: _krishiv_coordinator_v1_AppendRecordsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_AppendRecordsResponse__Output>): grpc.ClientUnaryCall;
  appendRecords(argument: _krishiv_coordinator_v1_AppendRecordsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_AppendRecordsResponse__Output>): grpc.ClientUnaryCall;
  appendRecords(argument: _krishiv_coordinator_v1_AppendRecordsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_AppendRecordsResponse__Output>): grpc.ClientUnaryCall;
  appendRecords(argument: _krishiv_coordinator_v1_AppendRecordsRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_AppendRecordsResponse__Output>): grpc.ClientUnaryCall;
  
  CreateStream(argument: _krishiv_coordinator_v1_CreateStreamRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Stream__Output>): grpc.ClientUnaryCall;
  CreateStream(argument: _krishiv_coordinator_v1_CreateStreamRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_Stream__Output>): grpc.ClientUnaryCall;
  CreateStream(argument: _krishiv_coordinator_v1_CreateStreamRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Stream__Output>): grpc.ClientUnaryCall;
  CreateStream(argument: _krishiv_coordinator_v1_CreateStreamRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_Stream__Output>): grpc.ClientUnaryCall;
  createStream(argument: _krishiv_coordinator_v1_CreateStreamRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Stream__Output>): grpc.ClientUnaryCall;
  createStream(argument: _krishiv_coordinator_v1_CreateStreamRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_Stream__Output>): grpc.ClientUnaryCall;
  createStream(argument: _krishiv_coordinator_v1_CreateStreamRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Stream__Output>): grpc.ClientUnaryCall;
  createStream(argument: _krishiv_coordinator_v1_CreateStreamRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_Stream__Output>): grpc.ClientUnaryCall;
  
  GetStream(argument: _krishiv_coordinator_v1_GetStreamRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Stream__Output>): grpc.ClientUnaryCall;
  GetStream(argument: _krishiv_coordinator_v1_GetStreamRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_Stream__Output>): grpc.ClientUnaryCall;
  GetStream(argument: _krishiv_coordinator_v1_GetStreamRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Stream__Output>): grpc.ClientUnaryCall;
  GetStream(argument: _krishiv_coordinator_v1_GetStreamRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_Stream__Output>): grpc.ClientUnaryCall;
  getStream(argument: _krishiv_coordinator_v1_GetStreamRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Stream__Output>): grpc.ClientUnaryCall;
  getStream(argument: _krishiv_coordinator_v1_GetStreamRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_Stream__Output>): grpc.ClientUnaryCall;
  getStream(argument: _krishiv_coordinator_v1_GetStreamRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Stream__Output>): grpc.ClientUnaryCall;
  getStream(argument: _krishiv_coordinator_v1_GetStreamRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_Stream__Output>): grpc.ClientUnaryCall;
  
  ListStreams(argument: _krishiv_coordinator_v1_ListStreamsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListStreamsResponse__Output>): grpc.ClientUnaryCall;
  ListStreams(argument: _krishiv_coordinator_v1_ListStreamsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListStreamsResponse__Output>): grpc.ClientUnaryCall;
  ListStreams(argument: _krishiv_coordinator_v1_ListStreamsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListStreamsResponse__Output>): grpc.ClientUnaryCall;
  ListStreams(argument: _krishiv_coordinator_v1_ListStreamsRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListStreamsResponse__Output>): grpc.ClientUnaryCall;
  listStreams(argument: _krishiv_coordinator_v1_ListStreamsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListStreamsResponse__Output>): grpc.ClientUnaryCall;
  listStreams(argument: _krishiv_coordinator_v1_ListStreamsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListStreamsResponse__Output>): grpc.ClientUnaryCall;
  listStreams(argument: _krishiv_coordinator_v1_ListStreamsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListStreamsResponse__Output>): grpc.ClientUnaryCall;
  listStreams(argument: _krishiv_coordinator_v1_ListStreamsRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListStreamsResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface StreamServiceHandlers extends grpc.UntypedServiceImplementation {
  AppendRecords: grpc.handleUnaryCall<_krishiv_coordinator_v1_AppendRecordsRequest__Output, _krishiv_coordinator_v1_AppendRecordsResponse>;
  
  CreateStream: grpc.handleUnaryCall<_krishiv_coordinator_v1_CreateStreamRequest__Output, _krishiv_coordinator_v1_Stream>;
  
  GetStream: grpc.handleUnaryCall<_krishiv_coordinator_v1_GetStreamRequest__Output, _krishiv_coordinator_v1_Stream>;
  
  ListStreams: grpc.handleUnaryCall<_krishiv_coordinator_v1_ListStreamsRequest__Output, _krishiv_coordinator_v1_ListStreamsResponse>;
  
}

export interface StreamServiceDefinition extends grpc.ServiceDefinition {
  AppendRecords: MethodDefinition<_krishiv_coordinator_v1_AppendRecordsRequest, _krishiv_coordinator_v1_AppendRecordsResponse, _krishiv_coordinator_v1_AppendRecordsRequest__Output, _krishiv_coordinator_v1_AppendRecordsResponse__Output>
  CreateStream: MethodDefinition<_krishiv_coordinator_v1_CreateStreamRequest, _krishiv_coordinator_v1_Stream, _krishiv_coordinator_v1_CreateStreamRequest__Output, _krishiv_coordinator_v1_Stream__Output>
  GetStream: MethodDefinition<_krishiv_coordinator_v1_GetStreamRequest, _krishiv_coordinator_v1_Stream, _krishiv_coordinator_v1_GetStreamRequest__Output, _krishiv_coordinator_v1_Stream__Output>
  ListStreams: MethodDefinition<_krishiv_coordinator_v1_ListStreamsRequest, _krishiv_coordinator_v1_ListStreamsResponse, _krishiv_coordinator_v1_ListStreamsRequest__Output, _krishiv_coordinator_v1_ListStreamsResponse__Output>
}
