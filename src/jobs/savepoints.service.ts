import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Principal } from '../access/principal';
import {
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
} from '../common/errors/coordinator.error';
import { EngineService } from '../engine/engine.service';
import { MetadataStore, SavepointRecord } from '../metadata/metadata.store';
import { StreamsService } from '../streams/streams.service';
import { JobRunner } from './job-runner.service';
import { toJobView, JobView } from './jobs.service';
import { SavepointWriter } from './savepoint-writer';
import { requireSinkName, StreamingJobs } from './streaming-jobs.service';

const MAX_LABEL = 200;
const MAX_REQUEST_ID = 255;

/** A savepoint as callers see it (the Savepoint message in proto/); absent fields are omitted. */
export interface SavepointView {
  id: string;
  jobId: string;
  state: SavepointRecord['state'];
  createdAt: string;
  completedAt?: string;
  location?: string;
  offsets?: Record<string, number>;
  error?: string;
  label?: string;
}

export function toSavepointView(s: SavepointRecord): SavepointView {
  return {
    id: s.id,
    jobId: s.jobId,
    state: s.state,
    createdAt: s.createdAt,
    ...(s.completedAt ? { completedAt: s.completedAt } : {}),
    ...(s.location ? { location: s.location } : {}),
    ...(s.offsets ? { offsets: s.offsets } : {}),
    ...(s.error ? { error: s.error } : {}),
    ...(s.label ? { label: s.label } : {}),
  };
}

/**
 * Savepoints of streaming jobs (trigger → poll, like Flink's API, with a client-chosen request id
 * for idempotent retries), stop-with-savepoint, and restore into a new job.
 */
@Injectable()
export class SavepointsService {
  constructor(
    private readonly store: MetadataStore,
    private readonly runner: JobRunner,
    private readonly streaming: StreamingJobs,
    private readonly writer: SavepointWriter,
    private readonly engine: EngineService,
    private readonly streams: StreamsService,
  ) {}

  public async trigger(
    principal: Principal,
    jobId: string,
    request: { label?: unknown; stop?: unknown; requestId?: unknown },
  ): Promise<SavepointView> {
    const label = optionalText('label', request?.label, MAX_LABEL);
    const requestId = optionalText('requestId', request?.requestId, MAX_REQUEST_ID);
    if (request?.stop !== undefined && typeof request.stop !== 'boolean') {
      throw new InvalidArgumentError('stop must be true or false');
    }
    const job = await this.store.getJob(jobId);
    if (!job) throw new NotFoundError(`job "${String(jobId).slice(0, 64)}" does not exist`);
    if (requestId !== null) {
      // A retry returns the savepoint its first attempt created, whatever happened since.
      const earlier = (await this.store.listSavepoints(job.id)).find(
        (s) => s.requestId === requestId,
      );
      if (earlier) return toSavepointView(earlier);
    }
    if (job.kind !== 'streaming')
      throw new FailedPreconditionError(
        `job ${job.id} is a batch job; savepoints are for streaming jobs`,
      );
    if (job.state !== 'running') {
      throw new FailedPreconditionError(
        `job ${job.id} is ${job.state}; a savepoint needs a running job`,
      );
    }
    const savepoint = await this.store.insertSavepoint({
      id: randomUUID(),
      jobId: job.id,
      state: 'pending',
      label,
      stop: request?.stop === true,
      requestId,
      createdBy: principal.subject,
      createdAt: new Date().toISOString(),
      completedAt: null,
      location: null,
      offsets: null,
      error: null,
    });
    if (savepoint.state === 'pending') {
      this.streaming.requestSavepoint(savepoint);
      this.runner.wake(job.id);
    }
    return toSavepointView(savepoint);
  }

  public async list(jobId: string): Promise<SavepointView[]> {
    const job = await this.store.getJob(jobId);
    if (!job) throw new NotFoundError(`job "${String(jobId).slice(0, 64)}" does not exist`);
    return (await this.store.listSavepoints(job.id)).map(toSavepointView);
  }

  public async get(id: string): Promise<SavepointView> {
    return toSavepointView(await this.find(id));
  }

  public async delete(id: string): Promise<SavepointView> {
    const savepoint = await this.find(id);
    if (savepoint.state === 'pending') {
      throw new FailedPreconditionError(
        `savepoint ${id} is still being taken; delete it once it completed or failed`,
      );
    }
    await this.writer.remove(savepoint);
    await this.store.deleteSavepoint(id);
    return toSavepointView(savepoint);
  }

  /**
   * Verifies the savepoint, loads its state into the sink and starts a new streaming job from its
   * offsets. Nothing is created when any check fails.
   */
  public async restore(
    principal: Principal,
    id: string,
    request: { name?: unknown; sink?: unknown },
  ): Promise<JobView> {
    const savepoint = await this.find(id);
    if (savepoint.state !== 'completed') {
      throw new FailedPreconditionError(
        `savepoint ${id} is ${savepoint.state}; only a completed savepoint can be restored`,
      );
    }
    const name = optionalText('name', request?.name, 200);
    const manifest = await this.writer.verify(savepoint);
    const sink =
      request?.sink === undefined || request.sink === ''
        ? manifest.job.sink
        : requireSinkName(request.sink);
    if (!(await this.streams.names()).has(manifest.stream.toLowerCase())) {
      throw new FailedPreconditionError(
        `stream ${manifest.stream} of savepoint ${id} no longer exists`,
      );
    }
    const job = await this.streaming.withSink(sink, async () => {
      const owners = await this.store.jobsWithSink(sink);
      if (owners.some((j) => j.state === 'running' || j.state === 'queued')) {
        throw new FailedPreconditionError(
          `sink ${sink} is written by a running job; stop it first or restore into another sink`,
        );
      }
      if (owners.length === 0 && (await this.engine.tableExists(sink))) {
        throw new FailedPreconditionError(
          `table ${sink} exists and is not the sink of any job; restore into another sink`,
        );
      }
      const jobId = randomUUID();
      await this.engine.withConnection((connection) =>
        this.writer.load(connection, savepoint, manifest, sink, jobId),
      );
      const at = new Date().toISOString();
      const outcome = await this.store.insertJob(
        {
          id: jobId,
          name: name ?? `${manifest.job.name}-restored`,
          kind: 'streaming',
          sql: manifest.job.sql,
          submittedBy: principal.subject,
          submitterRole: principal.role ?? '',
          submittedAt: at,
          timeoutMs: null,
          sink,
          restoredFrom: savepoint.id,
        },
        {
          at,
          actor: principal.subject,
          event: 'restored',
          detail: `from savepoint ${savepoint.id}`,
        },
      );
      if (outcome.kind === 'key-conflict') throw new Error('a restore carries no idempotency key');
      return outcome.job;
    });
    this.runner.kick();
    return toJobView(job);
  }

  private async find(id: string): Promise<SavepointRecord> {
    const savepoint =
      typeof id === 'string' && id.length <= 64 ? await this.store.getSavepoint(id) : undefined;
    if (!savepoint)
      throw new NotFoundError(`savepoint "${String(id).slice(0, 64)}" does not exist`);
    return savepoint;
  }
}

function optionalText(name: string, value: unknown, max: number): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || value.length > max) {
    throw new InvalidArgumentError(`${name} must be a string of at most ${max} characters`);
  }
  return value;
}
