import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Principal } from '../access/principal';
import { AppConfigService } from '../config/app-config.service';
import {
  AlreadyExistsError,
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
} from '../common/errors/coordinator.error';
import { EngineService } from '../engine/engine.service';
import { boundedInt, QueryResult, requireSql } from '../engine/result-set';
import { SqlRunner } from '../engine/sql-runner';
import { JobFilter, JobRecord, MetadataStore } from '../metadata/metadata.store';
import { JOB_KINDS, JOB_STATES, JobKind, JobState, TERMINAL_JOB_STATES } from '../metadata/schema';
import { JobRunner } from './job-runner.service';
import { ResultSpool } from './result-spool';
import { requireSinkName, StreamingJobs } from './streaming-jobs.service';
import { oneOf, pageToken, readPageToken } from '../common/list-query';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;
export const DEFAULT_RESULT_LIMIT = 1000;
export const MAX_RESULT_LIMIT = 10_000;
const MAX_NAME_LENGTH = 200;
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
const MAX_JOB_TIMEOUT_MS = 7 * 86_400_000;

export interface SubmitJobRequest {
  sql?: unknown;
  sink?: unknown;
  name?: unknown;
  kind?: unknown;
  timeoutMs?: unknown;
}

export interface ListJobsRequest {
  state?: string;
  kind?: string;
  submittedBy?: string;
  pageSize?: number | string;
  pageToken?: string;
}

/** A job as callers see it (the Job message in proto/); absent fields are omitted. */
export interface JobView {
  id: string;
  name: string;
  kind: JobKind;
  sql: string;
  state: JobState;
  submittedBy: string;
  submittedAt: string;
  startedAt?: string;
  finishedAt?: string;
  executorId?: string;
  error?: string;
  rowCount?: number;
  cancelledBy?: string;
  timeoutMs?: number;
  sink?: string;
  restoredFrom?: string;
  offset?: number;
  lag?: number;
  recordsProcessed?: number;
  lastBatchAt?: string;
}

export interface JobResultPage {
  result: QueryResult;
  totalRows: number;
  offset: number;
  nextOffset?: number;
}

export function toJobView(job: JobRecord): JobView {
  const view: JobView = {
    id: job.id,
    name: job.name,
    kind: job.kind,
    sql: job.sql,
    state: job.state,
    submittedBy: job.submittedBy,
    submittedAt: job.submittedAt,
  };
  if (job.startedAt) view.startedAt = job.startedAt;
  if (job.finishedAt) view.finishedAt = job.finishedAt;
  if (job.executorId) view.executorId = job.executorId;
  if (job.error) view.error = job.error;
  if (job.rowCount !== null) view.rowCount = job.rowCount;
  if (job.cancelledBy) view.cancelledBy = job.cancelledBy;
  if (job.timeoutMs !== null) view.timeoutMs = job.timeoutMs;
  if (job.sink) view.sink = job.sink;
  if (job.restoredFrom) view.restoredFrom = job.restoredFrom;
  return view;
}

/**
 * Batch jobs: durable submission (idempotent by key), listing, results and cancellation. Running
 * them is the job runner's work; this service only records intent and reads state.
 */
@Injectable()
export class JobsService {
  constructor(
    private readonly store: MetadataStore,
    private readonly runner: JobRunner,
    private readonly sql: SqlRunner,
    private readonly engine: EngineService,
    private readonly spool: ResultSpool,
    private readonly config: AppConfigService,
    private readonly streaming: StreamingJobs,
  ) {}

  /** Accepts a job once its SQL parses and the submitter may run it; it is committed before return. */
  public async submit(
    principal: Principal,
    request: SubmitJobRequest,
    idempotencyKey?: string,
  ): Promise<{ job: JobView; replayed: boolean }> {
    const sql = requireSql(request?.sql);
    const kind = oneOf('kind', request.kind, JOB_KINDS) ?? 'batch';
    const sink = kind === 'streaming' ? requireSinkName(request.sink) : null;
    if (kind === 'batch' && request.sink !== undefined && request.sink !== '') {
      throw new InvalidArgumentError(
        'sink is for streaming jobs; submit kind "streaming" or drop it',
      );
    }
    if (
      request.name !== undefined &&
      (typeof request.name !== 'string' || request.name.length > MAX_NAME_LENGTH)
    ) {
      throw new InvalidArgumentError(
        `name must be a string of at most ${MAX_NAME_LENGTH} characters`,
      );
    }
    const timeoutMs =
      request.timeoutMs === undefined || request.timeoutMs === null
        ? null
        : boundedInt('timeoutMs', request.timeoutMs, MAX_JOB_TIMEOUT_MS);
    if (
      idempotencyKey !== undefined &&
      (idempotencyKey === '' || idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH)
    ) {
      throw new InvalidArgumentError(
        `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`,
      );
    }
    const replay =
      idempotencyKey && (await this.store.jobIdForKey(principal.subject, idempotencyKey));
    if (sink && !replay) {
      // Checked and created at submit: the sink's name is taken now, or the submit is refused.
      await this.streaming.prepareSink(sql, sink);
    } else if (!sink) {
      await this.engine.withConnection((connection) => this.sql.check(connection, principal, sql));
    }

    const id = randomUUID();
    const name = (request.name as string | undefined)?.trim() || `job-${id.slice(0, 8)}`;
    const submittedAt = new Date().toISOString();
    // The digest covers what the caller sent, so a retry matches even though the name it
    // would get by default is generated anew.
    const requestDigest = createHash('sha256')
      .update(JSON.stringify([sql, request.name ?? null, kind, timeoutMs, sink]))
      .digest('hex');
    const claim = idempotencyKey
      ? { subject: principal.subject, key: idempotencyKey, requestDigest }
      : undefined;
    const outcome = await this.store.insertJob(
      {
        id,
        name,
        kind,
        sql,
        submittedBy: principal.subject,
        submitterRole: principal.role ?? '',
        submittedAt,
        timeoutMs,
        sink,
        restoredFrom: null,
      },
      { at: submittedAt, actor: principal.subject, event: 'submitted' },
      claim,
    );
    if (outcome.kind === 'key-conflict') {
      throw new AlreadyExistsError(
        `Idempotency-Key was already used for a different request (job ${outcome.jobId}); use a new key`,
      );
    }
    this.runner.kick();
    return { job: toJobView(outcome.job), replayed: outcome.kind === 'replayed' };
  }

  public async list(
    request: ListJobsRequest,
  ): Promise<{ jobs: JobView[]; nextPageToken?: string }> {
    const state = oneOf('state', request.state, JOB_STATES);
    const kind = oneOf('kind', request.kind, JOB_KINDS);
    const submittedBy = request.submittedBy || undefined;
    const pageSize =
      request.pageSize === undefined || request.pageSize === '' || request.pageSize === 0
        ? DEFAULT_PAGE_SIZE
        : boundedInt('pageSize', Number(request.pageSize), MAX_PAGE_SIZE);
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([state, kind, submittedBy]))
      .digest('base64url')
      .slice(0, 16);
    const filter: JobFilter = { state, kind, submittedBy, limit: pageSize + 1 };
    if (request.pageToken) filter.beforeSeq = readPageToken(request.pageToken, fingerprint);
    const rows = await this.store.listJobs(filter);
    const page = rows.slice(0, pageSize);
    const more = rows.length > pageSize;
    return {
      jobs: await Promise.all(page.map((job) => this.view(job))),
      ...(more ? { nextPageToken: pageToken(page[page.length - 1].seq, fingerprint) } : {}),
    };
  }

  public async get(id: string): Promise<JobView> {
    return this.view(await this.find(id));
  }

  /** The job view, with a streaming job's progress read from where it is committed. */
  private async view(job: JobRecord): Promise<JobView> {
    const view = toJobView(job);
    const status = await this.streaming.status(job).catch(() => undefined);
    if (status) {
      Object.assign(view, {
        offset: status.lastOffset,
        lag: status.lag,
        recordsProcessed: status.records,
        ...(status.lastBatchAt ? { lastBatchAt: status.lastBatchAt } : {}),
      });
    }
    return view;
  }

  public async result(
    id: string,
    offsetParam: unknown,
    limitParam: unknown,
  ): Promise<JobResultPage> {
    const offset = offsetParam === undefined || offsetParam === '' ? 0 : Number(offsetParam);
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new InvalidArgumentError('offset must be a whole number of at least 0');
    }
    const limit =
      limitParam === undefined || limitParam === '' || limitParam === 0
        ? DEFAULT_RESULT_LIMIT
        : boundedInt('limit', Number(limitParam), MAX_RESULT_LIMIT);
    const job = await this.find(id);
    if (job.state !== 'succeeded') {
      throw new FailedPreconditionError(
        `job ${job.id} is ${job.state}; results exist only for succeeded jobs${job.error ? ` (error: ${job.error})` : ''}`,
      );
    }
    const totalRows = job.rowCount ?? 0;
    if (!job.resultPath) {
      // The last statement returned no columns at all (DDL): there is nothing to page.
      return {
        result: { columns: [], rows: [], rowCount: 0, truncated: false, elapsedMs: 0 },
        totalRows,
        offset,
      };
    }
    // Past the end the page is empty but still names the columns.
    const result = await this.spool.read(
      job.resultPath,
      offset,
      offset >= totalRows ? 0 : limit,
      job.resultColumns ?? [],
    );
    // Report the engine's own type names (an ENUM is stored as text in the spooled file).
    result.columns.forEach((column, i) => {
      column.type = job.resultColumns?.[i]?.type ?? column.type;
    });
    const next = offset + result.rowCount;
    return { result, totalRows, offset, ...(next < totalRows ? { nextOffset: next } : {}) };
  }

  /** Cancels a queued job at once, a running one by interrupting it; a finished job is left alone. */
  public async cancel(principal: Principal, id: string): Promise<JobView> {
    const job = await this.find(id);
    const at = new Date().toISOString();
    if (job.state === 'queued') {
      const cancelled = await this.store.transitionJob(
        id,
        ['queued'],
        { state: 'cancelled', finishedAt: at, cancelledBy: principal.subject },
        { at, actor: principal.subject, event: 'cancelled', detail: 'while queued' },
      );
      if (cancelled) return toJobView(cancelled);
    }
    if (!(TERMINAL_JOB_STATES as readonly string[]).includes(job.state)) {
      await this.runner.stop(id, { kind: 'cancel', actor: principal.subject });
    }
    const after = await this.find(id);
    if (
      after.state === 'cancelled' &&
      after.cancelledBy === principal.subject &&
      job.state !== 'cancelled'
    ) {
      return toJobView(after);
    }
    throw new FailedPreconditionError(
      `job ${id} already ${after.state}; only queued or running jobs can be cancelled`,
    );
  }

  private async find(id: string): Promise<JobRecord> {
    const job = typeof id === 'string' && id.length <= 64 ? await this.store.getJob(id) : undefined;
    if (!job) throw new NotFoundError(`job "${String(id).slice(0, 64)}" does not exist`);
    if (job.expiredAt) {
      throw new NotFoundError(
        `job ${id} finished more than ${this.config.get('jobs').retentionHours} h ago; it and its result were removed on ${job.expiredAt}`,
      );
    }
    return job;
  }
}
