import { Controller, UseInterceptors } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../access/principal';
import type { CancelJobRequest__Output } from '../grpc/generated/krishiv/coordinator/v1/CancelJobRequest';
import type { GetJobRequest__Output } from '../grpc/generated/krishiv/coordinator/v1/GetJobRequest';
import type { GetJobResultRequest__Output } from '../grpc/generated/krishiv/coordinator/v1/GetJobResultRequest';
import type { GetJobResultResponse } from '../grpc/generated/krishiv/coordinator/v1/GetJobResultResponse';
import type { Job } from '../grpc/generated/krishiv/coordinator/v1/Job';
import type { ListJobsRequest__Output } from '../grpc/generated/krishiv/coordinator/v1/ListJobsRequest';
import type { ListJobsResponse } from '../grpc/generated/krishiv/coordinator/v1/ListJobsResponse';
import type { SubmitJobRequest__Output } from '../grpc/generated/krishiv/coordinator/v1/SubmitJobRequest';
import { toWireRows } from '../query/result-encoding';
import { GrpcMetricsInterceptor } from '../metrics/grpc-metrics.interceptor';
import { MalformedRequestInterceptor } from '../grpc/malformed-request.interceptor';
import { Permission } from '../roles/permission.decorator';
import { JobsService, JobView } from './jobs.service';
import { SavepointsService, SavepointView } from './savepoints.service';
import type { ListSavepointsRequest__Output } from '../grpc/generated/krishiv/coordinator/v1/ListSavepointsRequest';
import type { ListSavepointsResponse } from '../grpc/generated/krishiv/coordinator/v1/ListSavepointsResponse';
import type { RestoreJobRequest__Output } from '../grpc/generated/krishiv/coordinator/v1/RestoreJobRequest';
import type { Savepoint } from '../grpc/generated/krishiv/coordinator/v1/Savepoint';
import type { SavepointRequest__Output } from '../grpc/generated/krishiv/coordinator/v1/SavepointRequest';
import type { TriggerSavepointRequest__Output } from '../grpc/generated/krishiv/coordinator/v1/TriggerSavepointRequest';
import { Audited } from '../audit/audited.decorator';

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
    restoredFrom: job.restoredFrom ?? '',
    cancelledBy: job.cancelledBy ?? '',
    timeoutMs: job.timeoutMs,
    sink: job.sink ?? '',
    offset: job.offset === undefined ? undefined : String(job.offset),
    lag: job.lag === undefined ? undefined : String(job.lag),
    recordsProcessed: job.recordsProcessed === undefined ? undefined : String(job.recordsProcessed),
    lastBatchAt: job.lastBatchAt ?? '',
  };
}

function toWireSavepoint(s: SavepointView): Savepoint {
  return {
    id: s.id,
    jobId: s.jobId,
    state: s.state,
    createdAt: s.createdAt,
    completedAt: s.completedAt ?? '',
    location: s.location ?? '',
    offsets: Object.fromEntries(Object.entries(s.offsets ?? {}).map(([k, v]) => [k, String(v)])),
    error: s.error ?? '',
    label: s.label ?? '',
  };
}

@Controller()
@UseInterceptors(MalformedRequestInterceptor, GrpcMetricsInterceptor)
export class JobsGrpcController {
  constructor(
    private readonly jobs: JobsService,
    private readonly savepoints: SavepointsService,
  ) {}

  @GrpcMethod('JobService', 'TriggerSavepoint')
  @Permission('jobs:savepoint')
  @Audited('jobs:savepoint')
  public async triggerSavepoint(
    @Payload() request: TriggerSavepointRequest__Output,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Savepoint> {
    return toWireSavepoint(
      await this.savepoints.trigger(principal, request.jobId, {
        label: request.label || undefined,
        stop: request.stop,
        requestId: request.requestId || undefined,
      }),
    );
  }

  @GrpcMethod('JobService', 'ListSavepoints')
  @Permission('jobs:read')
  public async listSavepoints(
    @Payload() request: ListSavepointsRequest__Output,
  ): Promise<ListSavepointsResponse> {
    return { savepoints: (await this.savepoints.list(request.jobId)).map(toWireSavepoint) };
  }

  @GrpcMethod('JobService', 'GetSavepoint')
  @Permission('jobs:read')
  public async getSavepoint(@Payload() request: SavepointRequest__Output): Promise<Savepoint> {
    return toWireSavepoint(await this.savepoints.get(request.id));
  }

  @GrpcMethod('JobService', 'DeleteSavepoint')
  @Permission('jobs:savepoint')
  @Audited('savepoints:delete')
  public async deleteSavepoint(@Payload() request: SavepointRequest__Output): Promise<Savepoint> {
    return toWireSavepoint(await this.savepoints.delete(request.id));
  }

  @GrpcMethod('JobService', 'RestoreJob')
  @Permission('jobs:restore')
  @Audited('jobs:restore')
  public async restoreJob(
    @Payload() request: RestoreJobRequest__Output,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Job> {
    return toWireJob(
      await this.savepoints.restore(principal, request.savepointId, {
        name: request.name || undefined,
        sink: request.sink || undefined,
      }),
    );
  }

  @GrpcMethod('JobService', 'SubmitJob')
  @Permission('jobs:submit')
  @Audited('jobs:submit')
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
  @Audited('jobs:cancel')
  public async cancelJob(
    @Payload() request: CancelJobRequest__Output,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Job> {
    return toWireJob(await this.jobs.cancel(principal, request.id));
  }
}
