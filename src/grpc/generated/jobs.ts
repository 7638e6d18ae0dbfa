import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { CancelJobRequest as _krishiv_coordinator_v1_CancelJobRequest, CancelJobRequest__Output as _krishiv_coordinator_v1_CancelJobRequest__Output } from './krishiv/coordinator/v1/CancelJobRequest';
import type { Column as _krishiv_coordinator_v1_Column, Column__Output as _krishiv_coordinator_v1_Column__Output } from './krishiv/coordinator/v1/Column';
import type { GetJobRequest as _krishiv_coordinator_v1_GetJobRequest, GetJobRequest__Output as _krishiv_coordinator_v1_GetJobRequest__Output } from './krishiv/coordinator/v1/GetJobRequest';
import type { GetJobResultRequest as _krishiv_coordinator_v1_GetJobResultRequest, GetJobResultRequest__Output as _krishiv_coordinator_v1_GetJobResultRequest__Output } from './krishiv/coordinator/v1/GetJobResultRequest';
import type { GetJobResultResponse as _krishiv_coordinator_v1_GetJobResultResponse, GetJobResultResponse__Output as _krishiv_coordinator_v1_GetJobResultResponse__Output } from './krishiv/coordinator/v1/GetJobResultResponse';
import type { Job as _krishiv_coordinator_v1_Job, Job__Output as _krishiv_coordinator_v1_Job__Output } from './krishiv/coordinator/v1/Job';
import type { JobServiceClient as _krishiv_coordinator_v1_JobServiceClient, JobServiceDefinition as _krishiv_coordinator_v1_JobServiceDefinition } from './krishiv/coordinator/v1/JobService';
import type { ListJobsRequest as _krishiv_coordinator_v1_ListJobsRequest, ListJobsRequest__Output as _krishiv_coordinator_v1_ListJobsRequest__Output } from './krishiv/coordinator/v1/ListJobsRequest';
import type { ListJobsResponse as _krishiv_coordinator_v1_ListJobsResponse, ListJobsResponse__Output as _krishiv_coordinator_v1_ListJobsResponse__Output } from './krishiv/coordinator/v1/ListJobsResponse';
import type { ListSavepointsRequest as _krishiv_coordinator_v1_ListSavepointsRequest, ListSavepointsRequest__Output as _krishiv_coordinator_v1_ListSavepointsRequest__Output } from './krishiv/coordinator/v1/ListSavepointsRequest';
import type { ListSavepointsResponse as _krishiv_coordinator_v1_ListSavepointsResponse, ListSavepointsResponse__Output as _krishiv_coordinator_v1_ListSavepointsResponse__Output } from './krishiv/coordinator/v1/ListSavepointsResponse';
import type { RestoreJobRequest as _krishiv_coordinator_v1_RestoreJobRequest, RestoreJobRequest__Output as _krishiv_coordinator_v1_RestoreJobRequest__Output } from './krishiv/coordinator/v1/RestoreJobRequest';
import type { Row as _krishiv_coordinator_v1_Row, Row__Output as _krishiv_coordinator_v1_Row__Output } from './krishiv/coordinator/v1/Row';
import type { Savepoint as _krishiv_coordinator_v1_Savepoint, Savepoint__Output as _krishiv_coordinator_v1_Savepoint__Output } from './krishiv/coordinator/v1/Savepoint';
import type { SavepointRequest as _krishiv_coordinator_v1_SavepointRequest, SavepointRequest__Output as _krishiv_coordinator_v1_SavepointRequest__Output } from './krishiv/coordinator/v1/SavepointRequest';
import type { SubmitJobRequest as _krishiv_coordinator_v1_SubmitJobRequest, SubmitJobRequest__Output as _krishiv_coordinator_v1_SubmitJobRequest__Output } from './krishiv/coordinator/v1/SubmitJobRequest';
import type { TriggerSavepointRequest as _krishiv_coordinator_v1_TriggerSavepointRequest, TriggerSavepointRequest__Output as _krishiv_coordinator_v1_TriggerSavepointRequest__Output } from './krishiv/coordinator/v1/TriggerSavepointRequest';
import type { Value as _krishiv_coordinator_v1_Value, Value__Output as _krishiv_coordinator_v1_Value__Output } from './krishiv/coordinator/v1/Value';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  krishiv: {
    coordinator: {
      v1: {
        CancelJobRequest: MessageTypeDefinition<_krishiv_coordinator_v1_CancelJobRequest, _krishiv_coordinator_v1_CancelJobRequest__Output>
        Column: MessageTypeDefinition<_krishiv_coordinator_v1_Column, _krishiv_coordinator_v1_Column__Output>
        GetJobRequest: MessageTypeDefinition<_krishiv_coordinator_v1_GetJobRequest, _krishiv_coordinator_v1_GetJobRequest__Output>
        GetJobResultRequest: MessageTypeDefinition<_krishiv_coordinator_v1_GetJobResultRequest, _krishiv_coordinator_v1_GetJobResultRequest__Output>
        GetJobResultResponse: MessageTypeDefinition<_krishiv_coordinator_v1_GetJobResultResponse, _krishiv_coordinator_v1_GetJobResultResponse__Output>
        Job: MessageTypeDefinition<_krishiv_coordinator_v1_Job, _krishiv_coordinator_v1_Job__Output>
        JobService: SubtypeConstructor<typeof grpc.Client, _krishiv_coordinator_v1_JobServiceClient> & { service: _krishiv_coordinator_v1_JobServiceDefinition }
        ListJobsRequest: MessageTypeDefinition<_krishiv_coordinator_v1_ListJobsRequest, _krishiv_coordinator_v1_ListJobsRequest__Output>
        ListJobsResponse: MessageTypeDefinition<_krishiv_coordinator_v1_ListJobsResponse, _krishiv_coordinator_v1_ListJobsResponse__Output>
        ListSavepointsRequest: MessageTypeDefinition<_krishiv_coordinator_v1_ListSavepointsRequest, _krishiv_coordinator_v1_ListSavepointsRequest__Output>
        ListSavepointsResponse: MessageTypeDefinition<_krishiv_coordinator_v1_ListSavepointsResponse, _krishiv_coordinator_v1_ListSavepointsResponse__Output>
        RestoreJobRequest: MessageTypeDefinition<_krishiv_coordinator_v1_RestoreJobRequest, _krishiv_coordinator_v1_RestoreJobRequest__Output>
        Row: MessageTypeDefinition<_krishiv_coordinator_v1_Row, _krishiv_coordinator_v1_Row__Output>
        Savepoint: MessageTypeDefinition<_krishiv_coordinator_v1_Savepoint, _krishiv_coordinator_v1_Savepoint__Output>
        SavepointRequest: MessageTypeDefinition<_krishiv_coordinator_v1_SavepointRequest, _krishiv_coordinator_v1_SavepointRequest__Output>
        SubmitJobRequest: MessageTypeDefinition<_krishiv_coordinator_v1_SubmitJobRequest, _krishiv_coordinator_v1_SubmitJobRequest__Output>
        TriggerSavepointRequest: MessageTypeDefinition<_krishiv_coordinator_v1_TriggerSavepointRequest, _krishiv_coordinator_v1_TriggerSavepointRequest__Output>
        Value: MessageTypeDefinition<_krishiv_coordinator_v1_Value, _krishiv_coordinator_v1_Value__Output>
      }
    }
  }
}

