import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { clientEnvironment } from '../config/client-env';
import { PROTO_FILES, PROTO_LOADER_OPTIONS } from '../grpc/proto';
import type { AuditEvent__Output } from '../grpc/generated/krishiv/coordinator/v1/AuditEvent';
import type { ListEventsResponse__Output } from '../grpc/generated/krishiv/coordinator/v1/ListEventsResponse';
import type { AppendRecordsResponse__Output } from '../grpc/generated/krishiv/coordinator/v1/AppendRecordsResponse';
import type { CanIResponse__Output } from '../grpc/generated/krishiv/coordinator/v1/CanIResponse';
import type { ExecuteQueryResponse__Output } from '../grpc/generated/krishiv/coordinator/v1/ExecuteQueryResponse';
import type { QueryResultChunk__Output } from '../grpc/generated/krishiv/coordinator/v1/QueryResultChunk';
import type { Executor__Output } from '../grpc/generated/krishiv/coordinator/v1/Executor';
import type { GetJobResultResponse__Output } from '../grpc/generated/krishiv/coordinator/v1/GetJobResultResponse';
import type { Job__Output } from '../grpc/generated/krishiv/coordinator/v1/Job';
import type { ListExecutorsResponse__Output } from '../grpc/generated/krishiv/coordinator/v1/ListExecutorsResponse';
import type { ListJobsResponse__Output } from '../grpc/generated/krishiv/coordinator/v1/ListJobsResponse';
import type { ListSavepointsResponse__Output } from '../grpc/generated/krishiv/coordinator/v1/ListSavepointsResponse';
import type { ListStreamsResponse__Output } from '../grpc/generated/krishiv/coordinator/v1/ListStreamsResponse';
import type { Savepoint__Output } from '../grpc/generated/krishiv/coordinator/v1/Savepoint';
import type { Stream__Output } from '../grpc/generated/krishiv/coordinator/v1/Stream';
import type { StreamRecord } from '../grpc/generated/krishiv/coordinator/v1/StreamRecord';
import type { Value, Value__Output } from '../grpc/generated/krishiv/coordinator/v1/Value';
import type { WhoAmIResponse__Output } from '../grpc/generated/krishiv/coordinator/v1/WhoAmIResponse';
import {
  EXECUTOR_STATES,
  ExecutorState,
  JOB_KINDS,
  JOB_STATES,
  JobKind,
  JobState,
  SAVEPOINT_STATES,
  SavepointState,
  TERMINAL_JOB_STATES,
} from '../metadata/schema';
import { errorFromStatus, InvalidArgumentError, KrishivError } from './errors';

export { EXECUTOR_STATES, JOB_KINDS, JOB_STATES, SAVEPOINT_STATES, TERMINAL_JOB_STATES };
export type { ExecutorState, JobKind, JobState, SavepointState };

export type SqlValue = null | boolean | number | bigint | string | Buffer;

export interface QueryOptions {
  maxRows?: number;
  timeoutMs?: number;
}

export interface QueryResult {
  columns: { name: string; type: string }[];
  rows: SqlValue[][];
  rowCount: number;
  truncated: boolean;
  elapsedMs: number;
}

export interface WhoAmI {
  subject: string;
  role: 'reader' | 'writer' | 'admin' | null;
  method: string;
  issuer?: string;
  expiresAt?: string;
}

export interface CanIAnswer {
  action: string;
  allowed: boolean;
  requiredRole: string | null;
  role: string | null;
  reason: string;
}

/** A job (the Job message in proto/); fields the coordinator did not set are absent. */
export interface Job {
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
  restoredFrom?: string;
  sink?: string;
  cancelledBy?: string;
  timeoutMs?: number;
  /** Streaming jobs: the last stream offset folded into the sink (0 before the first batch). */
  offset?: number;
  /** Streaming jobs: records appended to the stream that the sink does not include yet. */
  lag?: number;
  /** Streaming jobs: records folded into the sink so far. */
  recordsProcessed?: number;
  /** Streaming jobs: when the last micro-batch committed. */
  lastBatchAt?: string;
}

export interface SubmitJobOptions {
  sql: string;
  name?: string;
  /** `batch` (default) runs the SQL once; `streaming` folds a stream into `sink` until stopped. */
  kind?: JobKind;
  /** Streaming jobs (required there): the name of the new table the job writes. */
  sink?: string;
  timeoutMs?: number;
  /** The same key from the same caller returns the same job instead of a second one. */
  requestId?: string;
}

/** A savepoint of a streaming job (the Savepoint message in proto/); fields the coordinator did not set are absent. */
export interface Savepoint {
  id: string;
  jobId: string;
  state: SavepointState;
  createdAt: string;
  completedAt?: string;
  location?: string;
  /** Stream name → the last offset the saved state includes. */
  offsets?: Record<string, number>;
  error?: string;
  label?: string;
}

export interface TriggerSavepointOptions {
  label?: string;
  /** Stop the job (it ends `cancelled`) right after the savepoint completes. */
  stop?: boolean;
  /** The same key for the same job returns the same savepoint instead of a second one. */
  requestId?: string;
}

export interface RestoreJobOptions {
  /** Default: the original job's name with `-restored`. */
  name?: string;
  /** Default: the original job's sink. */
  sink?: string;
}

/** One audit event (`GET /api/v1/audit`); fields the coordinator did not set are absent. */
export interface AuditEvent {
  id: string;
  at: string;
  requestId?: string;
  subject?: string;
  role?: string;
  authMethod?: string;
  action: string;
  resource?: string;
  decision: 'allow' | 'deny';
  reason?: string;
  clientAddress?: string;
  transport: string;
}

export interface ListAuditEventsOptions {
  subject?: string;
  action?: string;
  decision?: 'allow' | 'deny';
  transport?: 'rest' | 'grpc';
  /** RFC 3339, inclusive. */
  since?: string;
  /** RFC 3339, exclusive. */
  until?: string;
  pageSize?: number;
  pageToken?: string;
}

export interface AuditEventPage {
  events: AuditEvent[];
  /** Pass as `pageToken` for the next (older) page; absent on the last one. */
  nextPageToken?: string;
}

export interface ListJobsOptions {
  state?: JobState;
  kind?: JobKind;
  submittedBy?: string;
  pageSize?: number;
  pageToken?: string;
}

export interface JobPage {
  jobs: Job[];
  /** Pass as `pageToken` for the next page; absent on the last one. */
  nextPageToken?: string;
}

export interface JobResultOptions {
  offset?: number;
  limit?: number;
}

export interface JobResultPage {
  columns: { name: string; type: string }[];
  rows: SqlValue[][];
  totalRows: number;
  offset: number;
  /** Offset of the next page; absent on the last one. */
  nextOffset?: number;
}

export interface WaitOptions<T = Job> {
  /** Delay between polls; by default 100 ms growing to 1 s. */
  pollMs?: number;
  /** Called with the job (or savepoint) after every poll, the final one included. */
  onProgress?: (item: T) => void;
  /** Stops waiting (the job keeps running) with the signal's reason. */
  signal?: AbortSignal;
}

export interface Executor {
  id: string;
  state: ExecutorState;
  slots: number;
  runningJobs: number;
  lastHeartbeatAt: string;
  host: string;
}

export interface StreamColumn {
  name: string;
  /** BOOLEAN, TINYINT, SMALLINT, INTEGER, BIGINT, FLOAT, DOUBLE, DECIMAL(p,s), VARCHAR, DATE, TIMESTAMP, TIMESTAMPTZ (or an alias such as int, text). */
  type: string;
}

/** An append-only table whose records carry consecutive offsets from 1. */
export interface Stream {
  name: string;
  columns: StreamColumn[];
  recordCount: number;
  /** 0 while the stream is empty. */
  lastOffset: number;
  createdBy: string;
  createdAt: string;
}

/** What one append did: every record was stored, with offsets firstOffset…lastOffset. */
export interface AppendOutcome {
  stream: string;
  appended: number;
  firstOffset: number;
  lastOffset: number;
}

export function isTerminal(state: JobState): boolean {
  return TERMINAL_JOB_STATES.includes(state);
}

/** A savepoint is settled once it completed or failed. */
export function isSettled(state: SavepointState): boolean {
  return state === 'completed' || state === 'failed';
}

export interface ConnectOptions {
  token?: string;
  /** PEM of the CA that signed the coordinator's certificate (TLS URLs only). */
  ca?: Buffer;
  /** Default deadline of each call in ms. */
  deadlineMs?: number;
}

type Unary = (
  request: object,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: grpc.requestCallback<any>,
) => void;

let servicesCache: any;
function services(): any {
  servicesCache ??= (
    grpc.loadPackageDefinition(protoLoader.loadSync(PROTO_FILES, PROTO_LOADER_OPTIONS)) as any
  ).krishiv.coordinator.v1;
  return servicesCache;
}

/** `http://`/`grpc://` → plaintext, `https://`/`grpcs://` → TLS; the host:port is the target. */
export function parseCoordinatorUrl(url: string): { target: string; tls: boolean } {
  const match = /^(https?|grpcs?):\/\/([^/]+)\/?$/.exec(url.trim());
  if (!match) {
    throw new KrishivError(
      grpc.status.INVALID_ARGUMENT,
      `"${url}" is not a coordinator URL; use http://host:50051 or https://host:50051`,
    );
  }
  return { target: match[2], tls: match[1] === 'https' || match[1] === 'grpcs' };
}

function decodeValue(value: Value__Output): SqlValue {
  switch (value?.kind) {
    case 'boolValue':
      return value.boolValue ?? null;
    case 'intValue': {
      const big = BigInt(value.intValue ?? 0);
      return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(big)
        : big;
    }
    case 'doubleValue':
      return value.doubleValue ?? null;
    case 'stringValue':
      return value.stringValue ?? null;
    case 'bytesValue':
      return value.bytesValue ?? null;
    default:
      return null;
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * A JS value as a wire value, without rounding: safe integers and int64 bigints travel as
 * int_value, other numbers as double_value, bigints beyond int64 as their exact decimal text.
 */
function encodeValue(value: unknown, where: string): Value {
  if (value === null || value === undefined) return { nullValue: true };
  switch (typeof value) {
    case 'boolean':
      return { boolValue: value };
    case 'number':
      return Number.isSafeInteger(value) ? { intValue: String(value) } : { doubleValue: value };
    case 'bigint':
      return value >= INT64_MIN && value <= INT64_MAX
        ? { intValue: value.toString() }
        : { stringValue: value.toString() };
    case 'string':
      return { stringValue: value };
  }
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return { bytesValue: value };
  if (value instanceof Date) return { stringValue: value.toISOString() };
  const kind = Array.isArray(value)
    ? 'a list'
    : typeof value === 'object'
      ? 'an object'
      : `a ${typeof value}`;
  throw new InvalidArgumentError(
    grpc.status.INVALID_ARGUMENT,
    `${where}: cannot send ${kind}; use null, a boolean, number, bigint, string, Buffer or Date`,
  );
}

function encodeRecord(record: unknown, index: number): StreamRecord {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    throw new InvalidArgumentError(
      grpc.status.INVALID_ARGUMENT,
      `record ${index}: expected an object of field values`,
    );
  }
  const fields: Record<string, Value> = {};
  for (const [field, value] of Object.entries(record)) {
    fields[field] = encodeValue(value, `record ${index}, field ${field}`);
  }
  return { fields };
}

function toStream(wire: Stream__Output): Stream {
  return {
    name: wire.name,
    columns: wire.columns.map(({ name, type }) => ({ name, type })),
    recordCount: Number(wire.recordCount),
    lastOffset: Number(wire.lastOffset),
    createdBy: wire.createdBy,
    createdAt: wire.createdAt,
  };
}

/** Proto3 strings cannot be absent: empty means "not set". */
const optional = (value: string): string | undefined => value || undefined;

/** An optional int64 (sent as decimal text) as a number, absent when not set. */
const optionalNumber = (value: string | undefined): number | undefined =>
  value === undefined || value === null ? undefined : Number(value);

function withoutAbsent<T extends object>(item: T): T {
  for (const key of Object.keys(item) as (keyof T)[]) {
    if (item[key] === undefined) delete item[key];
  }
  return item;
}

function toJob(wire: Job__Output): Job {
  const job: Job = {
    id: wire.id,
    name: wire.name,
    kind: wire.kind as JobKind,
    sql: wire.sql,
    state: wire.state as JobState,
    submittedBy: wire.submittedBy,
    submittedAt: wire.submittedAt,
    startedAt: optional(wire.startedAt),
    finishedAt: optional(wire.finishedAt),
    executorId: optional(wire.executorId),
    error: optional(wire.error),
    rowCount: optionalNumber(wire.rowCount),
    restoredFrom: optional(wire.restoredFrom),
    sink: optional(wire.sink),
    cancelledBy: optional(wire.cancelledBy),
    timeoutMs: wire.timeoutMs,
    offset: optionalNumber(wire.offset),
    lag: optionalNumber(wire.lag),
    recordsProcessed: optionalNumber(wire.recordsProcessed),
    lastBatchAt: optional(wire.lastBatchAt),
  };
  return withoutAbsent(job);
}

function toSavepoint(wire: Savepoint__Output): Savepoint {
  const offsets = Object.entries(wire.offsets ?? {});
  return withoutAbsent<Savepoint>({
    id: wire.id,
    jobId: wire.jobId,
    state: wire.state as SavepointState,
    createdAt: wire.createdAt,
    completedAt: optional(wire.completedAt),
    location: optional(wire.location),
    offsets:
      offsets.length === 0
        ? undefined
        : Object.fromEntries(offsets.map(([stream, offset]) => [stream, Number(offset)])),
    error: optional(wire.error),
    label: optional(wire.label),
  });
}

function toAuditEvent(wire: AuditEvent__Output): AuditEvent {
  return {
    id: wire.id,
    at: wire.at,
    requestId: optional(wire.requestId),
    subject: optional(wire.subject),
    role: optional(wire.role),
    authMethod: optional(wire.authMethod),
    action: wire.action,
    resource: optional(wire.resource),
    decision: wire.decision as AuditEvent['decision'],
    reason: optional(wire.reason),
    clientAddress: optional(wire.clientAddress),
    transport: wire.transport,
  };
}

function toExecutor(wire: Executor__Output): Executor {
  return {
    id: wire.id,
    state: wire.state as ExecutorState,
    slots: wire.slots,
    runningJobs: wire.runningJobs,
    lastHeartbeatAt: wire.lastHeartbeatAt,
    host: wire.host,
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A typed client of the coordinator's gRPC API. */
export class Session {
  private readonly clients = new Map<string, grpc.Client>();

  private constructor(
    public readonly url: string,
    private readonly target: string,
    private readonly credentials: grpc.ChannelCredentials,
    private readonly token: string | undefined,
    private readonly deadlineMs: number,
  ) {}

  public static connect(url: string, options: ConnectOptions = {}): Session {
    const { target, tls } = parseCoordinatorUrl(url);
    const credentials = tls
      ? grpc.credentials.createSsl(options.ca ?? null)
      : grpc.credentials.createInsecure();
    return new Session(url, target, credentials, options.token, options.deadlineMs ?? 330_000);
  }

  /** Coordinator from `KRISHIV_COORDINATOR`, token as the CLI finds it (see `clientEnvironment`). */
  public static fromEnv(options: Omit<ConnectOptions, 'token'> = {}): Session {
    const env = clientEnvironment();
    return Session.connect(env.coordinator, { ...options, token: env.token });
  }

  public static caFromFile(path: string): Buffer {
    return readFileSync(path);
  }

  public async whoAmI(): Promise<WhoAmI> {
    const r = await this.call<WhoAmIResponse__Output>('AuthService', 'whoAmI', {});
    return {
      subject: r.subject,
      role: (r.role || null) as WhoAmI['role'],
      method: r.method,
      issuer: r.issuer || undefined,
      expiresAt: r.expiresAt || undefined,
    };
  }

  public async canI(action: string): Promise<CanIAnswer> {
    const r = await this.call<CanIResponse__Output>('AuthService', 'canI', { action });
    return { ...r, requiredRole: r.requiredRole || null, role: r.role || null };
  }

  public async query(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    const deadline = options.timeoutMs ? options.timeoutMs + 5_000 : undefined;
    const r = await this.call<ExecuteQueryResponse__Output>(
      'QueryService',
      'executeQuery',
      { sql, ...options },
      deadline,
    );
    return {
      columns: r.columns,
      rows: r.rows.map((row) => row.values.map(decodeValue)),
      rowCount: Number(r.rowCount),
      truncated: r.truncated,
      elapsedMs: r.elapsedMs,
    };
  }

  /**
   * The same query with its rows streamed: `onRows` gets each batch as it arrives (the next batch
   * waits while a returned promise is pending), so a large result is never held whole. Resolves
   * with the columns and totals once the last batch was handled.
   */
  public async queryStream(
    sql: string,
    onRows: (rows: SqlValue[][]) => void | Promise<void>,
    options: QueryOptions = {},
  ): Promise<Omit<QueryResult, 'rows'>> {
    const metadata = new grpc.Metadata();
    if (this.token) metadata.set('authorization', `Bearer ${this.token}`);
    const deadline = Date.now() + (options.timeoutMs ?? 0) + this.deadlineMs;
    const stream = this.client('QueryService').executeQueryStream({ sql, ...options }, metadata, {
      deadline,
    }) as AsyncIterable<QueryResultChunk__Output>;
    let columns: QueryResult['columns'] = [];
    try {
      for await (const chunk of stream) {
        if (chunk.columns.length > 0) columns = chunk.columns;
        if (chunk.rows.length > 0)
          await onRows(chunk.rows.map((row) => row.values.map(decodeValue)));
        if (chunk.done) {
          return {
            columns,
            rowCount: Number(chunk.rowCount),
            truncated: chunk.truncated,
            elapsedMs: chunk.elapsedMs,
          };
        }
      }
    } catch (err) {
      const e = err as grpc.ServiceError;
      throw errorFromStatus(e.code, e.details || e.message);
    }
    throw errorFromStatus(grpc.status.UNKNOWN, 'the result stream ended before its totals');
  }

  /**
   * Submits a job; it is durably queued when this resolves. A streaming job's sink table is
   * created here, so a taken name is refused (`AlreadyExistsError`) before any job exists.
   */
  public async submitJob(options: SubmitJobOptions): Promise<Job> {
    const wire = await this.call<Job__Output>('JobService', 'submitJob', {
      sql: options.sql,
      name: options.name,
      kind: options.kind,
      sink: options.sink,
      requestId: options.requestId,
      timeoutMs: options.timeoutMs,
    });
    return toJob(wire);
  }

  /** One page of jobs, newest first. */
  public async listJobs(options: ListJobsOptions = {}): Promise<JobPage> {
    const r = await this.call<ListJobsResponse__Output>('JobService', 'listJobs', {
      state: options.state,
      kind: options.kind,
      submittedBy: options.submittedBy,
      pageSize: options.pageSize,
      pageToken: options.pageToken,
    });
    return {
      jobs: r.jobs.map(toJob),
      ...(r.nextPageToken ? { nextPageToken: r.nextPageToken } : {}),
    };
  }

  public async getJob(id: string): Promise<Job> {
    return toJob(await this.call<Job__Output>('JobService', 'getJob', { id }));
  }

  /** A page of a succeeded job's result; follow `nextOffset` for the rest. */
  public async getJobResult(id: string, options: JobResultOptions = {}): Promise<JobResultPage> {
    const r = await this.call<GetJobResultResponse__Output>('JobService', 'getJobResult', {
      id,
      offset: options.offset ?? 0,
      limit: options.limit,
    });
    return {
      columns: r.columns.map(({ name, type }) => ({ name, type })),
      rows: r.rows.map((row) => row.values.map(decodeValue)),
      totalRows: Number(r.totalRows),
      offset: Number(r.offset),
      ...(r.nextOffset === undefined ? {} : { nextOffset: Number(r.nextOffset) }),
    };
  }

  /** Cancels a queued or running job; a finished one is refused (`ConflictError`). */
  public async cancelJob(id: string): Promise<Job> {
    return toJob(await this.call<Job__Output>('JobService', 'cancelJob', { id }));
  }

  /** Polls the job until it succeeded, failed or was cancelled, and returns it in that state. */
  public async waitForJob(id: string, options: WaitOptions = {}): Promise<Job> {
    // Without a fixed interval: quick polls first, so short jobs return at once, then every second.
    let delay = options.pollMs ?? 100;
    for (;;) {
      options.signal?.throwIfAborted();
      const job = await this.getJob(id);
      options.onProgress?.(job);
      if (isTerminal(job.state)) return job;
      await sleep(delay, options.signal);
      if (options.pollMs === undefined) delay = Math.min(Math.round(delay * 1.5), 1_000);
    }
  }

  /**
   * Asks a running streaming job for a savepoint, taken between two micro-batches. Resolves with
   * it `pending`; `waitForSavepoint` follows it until it completed or failed.
   */
  public async triggerSavepoint(
    jobId: string,
    options: TriggerSavepointOptions = {},
  ): Promise<Savepoint> {
    const wire = await this.call<Savepoint__Output>('JobService', 'triggerSavepoint', {
      jobId,
      label: options.label,
      stop: options.stop ?? false,
      requestId: options.requestId,
    });
    return toSavepoint(wire);
  }

  /** The savepoints of a job, newest first. */
  public async listSavepoints(jobId: string): Promise<Savepoint[]> {
    const r = await this.call<ListSavepointsResponse__Output>('JobService', 'listSavepoints', {
      jobId,
    });
    return r.savepoints.map(toSavepoint);
  }

  public async getSavepoint(id: string): Promise<Savepoint> {
    return toSavepoint(await this.call<Savepoint__Output>('JobService', 'getSavepoint', { id }));
  }

  /** Deletes a completed or failed savepoint and its files; resolves with it as it was. */
  public async deleteSavepoint(id: string): Promise<Savepoint> {
    return toSavepoint(await this.call<Savepoint__Output>('JobService', 'deleteSavepoint', { id }));
  }

  /**
   * Starts a new streaming job from a completed savepoint: its state is loaded into the sink and
   * the job continues from the saved offsets.
   */
  public async restoreJob(savepointId: string, options: RestoreJobOptions = {}): Promise<Job> {
    const wire = await this.call<Job__Output>('JobService', 'restoreJob', {
      savepointId,
      name: options.name,
      sink: options.sink,
    });
    return toJob(wire);
  }

  /** Polls the savepoint until it completed or failed, and returns it in that state. */
  public async waitForSavepoint(
    id: string,
    options: WaitOptions<Savepoint> = {},
  ): Promise<Savepoint> {
    let delay = options.pollMs ?? 100;
    for (;;) {
      options.signal?.throwIfAborted();
      const savepoint = await this.getSavepoint(id);
      options.onProgress?.(savepoint);
      if (isSettled(savepoint.state)) return savepoint;
      await sleep(delay, options.signal);
      if (options.pollMs === undefined) delay = Math.min(Math.round(delay * 1.5), 1_000);
    }
  }

  /** Audit events, newest first (admin). */
  public async listAuditEvents(options: ListAuditEventsOptions = {}): Promise<AuditEventPage> {
    const r = await this.call<ListEventsResponse__Output>('AuditService', 'listEvents', {
      subject: options.subject,
      action: options.action,
      decision: options.decision,
      transport: options.transport,
      since: options.since,
      until: options.until,
      pageSize: options.pageSize,
      pageToken: options.pageToken,
    });
    return {
      events: r.events.map(toAuditEvent),
      ...(r.nextPageToken ? { nextPageToken: r.nextPageToken } : {}),
    };
  }

  public async listExecutors(): Promise<Executor[]> {
    const r = await this.call<ListExecutorsResponse__Output>(
      'ExecutorService',
      'listExecutors',
      {},
    );
    return r.executors.map(toExecutor);
  }

  public async getExecutor(id: string): Promise<Executor> {
    return this.executorCall('getExecutor', id);
  }

  /** Stops scheduling onto the executor; it is `drained` once its running jobs end. */
  public async drainExecutor(id: string): Promise<Executor> {
    return this.executorCall('drainExecutor', id);
  }

  public async resumeExecutor(id: string): Promise<Executor> {
    return this.executorCall('resumeExecutor', id);
  }

  /** Retires the executor for good; the jobs it was running are stopped. */
  public async removeExecutor(id: string): Promise<Executor> {
    return this.executorCall('removeExecutor', id);
  }

  /** Creates a stream; a name taken by a stream or any table is refused (`ConflictError`). */
  public async createStream(name: string, columns: StreamColumn[]): Promise<Stream> {
    const wire = await this.call<Stream__Output>('StreamService', 'createStream', {
      name,
      columns: columns.map(({ name, type }) => ({ name, type })),
    });
    return toStream(wire);
  }

  public async listStreams(): Promise<Stream[]> {
    const r = await this.call<ListStreamsResponse__Output>('StreamService', 'listStreams', {});
    return r.streams.map(toStream);
  }

  public async getStream(name: string): Promise<Stream> {
    return toStream(await this.call<Stream__Output>('StreamService', 'getStream', { name }));
  }

  /**
   * Appends records atomically: all of them, with consecutive offsets, or none (an
   * `InvalidArgumentError` naming the record index and field). Values: null, boolean, number,
   * bigint (exact up to int64, beyond that as decimal text), string (also for DECIMAL, DATE and
   * TIMESTAMP), Buffer, Date (sent as ISO 8601).
   */
  public async appendRecords(
    name: string,
    records: Record<string, unknown>[],
  ): Promise<AppendOutcome> {
    const r = await this.call<AppendRecordsResponse__Output>('StreamService', 'appendRecords', {
      name,
      records: records.map(encodeRecord),
    });
    return {
      stream: r.stream,
      appended: Number(r.appended),
      firstOffset: Number(r.firstOffset),
      lastOffset: Number(r.lastOffset),
    };
  }

  public close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  private async executorCall(method: string, id: string): Promise<Executor> {
    return toExecutor(await this.call<Executor__Output>('ExecutorService', method, { id }));
  }

  private client(service: string): any {
    let client = this.clients.get(service);
    if (!client) {
      client = new (services()[service])(this.target, this.credentials) as grpc.Client;
      this.clients.set(service, client);
    }
    return client;
  }

  private call<T>(
    service: string,
    method: string,
    request: object,
    deadlineMs = this.deadlineMs,
  ): Promise<T> {
    const metadata = new grpc.Metadata();
    if (this.token) metadata.set('authorization', `Bearer ${this.token}`);
    const client = this.client(service);
    const unary = client[method].bind(client) as Unary;
    return new Promise((resolve, reject) => {
      unary(request, metadata, { deadline: Date.now() + deadlineMs }, (err, response) => {
        if (!err) return resolve(response);
        const message =
          err.code === grpc.status.UNAVAILABLE
            ? `cannot reach the coordinator at ${this.url}: ${err.details.replace(/\s*Resolution note:.*$/s, '')}`
            : err.details;
        reject(errorFromStatus(err.code, message || err.message));
      });
    });
  }
}

export { KrishivError };
