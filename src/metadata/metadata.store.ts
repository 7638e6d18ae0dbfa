import { ExecutorState, JobKind, JobState } from './schema';

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

export interface StreamRecordDefinition {
  name: string;
  columns: { name: string; type: string }[];
  createdBy: string;
  createdAt: string;
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
   * the same transaction. Resolves with the updated job, or undefined when the state had moved on.
   */
  public abstract transitionJob(
    id: string,
    from: readonly JobState[],
    patch: JobPatch,
    event: JobEvent,
  ): Promise<JobRecord | undefined>;
  public abstract queuedJobs(limit: number): Promise<JobRecord[]>;
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

  /** Records a stream; false when one of that name exists already. */
  public abstract insertStream(stream: StreamRecordDefinition): Promise<boolean>;
  public abstract deleteStream(name: string): Promise<void>;
  public abstract getStream(name: string): Promise<StreamRecordDefinition | undefined>;
  public abstract listStreams(): Promise<StreamRecordDefinition[]>;

  public abstract close(): Promise<void>;
}
