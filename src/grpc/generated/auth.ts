import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AuthServiceClient as _krishiv_coordinator_v1_AuthServiceClient, AuthServiceDefinition as _krishiv_coordinator_v1_AuthServiceDefinition } from './krishiv/coordinator/v1/AuthService';
import type { CanIRequest as _krishiv_coordinator_v1_CanIRequest, CanIRequest__Output as _krishiv_coordinator_v1_CanIRequest__Output } from './krishiv/coordinator/v1/CanIRequest';
import type { CanIResponse as _krishiv_coordinator_v1_CanIResponse, CanIResponse__Output as _krishiv_coordinator_v1_CanIResponse__Output } from './krishiv/coordinator/v1/CanIResponse';
import type { WhoAmIRequest as _krishiv_coordinator_v1_WhoAmIRequest, WhoAmIRequest__Output as _krishiv_coordinator_v1_WhoAmIRequest__Output } from './krishiv/coordinator/v1/WhoAmIRequest';
import type { WhoAmIResponse as _krishiv_coordinator_v1_WhoAmIResponse, WhoAmIResponse__Output as _krishiv_coordinator_v1_WhoAmIResponse__Output } from './krishiv/coordinator/v1/WhoAmIResponse';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  krishiv: {
    coordinator: {
      v1: {
        AuthService: SubtypeConstructor<typeof grpc.Client, _krishiv_coordinator_v1_AuthServiceClient> & { service: _krishiv_coordinator_v1_AuthServiceDefinition }
        CanIRequest: MessageTypeDefinition<_krishiv_coordinator_v1_CanIRequest, _krishiv_coordinator_v1_CanIRequest__Output>
        CanIResponse: MessageTypeDefinition<_krishiv_coordinator_v1_CanIResponse, _krishiv_coordinator_v1_CanIResponse__Output>
        WhoAmIRequest: MessageTypeDefinition<_krishiv_coordinator_v1_WhoAmIRequest, _krishiv_coordinator_v1_WhoAmIRequest__Output>
        WhoAmIResponse: MessageTypeDefinition<_krishiv_coordinator_v1_WhoAmIResponse, _krishiv_coordinator_v1_WhoAmIResponse__Output>
      }
    }
  }
}

