import {
  AuditDecision,
  AuditTransport,
  ExecutorState,
  JobKind,
  JobState,
  SavepointState,
} from './schema';

export interface JobRecord {
  seq: number;
  id: string;
  name: string;
  kind: JobKind;
  sql: string;
  state: JobState;
  submittedBy: string;
  submitterRole: string;
  submittedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  executorId: string | null;
  error: string | null;
  rowCount: number | null;
  timeoutMs: number | null;
  cancelledBy: string | null;
  resultColumns: { name: string; type: string }[] | null;
  resultPath: string | null;
  expiredAt: string | null;
  sink: string | null;
  restoredFrom: string | null;
}

export type NewJob = Pick<
  JobRecord,
  | 'id'
  | 'name'
  | 'kind'
  | 'sql'
  | 'submittedBy'
  | 'submitterRole'
  | 'submittedAt'
  | 'timeoutMs'
  | 'sink'
  | 'restoredFrom'
>;

export type JobPatch = Partial<
  Pick<
    JobRecord,
    | 'state'
    | 'startedAt'
    | 'finishedAt'
    | 'executorId'
    | 'error'
    | 'rowCount'
    | 'cancelledBy'
    | 'resultColumns'
    | 'resultPath'
    | 'expiredAt'
  >
>;

export interface JobEvent {
  at: string;
  actor: string;
  event: string;
  detail?: string | null;
}

export interface JobFilter {
  state?: JobState;
  kind?: JobKind;
  submittedBy?: string;
  /** Only jobs older than this sequence number (pagination, newest first). */
  beforeSeq?: number;
  limit: number;
}

export interface IdempotencyClaim {
  subject: string;
  key: string;
  requestDigest: string;
}

export type InsertOutcome =
  | { kind: 'created'; job: JobRecord }
  | { kind: 'replayed'; job: JobRecord }
  | { kind: 'key-conflict'; jobId: string };

export interface ExecutorRecord {
  id: string;
  state: ExecutorState;
  slots: number;
  host: string;
  registeredAt: string;
  lastHeartbeatAt: string;
}

export interface SavepointRecord {
  id: string;
  jobId: string;
  state: SavepointState;
  label: string | null;
  stop: boolean;
  requestId: string | null;
  createdBy: string;
  createdAt: string;
  completedAt: string | null;
  location: string | null;
  offsets: Record<string, number> | null;
  error: string | null;
}

export type SavepointPatch = Partial<
  Pick<SavepointRecord, 'state' | 'completedAt' | 'location' | 'offsets' | 'error'>
>;

export interface StreamRecordDefinition {
  name: string;
  columns: { name: string; type: string }[];
  createdBy: string;
  createdAt: string;
}

export interface AuditEventRecord {
  at: string;
  requestId: string | null;
  subject: string | null;
  role: string | null;
  authMethod: string | null;
  action: string;
  resource: string | null;
  decision: AuditDecision;
  reason: string | null;
  clientAddress: string | null;
  transport: AuditTransport;
}

export interface StoredAuditEvent extends AuditEventRecord {
  seq: number;
}

export interface AuditFilter {
  subject?: string;
  action?: string;
  decision?: AuditDecision;
  transport?: AuditTransport;
  /** RFC 3339 bounds on `at`: since inclusive, until exclusive. */
  since?: string;
  until?: string;
  /** Only events older than this sequence number (pagination, newest first). */
  beforeSeq?: number;
  limit: number;
}

/**
 * Durable metadata: jobs, their events, executors and idempotency keys. Every method resolves only
 * after its change is committed, so a caller may acknowledge it. Services depend on this class,
 * never on an implementation, so another database can stand behind it.
 */
export abstract class MetadataStore {
  public abstract insertJob(
    job: NewJob,
    event: JobEvent,
    claim?: IdempotencyClaim,
  ): Promise<InsertOutcome>;
  public abstract getJob(id: string): Promise<JobRecord | undefined>;
  /** The job an idempotency key already stands for, if any. */
  public abstract jobIdForKey(subject: string, key: string): Promise<string | undefined>;
  public abstract listJobs(filter: JobFilter): Promise<JobRecord[]>;
  /**
   * Applies `patch` only while the job is in one of `from` (compare-and-set), recording `event` in
   * the same transaction, and `savepoint`'s patch too when given (a stop-with-savepoint). Resolves
   * with the updated job, or undefined when the state had moved on (and nothing was written).
   */
  public abstract transitionJob(
    id: string,
    from: readonly JobState[],
    patch: JobPatch,
    event: JobEvent,
    savepoint?: { id: string; patch: SavepointPatch },
  ): Promise<JobRecord | undefined>;
  public abstract queuedJobs(limit: number): Promise<JobRecord[]>;
  /** Streaming jobs writing `sink` (any state), compared case-insensitively like engine names. */
  public abstract jobsWithSink(sink: string): Promise<JobRecord[]>;
  public abstract jobsInState(state: JobState): Promise<JobRecord[]>;
  public abstract countJobsByState(): Promise<Record<JobState, number>>;
  /** Finished jobs whose result is older than `finishedBefore` and not yet expired. */
  public abstract jobsToExpire(finishedBefore: string, limit: number): Promise<JobRecord[]>;
  public abstract jobEvents(jobId: string): Promise<JobEvent[]>;

  public abstract upsertExecutor(executor: ExecutorRecord): Promise<void>;
  public abstract getExecutor(id: string): Promise<ExecutorRecord | undefined>;
  public abstract listExecutors(): Promise<ExecutorRecord[]>;
  public abstract updateExecutor(
    id: string,
    patch: Partial<Pick<ExecutorRecord, 'state' | 'lastHeartbeatAt'>>,
  ): Promise<void>;

  /** Records a pending savepoint, or returns the one already recorded for its request id. */
  public abstract insertSavepoint(savepoint: SavepointRecord): Promise<SavepointRecord>;
  public abstract updateSavepoint(
    id: string,
    patch: SavepointPatch,
  ): Promise<SavepointRecord | undefined>;
  public abstract getSavepoint(id: string): Promise<SavepointRecord | undefined>;
  public abstract listSavepoints(jobId: string): Promise<SavepointRecord[]>;
  public abstract pendingSavepoints(): Promise<SavepointRecord[]>;
  public abstract deleteSavepoint(id: string): Promise<void>;

  /** Records a stream; false when one of that name exists already. */
  public abstract insertStream(stream: StreamRecordDefinition): Promise<boolean>;
  public abstract deleteStream(name: string): Promise<void>;
  public abstract getStream(name: string): Promise<StreamRecordDefinition | undefined>;
  public abstract listStreams(): Promise<StreamRecordDefinition[]>;

  /** Appends audit events in one transaction: all of them or none. */
  public abstract insertAuditEvents(events: readonly AuditEventRecord[]): Promise<void>;
  public abstract listAuditEvents(filter: AuditFilter): Promise<StoredAuditEvent[]>;
  /** Deletes up to `limit` of the oldest audit events older than `before`; resolves with how many went. */
  public abstract pruneAuditEvents(before: string, limit: number): Promise<number>;

  public abstract close(): Promise<void>;
}
