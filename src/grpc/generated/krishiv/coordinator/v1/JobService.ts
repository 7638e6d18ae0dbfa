// Original file: proto/krishiv/coordinator/v1/jobs.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CancelJobRequest as _krishiv_coordinator_v1_CancelJobRequest, CancelJobRequest__Output as _krishiv_coordinator_v1_CancelJobRequest__Output } from '../../../krishiv/coordinator/v1/CancelJobRequest';
import type { GetJobRequest as _krishiv_coordinator_v1_GetJobRequest, GetJobRequest__Output as _krishiv_coordinator_v1_GetJobRequest__Output } from '../../../krishiv/coordinator/v1/GetJobRequest';
import type { GetJobResultRequest as _krishiv_coordinator_v1_GetJobResultRequest, GetJobResultRequest__Output as _krishiv_coordinator_v1_GetJobResultRequest__Output } from '../../../krishiv/coordinator/v1/GetJobResultRequest';
import type { GetJobResultResponse as _krishiv_coordinator_v1_GetJobResultResponse, GetJobResultResponse__Output as _krishiv_coordinator_v1_GetJobResultResponse__Output } from '../../../krishiv/coordinator/v1/GetJobResultResponse';
import type { Job as _krishiv_coordinator_v1_Job, Job__Output as _krishiv_coordinator_v1_Job__Output } from '../../../krishiv/coordinator/v1/Job';
import type { ListJobsRequest as _krishiv_coordinator_v1_ListJobsRequest, ListJobsRequest__Output as _krishiv_coordinator_v1_ListJobsRequest__Output } from '../../../krishiv/coordinator/v1/ListJobsRequest';
import type { ListJobsResponse as _krishiv_coordinator_v1_ListJobsResponse, ListJobsResponse__Output as _krishiv_coordinator_v1_ListJobsResponse__Output } from '../../../krishiv/coordinator/v1/ListJobsResponse';
import type { ListSavepointsRequest as _krishiv_coordinator_v1_ListSavepointsRequest, ListSavepointsRequest__Output as _krishiv_coordinator_v1_ListSavepointsRequest__Output } from '../../../krishiv/coordinator/v1/ListSavepointsRequest';
import type { ListSavepointsResponse as _krishiv_coordinator_v1_ListSavepointsResponse, ListSavepointsResponse__Output as _krishiv_coordinator_v1_ListSavepointsResponse__Output } from '../../../krishiv/coordinator/v1/ListSavepointsResponse';
import type { RestoreJobRequest as _krishiv_coordinator_v1_RestoreJobRequest, RestoreJobRequest__Output as _krishiv_coordinator_v1_RestoreJobRequest__Output } from '../../../krishiv/coordinator/v1/RestoreJobRequest';
import type { Savepoint as _krishiv_coordinator_v1_Savepoint, Savepoint__Output as _krishiv_coordinator_v1_Savepoint__Output } from '../../../krishiv/coordinator/v1/Savepoint';
import type { SavepointRequest as _krishiv_coordinator_v1_SavepointRequest, SavepointRequest__Output as _krishiv_coordinator_v1_SavepointRequest__Output } from '../../../krishiv/coordinator/v1/SavepointRequest';
import type { SubmitJobRequest as _krishiv_coordinator_v1_SubmitJobRequest, SubmitJobRequest__Output as _krishiv_coordinator_v1_SubmitJobRequest__Output } from '../../../krishiv/coordinator/v1/SubmitJobRequest';
import type { TriggerSavepointRequest as _krishiv_coordinator_v1_TriggerSavepointRequest, TriggerSavepointRequest__Output as _krishiv_coordinator_v1_TriggerSavepointRequest__Output } from '../../../krishiv/coordinator/v1/TriggerSavepointRequest';

export interface JobServiceClient extends grpc.Client {
  CancelJob(argument: _krishiv_coordinator_v1_CancelJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  CancelJob(argument: _krishiv_coordinator_v1_CancelJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  CancelJob(argument: _krishiv_coordinator_v1_CancelJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  CancelJob(argument: _krishiv_coordinator_v1_CancelJobRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  cancelJob(argument: _krishiv_coordinator_v1_CancelJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  cancelJob(argument: _krishiv_coordinator_v1_CancelJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  cancelJob(argument: _krishiv_coordinator_v1_CancelJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  cancelJob(argument: _krishiv_coordinator_v1_CancelJobRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  
  DeleteSavepoint(argument: _krishiv_coordinator_v1_SavepointRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Savepoint__Output>): grpc.ClientUnaryCall;
  DeleteSavepoint(argument: _krishiv_coordinator_v1_SavepointRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_Savepoint__Output>): grpc.ClientUnaryCall;
  DeleteSavepoint(argument: _krishiv_coordinator_v1_SavepointRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Savepoint__Output>): grpc.ClientUnaryCall;
  DeleteSavepoint(argument: _krishiv_coordinator_v1_SavepointRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_Savepoint__Output>): grpc.ClientUnaryCall;
  deleteSavepoint(argument: _krishiv_coordinator_v1_SavepointRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Savepoint__Output>): grpc.ClientUnaryCall;
  deleteSavepoint(argument: _krishiv_coordinator_v1_SavepointRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_Savepoint__Output>): grpc.ClientUnaryCall;
  deleteSavepoint(argument: _krishiv_coordinator_v1_SavepointRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Savepoint__Output>): grpc.ClientUnaryCall;
  deleteSavepoint(argument: _krishiv_coordinator_v1_SavepointRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_Savepoint__Output>): grpc.ClientUnaryCall;
  
  GetJob(argument: _krishiv_coordinator_v1_GetJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  GetJob(argument: _krishiv_coordinator_v1_GetJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  GetJob(argument: _krishiv_coordinator_v1_GetJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  GetJob(argument: _krishiv_coordinator_v1_GetJobRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  getJob(argument: _krishiv_coordinator_v1_GetJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  getJob(argument: _krishiv_coordinator_v1_GetJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  getJob(argument: _krishiv_coordinator_v1_GetJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  getJob(argument: _krishiv_coordinator_v1_GetJobRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  
  GetJobResult(argument: _krishiv_coordinator_v1_GetJobResultRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_GetJobResultResponse__Output>): grpc.ClientUnaryCall;
  GetJobResult(argument: _krishiv_coordinator_v1_GetJobResultRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_GetJobResultResponse__Output>): grpc.ClientUnaryCall;
  GetJobResult(argument: _krishiv_coordinator_v1_GetJobResultRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_GetJobResultResponse__Output>): grpc.ClientUnaryCall;
  GetJobResult(argument: _krishiv_coordinator_v1_GetJobResultRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_GetJobResultResponse__Output>): grpc.ClientUnaryCall;
  getJobResult(argument: _krishiv_coordinator_v1_GetJobResultRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_GetJobResultResponse__Output>): grpc.ClientUnaryCall;
  getJobResult(argument: _krishiv_coordinator_v1_GetJobResultRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_GetJobResultResponse__Output>): grpc.ClientUnaryCall;
  getJobResult(argument: _krishiv_coordinator_v1_GetJobResultRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_GetJobResultResponse__Output>): grpc.ClientUnaryCall;
  getJobResult(argument: _krishiv_coordinator_v1_GetJobResultRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_GetJobResultResponse__Output>): grpc.ClientUnaryCall;
  
  GetSavepoint(argument: _krishiv_coordinator_v1_SavepointRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Savepoint__Output>): grpc.ClientUnaryCall;
  GetSavepoint(argument: _krishiv_coordinator_v1_SavepointRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_Savepoint__Output>): grpc.ClientUnaryCall;
  GetSavepoint(argument: _krishiv_coordinator_v1_SavepointRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Savepoint__Output>): grpc.ClientUnaryCall;
  GetSavepoint(argument: _krishiv_coordinator_v1_SavepointRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_Savepoint__Output>): grpc.ClientUnaryCall;
  getSavepoint(argument: _krishiv_coordinator_v1_SavepointRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Savepoint__Output>): grpc.ClientUnaryCall;
  getSavepoint(argument: _krishiv_coordinator_v1_SavepointRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_Savepoint__Output>): grpc.ClientUnaryCall;
  getSavepoint(argument: _krishiv_coordinator_v1_SavepointRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Savepoint__Output>): grpc.ClientUnaryCall;
  getSavepoint(argument: _krishiv_coordinator_v1_SavepointRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_Savepoint__Output>): grpc.ClientUnaryCall;
  
  ListJobs(argument: _krishiv_coordinator_v1_ListJobsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  ListJobs(argument: _krishiv_coordinator_v1_ListJobsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  ListJobs(argument: _krishiv_coordinator_v1_ListJobsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  ListJobs(argument: _krishiv_coordinator_v1_ListJobsRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  listJobs(argument: _krishiv_coordinator_v1_ListJobsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  listJobs(argument: _krishiv_coordinator_v1_ListJobsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  listJobs(argument: _krishiv_coordinator_v1_ListJobsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  listJobs(argument: _krishiv_coordinator_v1_ListJobsRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  
  ListSavepoints(argument: _krishiv_coordinator_v1_ListSavepointsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListSavepointsResponse__Output>): grpc.ClientUnaryCall;
  ListSavepoints(argument: _krishiv_coordinator_v1_ListSavepointsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListSavepointsResponse__Output>): grpc.ClientUnaryCall;
  ListSavepoints(argument: _krishiv_coordinator_v1_ListSavepointsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListSavepointsResponse__Output>): grpc.ClientUnaryCall;
  ListSavepoints(argument: _krishiv_coordinator_v1_ListSavepointsRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListSavepointsResponse__Output>): grpc.ClientUnaryCall;
  listSavepoints(argument: _krishiv_coordinator_v1_ListSavepointsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListSavepointsResponse__Output>): grpc.ClientUnaryCall;
  listSavepoints(argument: _krishiv_coordinator_v1_ListSavepointsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListSavepointsResponse__Output>): grpc.ClientUnaryCall;
  listSavepoints(argument: _krishiv_coordinator_v1_ListSavepointsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListSavepointsResponse__Output>): grpc.ClientUnaryCall;
  listSavepoints(argument: _krishiv_coordinator_v1_ListSavepointsRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListSavepointsResponse__Output>): grpc.ClientUnaryCall;
  
  RestoreJob(argument: _krishiv_coordinator_v1_RestoreJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  RestoreJob(argument: _krishiv_coordinator_v1_RestoreJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  RestoreJob(argument: _krishiv_coordinator_v1_RestoreJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  RestoreJob(argument: _krishiv_coordinator_v1_RestoreJobRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  restoreJob(argument: _krishiv_coordinator_v1_RestoreJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  restoreJob(argument: _krishiv_coordinator_v1_RestoreJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  restoreJob(argument: _krishiv_coordinator_v1_RestoreJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  restoreJob(argument: _krishiv_coordinator_v1_RestoreJobRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  
  SubmitJob(argument: _krishiv_coordinator_v1_SubmitJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  SubmitJob(argument: _krishiv_coordinator_v1_SubmitJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  SubmitJob(argument: _krishiv_coordinator_v1_SubmitJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  SubmitJob(argument: _krishiv_coordinator_v1_SubmitJobRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  submitJob(argument: _krishiv_coordinator_v1_SubmitJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  submitJob(argument: _krishiv_coordinator_v1_SubmitJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  submitJob(argument: _krishiv_coordinator_v1_SubmitJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  submitJob(argument: _krishiv_coordinator_v1_SubmitJobRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  
  TriggerSavepoint(argument: _krishiv_coordinator_v1_TriggerSavepointRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Savepoint__Output>): grpc.ClientUnaryCall;
  TriggerSavepoint(argument: _krishiv_coordinator_v1_TriggerSavepointRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_Savepoint__Output>): grpc.ClientUnaryCall;
  TriggerSavepoint(argument: _krishiv_coordinator_v1_TriggerSavepointRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Savepoint__Output>): grpc.ClientUnaryCall;
  TriggerSavepoint(argument: _krishiv_coordinator_v1_TriggerSavepointRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_Savepoint__Output>): grpc.ClientUnaryCall;
  triggerSavepoint(argument: _krishiv_coordinator_v1_TriggerSavepointRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Savepoint__Output>): grpc.ClientUnaryCall;
  triggerSavepoint(argument: _krishiv_coordinator_v1_TriggerSavepointRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_Savepoint__Output>): grpc.ClientUnaryCall;
  triggerSavepoint(argument: _krishiv_coordinator_v1_TriggerSavepointRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Savepoint__Output>): grpc.ClientUnaryCall;
  triggerSavepoint(argument: _krishiv_coordinator_v1_TriggerSavepointRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_Savepoint__Output>): grpc.ClientUnaryCall;
  
}

export interface JobServiceHandlers extends grpc.UntypedServiceImplementation {
  CancelJob: grpc.handleUnaryCall<_krishiv_coordinator_v1_CancelJobRequest__Output, _krishiv_coordinator_v1_Job>;
  
  DeleteSavepoint: grpc.handleUnaryCall<_krishiv_coordinator_v1_SavepointRequest__Output, _krishiv_coordinator_v1_Savepoint>;
  
  GetJob: grpc.handleUnaryCall<_krishiv_coordinator_v1_GetJobRequest__Output, _krishiv_coordinator_v1_Job>;
  
  GetJobResult: grpc.handleUnaryCall<_krishiv_coordinator_v1_GetJobResultRequest__Output, _krishiv_coordinator_v1_GetJobResultResponse>;
  
  GetSavepoint: grpc.handleUnaryCall<_krishiv_coordinator_v1_SavepointRequest__Output, _krishiv_coordinator_v1_Savepoint>;
  
  ListJobs: grpc.handleUnaryCall<_krishiv_coordinator_v1_ListJobsRequest__Output, _krishiv_coordinator_v1_ListJobsResponse>;
  
  ListSavepoints: grpc.handleUnaryCall<_krishiv_coordinator_v1_ListSavepointsRequest__Output, _krishiv_coordinator_v1_ListSavepointsResponse>;
  
  RestoreJob: grpc.handleUnaryCall<_krishiv_coordinator_v1_RestoreJobRequest__Output, _krishiv_coordinator_v1_Job>;
  
  SubmitJob: grpc.handleUnaryCall<_krishiv_coordinator_v1_SubmitJobRequest__Output, _krishiv_coordinator_v1_Job>;
  
  TriggerSavepoint: grpc.handleUnaryCall<_krishiv_coordinator_v1_TriggerSavepointRequest__Output, _krishiv_coordinator_v1_Savepoint>;
  
}

export interface JobServiceDefinition extends grpc.ServiceDefinition {
  CancelJob: MethodDefinition<_krishiv_coordinator_v1_CancelJobRequest, _krishiv_coordinator_v1_Job, _krishiv_coordinator_v1_CancelJobRequest__Output, _krishiv_coordinator_v1_Job__Output>
  DeleteSavepoint: MethodDefinition<_krishiv_coordinator_v1_SavepointRequest, _krishiv_coordinator_v1_Savepoint, _krishiv_coordinator_v1_SavepointRequest__Output, _krishiv_coordinator_v1_Savepoint__Output>
  GetJob: MethodDefinition<_krishiv_coordinator_v1_GetJobRequest, _krishiv_coordinator_v1_Job, _krishiv_coordinator_v1_GetJobRequest__Output, _krishiv_coordinator_v1_Job__Output>
  GetJobResult: MethodDefinition<_krishiv_coordinator_v1_GetJobResultRequest, _krishiv_coordinator_v1_GetJobResultResponse, _krishiv_coordinator_v1_GetJobResultRequest__Output, _krishiv_coordinator_v1_GetJobResultResponse__Output>
  GetSavepoint: MethodDefinition<_krishiv_coordinator_v1_SavepointRequest, _krishiv_coordinator_v1_Savepoint, _krishiv_coordinator_v1_SavepointRequest__Output, _krishiv_coordinator_v1_Savepoint__Output>
  ListJobs: MethodDefinition<_krishiv_coordinator_v1_ListJobsRequest, _krishiv_coordinator_v1_ListJobsResponse, _krishiv_coordinator_v1_ListJobsRequest__Output, _krishiv_coordinator_v1_ListJobsResponse__Output>
  ListSavepoints: MethodDefinition<_krishiv_coordinator_v1_ListSavepointsRequest, _krishiv_coordinator_v1_ListSavepointsResponse, _krishiv_coordinator_v1_ListSavepointsRequest__Output, _krishiv_coordinator_v1_ListSavepointsResponse__Output>
  RestoreJob: MethodDefinition<_krishiv_coordinator_v1_RestoreJobRequest, _krishiv_coordinator_v1_Job, _krishiv_coordinator_v1_RestoreJobRequest__Output, _krishiv_coordinator_v1_Job__Output>
  SubmitJob: MethodDefinition<_krishiv_coordinator_v1_SubmitJobRequest, _krishiv_coordinator_v1_Job, _krishiv_coordinator_v1_SubmitJobRequest__Output, _krishiv_coordinator_v1_Job__Output>
  TriggerSavepoint: MethodDefinition<_krishiv_coordinator_v1_TriggerSavepointRequest, _krishiv_coordinator_v1_Savepoint, _krishiv_coordinator_v1_TriggerSavepointRequest__Output, _krishiv_coordinator_v1_Savepoint__Output>
}
