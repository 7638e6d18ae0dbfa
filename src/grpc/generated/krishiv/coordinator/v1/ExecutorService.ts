// Original file: proto/krishiv/coordinator/v1/executors.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { Executor as _krishiv_coordinator_v1_Executor, Executor__Output as _krishiv_coordinator_v1_Executor__Output } from '../../../krishiv/coordinator/v1/Executor';
import type { ExecutorRequest as _krishiv_coordinator_v1_ExecutorRequest, ExecutorRequest__Output as _krishiv_coordinator_v1_ExecutorRequest__Output } from '../../../krishiv/coordinator/v1/ExecutorRequest';
import type { ListExecutorsRequest as _krishiv_coordinator_v1_ListExecutorsRequest, ListExecutorsRequest__Output as _krishiv_coordinator_v1_ListExecutorsRequest__Output } from '../../../krishiv/coordinator/v1/ListExecutorsRequest';
import type { ListExecutorsResponse as _krishiv_coordinator_v1_ListExecutorsResponse, ListExecutorsResponse__Output as _krishiv_coordinator_v1_ListExecutorsResponse__Output } from '../../../krishiv/coordinator/v1/ListExecutorsResponse';

export interface ExecutorServiceClient extends grpc.Client {
  DrainExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  DrainExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  DrainExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  DrainExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  drainExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  drainExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  drainExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  drainExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  
  GetExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  GetExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  GetExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  GetExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  getExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  getExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  getExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  getExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  
  ListExecutors(argument: _krishiv_coordinator_v1_ListExecutorsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListExecutorsResponse__Output>): grpc.ClientUnaryCall;
  ListExecutors(argument: _krishiv_coordinator_v1_ListExecutorsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListExecutorsResponse__Output>): grpc.ClientUnaryCall;
  ListExecutors(argument: _krishiv_coordinator_v1_ListExecutorsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListExecutorsResponse__Output>): grpc.ClientUnaryCall;
  ListExecutors(argument: _krishiv_coordinator_v1_ListExecutorsRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListExecutorsResponse__Output>): grpc.ClientUnaryCall;
  listExecutors(argument: _krishiv_coordinator_v1_ListExecutorsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListExecutorsResponse__Output>): grpc.ClientUnaryCall;
  listExecutors(argument: _krishiv_coordinator_v1_ListExecutorsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListExecutorsResponse__Output>): grpc.ClientUnaryCall;
  listExecutors(argument: _krishiv_coordinator_v1_ListExecutorsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListExecutorsResponse__Output>): grpc.ClientUnaryCall;
  listExecutors(argument: _krishiv_coordinator_v1_ListExecutorsRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListExecutorsResponse__Output>): grpc.ClientUnaryCall;
  
  RemoveExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  RemoveExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  RemoveExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  RemoveExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  removeExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  removeExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  removeExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  removeExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  
  ResumeExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  ResumeExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  ResumeExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  ResumeExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  resumeExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  resumeExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  resumeExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  resumeExecutor(argument: _krishiv_coordinator_v1_ExecutorRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_Executor__Output>): grpc.ClientUnaryCall;
  
}

export interface ExecutorServiceHandlers extends grpc.UntypedServiceImplementation {
  DrainExecutor: grpc.handleUnaryCall<_krishiv_coordinator_v1_ExecutorRequest__Output, _krishiv_coordinator_v1_Executor>;
  
  GetExecutor: grpc.handleUnaryCall<_krishiv_coordinator_v1_ExecutorRequest__Output, _krishiv_coordinator_v1_Executor>;
  
  ListExecutors: grpc.handleUnaryCall<_krishiv_coordinator_v1_ListExecutorsRequest__Output, _krishiv_coordinator_v1_ListExecutorsResponse>;
  
  RemoveExecutor: grpc.handleUnaryCall<_krishiv_coordinator_v1_ExecutorRequest__Output, _krishiv_coordinator_v1_Executor>;
  
  ResumeExecutor: grpc.handleUnaryCall<_krishiv_coordinator_v1_ExecutorRequest__Output, _krishiv_coordinator_v1_Executor>;
  
}

export interface ExecutorServiceDefinition extends grpc.ServiceDefinition {
  DrainExecutor: MethodDefinition<_krishiv_coordinator_v1_ExecutorRequest, _krishiv_coordinator_v1_Executor, _krishiv_coordinator_v1_ExecutorRequest__Output, _krishiv_coordinator_v1_Executor__Output>
  GetExecutor: MethodDefinition<_krishiv_coordinator_v1_ExecutorRequest, _krishiv_coordinator_v1_Executor, _krishiv_coordinator_v1_ExecutorRequest__Output, _krishiv_coordinator_v1_Executor__Output>
  ListExecutors: MethodDefinition<_krishiv_coordinator_v1_ListExecutorsRequest, _krishiv_coordinator_v1_ListExecutorsResponse, _krishiv_coordinator_v1_ListExecutorsRequest__Output, _krishiv_coordinator_v1_ListExecutorsResponse__Output>
  RemoveExecutor: MethodDefinition<_krishiv_coordinator_v1_ExecutorRequest, _krishiv_coordinator_v1_Executor, _krishiv_coordinator_v1_ExecutorRequest__Output, _krishiv_coordinator_v1_Executor__Output>
  ResumeExecutor: MethodDefinition<_krishiv_coordinator_v1_ExecutorRequest, _krishiv_coordinator_v1_Executor, _krishiv_coordinator_v1_ExecutorRequest__Output, _krishiv_coordinator_v1_Executor__Output>
}
