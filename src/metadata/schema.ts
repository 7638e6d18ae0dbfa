import { Generated } from 'kysely';

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];
export const TERMINAL_JOB_STATES: readonly JobState[] = ['succeeded', 'failed', 'cancelled'];

export const JOB_KINDS = ['batch', 'streaming'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const EXECUTOR_STATES = ['active', 'draining', 'drained', 'lost', 'removed'] as const;
export type ExecutorState = (typeof EXECUTOR_STATES)[number];

/** Rows as stored. Timestamps are RFC 3339 strings; JSON columns hold text. */
export interface JobsTable {
  seq: Generated<number>;
  id: string;
  name: string;
  kind: JobKind;
  sql: string;
  state: JobState;
  submitted_by: string;
  /** The submitter's role when the job was accepted; statements bound later are checked against it. */
  submitter_role: string;
  submitted_at: string;
  started_at: string | null;
  finished_at: string | null;
  executor_id: string | null;
  error: string | null;
  row_count: number | null;
  timeout_ms: number | null;
  cancelled_by: string | null;
  /** JSON `[{name, type}]` of the spooled result. */
  result_columns: string | null;
  result_path: string | null;
  /** Set when retention removed the job's result; the job then answers 404 with the reason. */
  expired_at: string | null;
  /** Streaming jobs: the engine table the job writes. */
  sink: string | null;
  /** Restored jobs: the savepoint they started from. */
  restored_from: string | null;
}

export const SAVEPOINT_STATES = ['pending', 'completed', 'failed'] as const;
export type SavepointState = (typeof SAVEPOINT_STATES)[number];

export interface SavepointsTable {
  id: string;
  job_id: string;
  state: SavepointState;
  label: string | null;
  /** 1 for stop-with-savepoint. */
  stop: number;
  request_id: string | null;
  created_by: string;
  created_at: string;
  completed_at: string | null;
  location: string | null;
  /** JSON `{ <stream>: <offset> }`. */
  offsets: string | null;
  error: string | null;
}

export interface JobEventsTable {
  id: Generated<number>;
  job_id: string;
  at: string;
  actor: string;
  event: string;
  detail: string | null;
}

export interface ExecutorsTable {
  id: string;
  state: ExecutorState;
  slots: number;
  host: string;
  registered_at: string;
  last_heartbeat_at: string;
}

export interface IdempotencyKeysTable {
  subject: string;
  key: string;
  job_id: string;
  /** SHA-256 of the request, so a key reused for a different request is refused. */
  request_digest: string;
  created_at: string;
}

export interface StreamsTable {
  name: string;
  /** JSON `[{name, type}]`; the records live in the engine table of the same name. */
  columns: string;
  created_by: string;
  created_at: string;
}

export const AUDIT_DECISIONS = ['allow', 'deny'] as const;
export type AuditDecision = (typeof AUDIT_DECISIONS)[number];

export const AUDIT_TRANSPORTS = ['rest', 'grpc', 'pgwire'] as const;
export type AuditTransport = (typeof AUDIT_TRANSPORTS)[number];

/** One audit event: who did (or was refused) what, from where. Never a credential. */
export interface AuditEventsTable {
  seq: Generated<number>;
  at: string;
  request_id: string | null;
  subject: string | null;
  role: string | null;
  auth_method: string | null;
  action: string;
  resource: string | null;
  decision: AuditDecision;
  reason: string | null;
  client_address: string | null;
  transport: AuditTransport;
}

export interface Database {
  jobs: JobsTable;
  job_events: JobEventsTable;
  executors: ExecutorsTable;
  idempotency_keys: IdempotencyKeysTable;
  streams: StreamsTable;
  savepoints: SavepointsTable;
  audit_events: AuditEventsTable;
}
