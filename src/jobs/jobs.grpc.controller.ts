import { Controller } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import type { CancelJobRequest__Output } from '../grpc/generated/krishiv/coordinator/v1/CancelJobRequest';
import type { GetJobRequest__Output } from '../grpc/generated/krishiv/coordinator/v1/GetJobRequest';
import type { GetJobResultRequest__Output } from '../grpc/generated/krishiv/coordinator/v1/GetJobResultRequest';
import type { GetJobResultResponse } from '../grpc/generated/krishiv/coordinator/v1/GetJobResultResponse';
import type { Job } from '../grpc/generated/krishiv/coordinator/v1/Job';
import type { ListJobsRequest__Output } from '../grpc/generated/krishiv/coordinator/v1/ListJobsRequest';
import type { ListJobsResponse } from '../grpc/generated/krishiv/coordinator/v1/ListJobsResponse';
import type { SubmitJobRequest__Output } from '../grpc/generated/krishiv/coordinator/v1/SubmitJobRequest';
import { toWireRows } from '../query/result-encoding';
import { Permission } from '../roles/permission.decorator';
import { JobsService, JobView } from './jobs.service';

/** Proto3 has no absent strings: empty means "not set", as on every other message. */
export function toWireJob(job: JobView): Job {
  return {
    id: job.id,
    name: job.name,
    kind: job.kind,
    sql: job.sql,
    state: job.state,
    submittedBy: job.submittedBy,
    submittedAt: job.submittedAt,
    startedAt: job.startedAt ?? '',
    finishedAt: job.finishedAt ?? '',
    executorId: job.executorId ?? '',
    error: job.error ?? '',
    rowCount: job.rowCount === undefined ? undefined : String(job.rowCount),
    restoredFrom: '',
    cancelledBy: job.cancelledBy ?? '',
    timeoutMs: job.timeoutMs,
    sink: job.sink ?? '',
    offset: job.offset === undefined ? undefined : String(job.offset),
    lag: job.lag === undefined ? undefined : String(job.lag),
    recordsProcessed: job.recordsProcessed === undefined ? undefined : String(job.recordsProcessed),
    lastBatchAt: job.lastBatchAt ?? '',
  };
}

@Controller()
export class JobsGrpcController {
  constructor(private readonly jobs: JobsService) {}

  @GrpcMethod('JobService', 'SubmitJob')
  @Permission('jobs:submit')
  public async submitJob(
    @Payload() request: SubmitJobRequest__Output,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Job> {
    const { job } = await this.jobs.submit(
      principal,
      {
        sql: request.sql,
        name: request.name || undefined,
        kind: request.kind || undefined,
        timeoutMs: request.timeoutMs,
        sink: request.sink || undefined,
      },
      request.requestId || undefined,
    );
    return toWireJob(job);
  }

  @GrpcMethod('JobService', 'ListJobs')
  @Permission('jobs:list')
  public async listJobs(@Payload() request: ListJobsRequest__Output): Promise<ListJobsResponse> {
    const page = await this.jobs.list(request);
    return { jobs: page.jobs.map(toWireJob), nextPageToken: page.nextPageToken ?? '' };
  }

  @GrpcMethod('JobService', 'GetJob')
  @Permission('jobs:read')
  public async getJob(@Payload() request: GetJobRequest__Output): Promise<Job> {
    return toWireJob(await this.jobs.get(request.id));
  }

  @GrpcMethod('JobService', 'GetJobResult')
  @Permission('jobs:read')
  public async getJobResult(
    @Payload() request: GetJobResultRequest__Output,
  ): Promise<GetJobResultResponse> {
    const page = await this.jobs.result(request.id, Number(request.offset), request.limit);
    return {
      ...toWireRows(page.result),
      totalRows: String(page.totalRows),
      offset: String(page.offset),
      nextOffset: page.nextOffset === undefined ? undefined : String(page.nextOffset),
    };
  }

  @GrpcMethod('JobService', 'CancelJob')
  @Permission('jobs:cancel')
  public async cancelJob(
    @Payload() request: CancelJobRequest__Output,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Job> {
    return toWireJob(await this.jobs.cancel(principal, request.id));
  }
}
