// Original file: proto/krishiv/coordinator/v1/auth.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CanIRequest as _krishiv_coordinator_v1_CanIRequest, CanIRequest__Output as _krishiv_coordinator_v1_CanIRequest__Output } from '../../../krishiv/coordinator/v1/CanIRequest';
import type { CanIResponse as _krishiv_coordinator_v1_CanIResponse, CanIResponse__Output as _krishiv_coordinator_v1_CanIResponse__Output } from '../../../krishiv/coordinator/v1/CanIResponse';
import type { WhoAmIRequest as _krishiv_coordinator_v1_WhoAmIRequest, WhoAmIRequest__Output as _krishiv_coordinator_v1_WhoAmIRequest__Output } from '../../../krishiv/coordinator/v1/WhoAmIRequest';
import type { WhoAmIResponse as _krishiv_coordinator_v1_WhoAmIResponse, WhoAmIResponse__Output as _krishiv_coordinator_v1_WhoAmIResponse__Output } from '../../../krishiv/coordinator/v1/WhoAmIResponse';

export interface AuthServiceClient extends grpc.Client {
  CanI(argument: _krishiv_coordinator_v1_CanIRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_CanIResponse__Output>): grpc.ClientUnaryCall;
  CanI(argument: _krishiv_coordinator_v1_CanIRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_CanIResponse__Output>): grpc.ClientUnaryCall;
  CanI(argument: _krishiv_coordinator_v1_CanIRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_CanIResponse__Output>): grpc.ClientUnaryCall;
  CanI(argument: _krishiv_coordinator_v1_CanIRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_CanIResponse__Output>): grpc.ClientUnaryCall;
  canI(argument: _krishiv_coordinator_v1_CanIRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_CanIResponse__Output>): grpc.ClientUnaryCall;
  canI(argument: _krishiv_coordinator_v1_CanIRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_CanIResponse__Output>): grpc.ClientUnaryCall;
  canI(argument: _krishiv_coordinator_v1_CanIRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_CanIResponse__Output>): grpc.ClientUnaryCall;
  canI(argument: _krishiv_coordinator_v1_CanIRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_CanIResponse__Output>): grpc.ClientUnaryCall;
  
  WhoAmI(argument: _krishiv_coordinator_v1_WhoAmIRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  WhoAmI(argument: _krishiv_coordinator_v1_WhoAmIRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  WhoAmI(argument: _krishiv_coordinator_v1_WhoAmIRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  WhoAmI(argument: _krishiv_coordinator_v1_WhoAmIRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  whoAmI(argument: _krishiv_coordinator_v1_WhoAmIRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  whoAmI(argument: _krishiv_coordinator_v1_WhoAmIRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  whoAmI(argument: _krishiv_coordinator_v1_WhoAmIRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  whoAmI(argument: _krishiv_coordinator_v1_WhoAmIRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface AuthServiceHandlers extends grpc.UntypedServiceImplementation {
  CanI: grpc.handleUnaryCall<_krishiv_coordinator_v1_CanIRequest__Output, _krishiv_coordinator_v1_CanIResponse>;
  
  WhoAmI: grpc.handleUnaryCall<_krishiv_coordinator_v1_WhoAmIRequest__Output, _krishiv_coordinator_v1_WhoAmIResponse>;
  
}

export interface AuthServiceDefinition extends grpc.ServiceDefinition {
  CanI: MethodDefinition<_krishiv_coordinator_v1_CanIRequest, _krishiv_coordinator_v1_CanIResponse, _krishiv_coordinator_v1_CanIRequest__Output, _krishiv_coordinator_v1_CanIResponse__Output>
  WhoAmI: MethodDefinition<_krishiv_coordinator_v1_WhoAmIRequest, _krishiv_coordinator_v1_WhoAmIResponse, _krishiv_coordinator_v1_WhoAmIRequest__Output, _krishiv_coordinator_v1_WhoAmIResponse__Output>
}
