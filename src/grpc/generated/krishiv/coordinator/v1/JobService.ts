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
import type { SubmitJobRequest as _krishiv_coordinator_v1_SubmitJobRequest, SubmitJobRequest__Output as _krishiv_coordinator_v1_SubmitJobRequest__Output } from '../../../krishiv/coordinator/v1/SubmitJobRequest';

export interface JobServiceClient extends grpc.Client {
  CancelJob(argument: _krishiv_coordinator_v1_CancelJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  CancelJob(argument: _krishiv_coordinator_v1_CancelJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  CancelJob(argument: _krishiv_coordinator_v1_CancelJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  CancelJob(argument: _krishiv_coordinator_v1_CancelJobRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  cancelJob(argument: _krishiv_coordinator_v1_CancelJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  cancelJob(argument: _krishiv_coordinator_v1_CancelJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  cancelJob(argument: _krishiv_coordinator_v1_CancelJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  cancelJob(argument: _krishiv_coordinator_v1_CancelJobRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  
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
  
  ListJobs(argument: _krishiv_coordinator_v1_ListJobsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  ListJobs(argument: _krishiv_coordinator_v1_ListJobsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  ListJobs(argument: _krishiv_coordinator_v1_ListJobsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  ListJobs(argument: _krishiv_coordinator_v1_ListJobsRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  listJobs(argument: _krishiv_coordinator_v1_ListJobsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  listJobs(argument: _krishiv_coordinator_v1_ListJobsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  listJobs(argument: _krishiv_coordinator_v1_ListJobsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  listJobs(argument: _krishiv_coordinator_v1_ListJobsRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  
  SubmitJob(argument: _krishiv_coordinator_v1_SubmitJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  SubmitJob(argument: _krishiv_coordinator_v1_SubmitJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  SubmitJob(argument: _krishiv_coordinator_v1_SubmitJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  SubmitJob(argument: _krishiv_coordinator_v1_SubmitJobRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  submitJob(argument: _krishiv_coordinator_v1_SubmitJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  submitJob(argument: _krishiv_coordinator_v1_SubmitJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  submitJob(argument: _krishiv_coordinator_v1_SubmitJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  submitJob(argument: _krishiv_coordinator_v1_SubmitJobRequest, callback: grpc.requestCallback<_krishiv_coordinator_v1_Job__Output>): grpc.ClientUnaryCall;
  
}

export interface JobServiceHandlers extends grpc.UntypedServiceImplementation {
  CancelJob: grpc.handleUnaryCall<_krishiv_coordinator_v1_CancelJobRequest__Output, _krishiv_coordinator_v1_Job>;
  
  GetJob: grpc.handleUnaryCall<_krishiv_coordinator_v1_GetJobRequest__Output, _krishiv_coordinator_v1_Job>;
  
  GetJobResult: grpc.handleUnaryCall<_krishiv_coordinator_v1_GetJobResultRequest__Output, _krishiv_coordinator_v1_GetJobResultResponse>;
  
  ListJobs: grpc.handleUnaryCall<_krishiv_coordinator_v1_ListJobsRequest__Output, _krishiv_coordinator_v1_ListJobsResponse>;
  
  SubmitJob: grpc.handleUnaryCall<_krishiv_coordinator_v1_SubmitJobRequest__Output, _krishiv_coordinator_v1_Job>;
  
}

export interface JobServiceDefinition extends grpc.ServiceDefinition {
  CancelJob: MethodDefinition<_krishiv_coordinator_v1_CancelJobRequest, _krishiv_coordinator_v1_Job, _krishiv_coordinator_v1_CancelJobRequest__Output, _krishiv_coordinator_v1_Job__Output>
  GetJob: MethodDefinition<_krishiv_coordinator_v1_GetJobRequest, _krishiv_coordinator_v1_Job, _krishiv_coordinator_v1_GetJobRequest__Output, _krishiv_coordinator_v1_Job__Output>
  GetJobResult: MethodDefinition<_krishiv_coordinator_v1_GetJobResultRequest, _krishiv_coordinator_v1_GetJobResultResponse, _krishiv_coordinator_v1_GetJobResultRequest__Output, _krishiv_coordinator_v1_GetJobResultResponse__Output>
  ListJobs: MethodDefinition<_krishiv_coordinator_v1_ListJobsRequest, _krishiv_coordinator_v1_ListJobsResponse, _krishiv_coordinator_v1_ListJobsRequest__Output, _krishiv_coordinator_v1_ListJobsResponse__Output>
  SubmitJob: MethodDefinition<_krishiv_coordinator_v1_SubmitJobRequest, _krishiv_coordinator_v1_Job, _krishiv_coordinator_v1_SubmitJobRequest__Output, _krishiv_coordinator_v1_Job__Output>
}
