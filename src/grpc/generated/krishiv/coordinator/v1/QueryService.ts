// Original file: proto/krishiv/coordinator/v1/query.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ExecuteQueryRequest as _krishiv_coordinator_v1_ExecuteQueryRequest, ExecuteQueryRequest__Output as _krishiv_coordinator_v1_ExecuteQueryRequest__Output } from '../../../krishiv/coordinator/v1/ExecuteQueryRequest';
import type { ExecuteQueryResponse as _krishiv_coordinator_v1_ExecuteQueryResponse, ExecuteQueryResponse__Output as _krishiv_coordinator_v1_ExecuteQueryResponse__Output } from '../../../krishiv/coordinator/v1/ExecuteQueryResponse';
import type { QueryResultChunk as _krishiv_coordinator_v1_QueryResultChunk, QueryResultChunk__Output as _krishiv_coordinator_v1_QueryResultChunk__Output } from '../../../krishiv/coordinator/v1/QueryResultChunk';

export interface QueryServiceClient extends grpc.Client {
  ExecuteQuery(argument: _krishiv_coordinator_v1_ExecuteQueryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_ExecuteQueryResponse__Output>): grpc.ClientUnaryCall;
  ExecuteQuery(argument: _krishiv_coordinator_v1_ExecuteQueryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_ExecuteQueryResponse__Output>): grpc.ClientUnaryCall;
  ExecuteQuery(argument: _krishiv_coordinator_v1_ExecuteQueryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_ExecuteQueryResponse__Output>): grpc.ClientUnaryCall;
  ExecuteQuery(argument: _krishiv_coordinator_v1_ExecuteQueryRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_ExecuteQueryResponse__Output>): grpc.ClientUnaryCall;
  executeQuery(argument: _krishiv_coordinator_v1_ExecuteQueryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_ExecuteQueryResponse__Output>): grpc.ClientUnaryCall;
  executeQuery(argument: _krishiv_coordinator_v1_ExecuteQueryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_ExecuteQueryResponse__Output>): grpc.ClientUnaryCall;
  executeQuery(argument: _krishiv_coordinator_v1_ExecuteQueryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_ExecuteQueryResponse__Output>): grpc.ClientUnaryCall;
  executeQuery(argument: _krishiv_coordinator_v1_ExecuteQueryRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_ExecuteQueryResponse__Output>): grpc.ClientUnaryCall;
  
  ExecuteQueryStream(argument: _krishiv_coordinator_v1_ExecuteQueryRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_krishiv_coordinator_v1_QueryResultChunk__Output>;
  ExecuteQueryStream(argument: _krishiv_coordinator_v1_ExecuteQueryRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_krishiv_coordinator_v1_QueryResultChunk__Output>;
  executeQueryStream(argument: _krishiv_coordinator_v1_ExecuteQueryRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_krishiv_coordinator_v1_QueryResultChunk__Output>;
  executeQueryStream(argument: _krishiv_coordinator_v1_ExecuteQueryRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_krishiv_coordinator_v1_QueryResultChunk__Output>;
  
}

export interface QueryServiceHandlers extends grpc.UntypedServiceImplementation {
  ExecuteQuery: grpc.handleUnaryCall<_krishiv_coordinator_v1_ExecuteQueryRequest__Output, _krishiv_coordinator_v1_ExecuteQueryResponse>;
  
  ExecuteQueryStream: grpc.handleServerStreamingCall<_krishiv_coordinator_v1_ExecuteQueryRequest__Output, _krishiv_coordinator_v1_QueryResultChunk>;
  
}

export interface QueryServiceDefinition extends grpc.ServiceDefinition {
  ExecuteQuery: MethodDefinition<_krishiv_coordinator_v1_ExecuteQueryRequest, _krishiv_coordinator_v1_ExecuteQueryResponse, _krishiv_coordinator_v1_ExecuteQueryRequest__Output, _krishiv_coordinator_v1_ExecuteQueryResponse__Output>
  ExecuteQueryStream: MethodDefinition<_krishiv_coordinator_v1_ExecuteQueryRequest, _krishiv_coordinator_v1_QueryResultChunk, _krishiv_coordinator_v1_ExecuteQueryRequest__Output, _krishiv_coordinator_v1_QueryResultChunk__Output>
}
