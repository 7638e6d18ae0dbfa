import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AuditEvent as _krishiv_coordinator_v1_AuditEvent, AuditEvent__Output as _krishiv_coordinator_v1_AuditEvent__Output } from './krishiv/coordinator/v1/AuditEvent';
import type { AuditServiceClient as _krishiv_coordinator_v1_AuditServiceClient, AuditServiceDefinition as _krishiv_coordinator_v1_AuditServiceDefinition } from './krishiv/coordinator/v1/AuditService';
import type { ListEventsRequest as _krishiv_coordinator_v1_ListEventsRequest, ListEventsRequest__Output as _krishiv_coordinator_v1_ListEventsRequest__Output } from './krishiv/coordinator/v1/ListEventsRequest';
import type { ListEventsResponse as _krishiv_coordinator_v1_ListEventsResponse, ListEventsResponse__Output as _krishiv_coordinator_v1_ListEventsResponse__Output } from './krishiv/coordinator/v1/ListEventsResponse';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  krishiv: {
    coordinator: {
      v1: {
        AuditEvent: MessageTypeDefinition<_krishiv_coordinator_v1_AuditEvent, _krishiv_coordinator_v1_AuditEvent__Output>
        AuditService: SubtypeConstructor<typeof grpc.Client, _krishiv_coordinator_v1_AuditServiceClient> & { service: _krishiv_coordinator_v1_AuditServiceDefinition }
        ListEventsRequest: MessageTypeDefinition<_krishiv_coordinator_v1_ListEventsRequest, _krishiv_coordinator_v1_ListEventsRequest__Output>
        ListEventsResponse: MessageTypeDefinition<_krishiv_coordinator_v1_ListEventsResponse, _krishiv_coordinator_v1_ListEventsResponse__Output>
      }
    }
  }
}

