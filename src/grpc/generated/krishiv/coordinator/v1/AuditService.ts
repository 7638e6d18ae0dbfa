// Original file: proto/krishiv/coordinator/v1/audit.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ListEventsRequest as _krishiv_coordinator_v1_ListEventsRequest, ListEventsRequest__Output as _krishiv_coordinator_v1_ListEventsRequest__Output } from '../../../krishiv/coordinator/v1/ListEventsRequest';
import type { ListEventsResponse as _krishiv_coordinator_v1_ListEventsResponse, ListEventsResponse__Output as _krishiv_coordinator_v1_ListEventsResponse__Output } from '../../../krishiv/coordinator/v1/ListEventsResponse';

export interface AuditServiceClient extends grpc.Client {
  ListEvents(argument: _krishiv_coordinator_v1_ListEventsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  ListEvents(argument: _krishiv_coordinator_v1_ListEventsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  ListEvents(argument: _krishiv_coordinator_v1_ListEventsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  ListEvents(argument: _krishiv_coordinator_v1_ListEventsRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  listEvents(argument: _krishiv_coordinator_v1_ListEventsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  listEvents(argument: _krishiv_coordinator_v1_ListEventsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  listEvents(argument: _krishiv_coordinator_v1_ListEventsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  listEvents(argument: _krishiv_coordinator_v1_ListEventsRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface AuditServiceHandlers extends grpc.UntypedServiceImplementation {
  ListEvents: grpc.handleUnaryCall<_krishiv_coordinator_v1_ListEventsRequest__Output, _krishiv_coordinator_v1_ListEventsResponse>;
  
}

export interface AuditServiceDefinition extends grpc.ServiceDefinition {
  ListEvents: MethodDefinition<_krishiv_coordinator_v1_ListEventsRequest, _krishiv_coordinator_v1_ListEventsResponse, _krishiv_coordinator_v1_ListEventsRequest__Output, _krishiv_coordinator_v1_ListEventsResponse__Output>
}
