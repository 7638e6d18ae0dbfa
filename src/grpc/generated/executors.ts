import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Executor as _krishiv_coordinator_v1_Executor, Executor__Output as _krishiv_coordinator_v1_Executor__Output } from './krishiv/coordinator/v1/Executor';
import type { ExecutorRequest as _krishiv_coordinator_v1_ExecutorRequest, ExecutorRequest__Output as _krishiv_coordinator_v1_ExecutorRequest__Output } from './krishiv/coordinator/v1/ExecutorRequest';
import type { ExecutorServiceClient as _krishiv_coordinator_v1_ExecutorServiceClient, ExecutorServiceDefinition as _krishiv_coordinator_v1_ExecutorServiceDefinition } from './krishiv/coordinator/v1/ExecutorService';
import type { ListExecutorsRequest as _krishiv_coordinator_v1_ListExecutorsRequest, ListExecutorsRequest__Output as _krishiv_coordinator_v1_ListExecutorsRequest__Output } from './krishiv/coordinator/v1/ListExecutorsRequest';
import type { ListExecutorsResponse as _krishiv_coordinator_v1_ListExecutorsResponse, ListExecutorsResponse__Output as _krishiv_coordinator_v1_ListExecutorsResponse__Output } from './krishiv/coordinator/v1/ListExecutorsResponse';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  krishiv: {
    coordinator: {
      v1: {
        Executor: MessageTypeDefinition<_krishiv_coordinator_v1_Executor, _krishiv_coordinator_v1_Executor__Output>
        ExecutorRequest: MessageTypeDefinition<_krishiv_coordinator_v1_ExecutorRequest, _krishiv_coordinator_v1_ExecutorRequest__Output>
        ExecutorService: SubtypeConstructor<typeof grpc.Client, _krishiv_coordinator_v1_ExecutorServiceClient> & { service: _krishiv_coordinator_v1_ExecutorServiceDefinition }
        ListExecutorsRequest: MessageTypeDefinition<_krishiv_coordinator_v1_ListExecutorsRequest, _krishiv_coordinator_v1_ListExecutorsRequest__Output>
        ListExecutorsResponse: MessageTypeDefinition<_krishiv_coordinator_v1_ListExecutorsResponse, _krishiv_coordinator_v1_ListExecutorsResponse__Output>
      }
    }
  }
}

