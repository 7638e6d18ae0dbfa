/** The REST shapes the pages read (the shapes of the OpenAPI document). */
export type Role = 'reader' | 'writer' | 'admin';

export interface Principal {
  subject: string;
  role: Role | null;
  method: 'oidc' | 'service-token' | 'ui-token' | 'anonymous';
  issuer?: string;
  expiresAt?: string;
}

export interface CanIAnswer {
  action: string;
  allowed: boolean;
  requiredRole: string;
  role: string;
  reason: string;
}

export interface Column {
  name: string;
  type: string;
}

export type Value = null | boolean | number | string | Value[] | { [key: string]: Value };

export interface QueryResult {
  columns: Column[];
  rows: Value[][];
  rowCount: number;
  truncated: boolean;
  elapsedMs: number;
}

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface Job {
  id: string;
  name: string;
  kind: 'batch' | 'streaming';
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
  restoredFrom?: string;
  sink?: string;
  offset?: number;
  lag?: number;
  recordsProcessed?: number;
  lastBatchAt?: string;
}

export interface JobList {
  jobs: Job[];
  nextPageToken?: string;
}

export interface JobResultPage {
  columns: Column[];
  rows: Value[][];
  totalRows: number;
  offset: number;
  nextOffset?: number;
}

export interface Savepoint {
  id: string;
  jobId: string;
  state: 'pending' | 'completed' | 'failed';
  createdAt: string;
  completedAt?: string;
  location?: string;
  offsets?: Record<string, number>;
  error?: string;
  label?: string;
}

export interface Executor {
  id: string;
  state: 'active' | 'draining' | 'drained' | 'lost' | 'removed';
  slots: number;
  runningJobs: number;
  lastHeartbeatAt: string;
  host: string;
}

export interface Stream {
  name: string;
  columns: Column[];
  recordCount: number;
  lastOffset: number;
  createdBy: string;
  createdAt: string;
}
