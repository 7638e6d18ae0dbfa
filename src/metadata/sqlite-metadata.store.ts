import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  DatabaseConnection,
  Driver,
  Kysely,
  Migrator,
  Selectable,
  SqliteAdapter,
  SqliteDialect,
  SqliteDialectConfig,
  SqliteDriver,
  Updateable,
} from 'kysely';
import { InCodeMigrationProvider } from './migrations';
import {
  AuditEventRecord,
  AuditFilter,
  ExecutorRecord,
  IdempotencyClaim,
  InsertOutcome,
  JobEvent,
  JobFilter,
  JobPatch,
  JobRecord,
  MetadataStore,
  NewJob,
  SavepointPatch,
  SavepointRecord,
  StoredAuditEvent,
  StreamRecordDefinition,
} from './metadata.store';
import {
  AuditEventsTable,
  Database,
  ExecutorsTable,
  JOB_STATES,
  JobsTable,
  JobState,
  SavepointsTable,
  StreamsTable,
} from './schema';

/**
 * SQLite does run DDL inside transactions; Kysely's adapter just does not claim it. Claiming it
 * makes the migrator apply each migration and its record atomically, so a crash mid-upgrade
 * leaves the previous schema rather than a half-applied one.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  public override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/**
 * SQLite rolls a transaction back by itself when a statement fails with SQLITE_FULL or an I/O
 * error; the driver's own ROLLBACK then fails with "no transaction is active" and would replace
 * the real error (a full disk, reported as 507) with a meaningless one.
 */
class MetadataSqliteDriver extends SqliteDriver {
  public override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await super.rollbackTransaction(connection);
    } catch (err) {
      if (!/no transaction is active/.test((err as Error).message)) throw err;
    }
  }
}

class MetadataSqliteDialect extends SqliteDialect {
  constructor(private readonly dialectConfig: SqliteDialectConfig) {
    super(dialectConfig);
  }

  public override createAdapter(): SqliteAdapter {
    return new TransactionalDdlSqliteAdapter();
  }

  public override createDriver(): Driver {
    return new MetadataSqliteDriver(this.dialectConfig);
  }
}

function toJob(row: Selectable<JobsTable>): JobRecord {
  return {
    seq: row.seq,
    id: row.id,
    name: row.name,
    kind: row.kind,
    sql: row.sql,
    state: row.state,
    submittedBy: row.submitted_by,
    submitterRole: row.submitter_role,
    submittedAt: row.submitted_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    executorId: row.executor_id,
    error: row.error,
    rowCount: row.row_count,
    timeoutMs: row.timeout_ms,
    cancelledBy: row.cancelled_by,
    resultColumns: row.result_columns ? JSON.parse(row.result_columns) : null,
    resultPath: row.result_path,
    expiredAt: row.expired_at,
    sink: row.sink,
    restoredFrom: row.restored_from,
  };
}

function toExecutor(row: Selectable<ExecutorsTable>): ExecutorRecord {
  return {
    id: row.id,
    state: row.state,
    slots: row.slots,
    host: row.host,
    registeredAt: row.registered_at,
    lastHeartbeatAt: row.last_heartbeat_at,
  };
}

function toSavepoint(row: Selectable<SavepointsTable>): SavepointRecord {
  return {
    id: row.id,
    jobId: row.job_id,
    state: row.state,
    label: row.label,
    stop: row.stop === 1,
    requestId: row.request_id,
    createdBy: row.created_by,
    createdAt: row.created_at,
    completedAt: row.completed_at,
    location: row.location,
    offsets: row.offsets ? JSON.parse(row.offsets) : null,
    error: row.error,
  };
}

function toStream(row: Selectable<StreamsTable>): StreamRecordDefinition {
  return {
    name: row.name,
    columns: JSON.parse(row.columns),
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

function toAuditEvent(row: Selectable<AuditEventsTable>): StoredAuditEvent {
  return {
    seq: row.seq,
    at: row.at,
    requestId: row.request_id,
    subject: row.subject,
    role: row.role,
    authMethod: row.auth_method,
    action: row.action,
    resource: row.resource,
    decision: row.decision,
    reason: row.reason,
    clientAddress: row.client_address,
    transport: row.transport,
  };
}

/** The columns a savepoint patch sets. */
function savepointColumns(patch: SavepointPatch): Updateable<SavepointsTable> {
  const set: Updateable<SavepointsTable> = {};
  if (patch.state) set.state = patch.state;
  if (patch.completedAt !== undefined) set.completed_at = patch.completedAt;
  if (patch.location !== undefined) set.location = patch.location;
  if (patch.offsets !== undefined)
    set.offsets = patch.offsets === null ? null : JSON.stringify(patch.offsets);
  if (patch.error !== undefined) set.error = patch.error;
  return set;
}

function patchColumns(patch: JobPatch): Updateable<JobsTable> {
  const columns: Record<string, unknown> = {};
  const names: Record<keyof JobPatch, keyof JobsTable> = {
    state: 'state',
    startedAt: 'started_at',
    finishedAt: 'finished_at',
    executorId: 'executor_id',
    error: 'error',
    rowCount: 'row_count',
    cancelledBy: 'cancelled_by',
    resultColumns: 'result_columns',
    resultPath: 'result_path',
    expiredAt: 'expired_at',
  };
  for (const [key, value] of Object.entries(patch) as [keyof JobPatch, unknown][]) {
    if (value === undefined) continue;
    columns[names[key]] = key === 'resultColumns' && value !== null ? JSON.stringify(value) : value;
  }
  return columns as Updateable<JobsTable>;
}

/**
 * The embedded metadata store: SQLite in WAL mode with full fsync on commit, through Kysely. A
 * committed write survives a killed process and a lost machine alike; audit events alone are
 * committed without the fsync (see `insertAuditEvents`).
 */
export class SqliteMetadataStore extends MetadataStore {
  /** An audit batch, the store's most frequent write: one statement, prepared once. */
  private readonly writeAuditBatch: (events: readonly AuditEventRecord[]) => void;

  private constructor(
    private readonly db: Kysely<Database>,
    private readonly sqlite: BetterSqlite3.Database,
  ) {
    super();
    const insert = sqlite.prepare(
      'INSERT INTO audit_events (at, request_id, subject, role, auth_method, action, resource, ' +
        'decision, reason, client_address, transport) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    // All of a batch or none of it: better-sqlite3 rolls back when a row fails.
    this.writeAuditBatch = sqlite.transaction((events: readonly AuditEventRecord[]) => {
      for (const e of events) {
        insert.run(
          e.at,
          e.requestId,
          e.subject,
          e.role,
          e.authMethod,
          e.action,
          e.resource,
          e.decision,
          e.reason,
          e.clientAddress,
          e.transport,
        );
      }
    });
  }

  /** Opens (creating if needed) the database and brings its schema up to date. */
  public static async open(path: string): Promise<SqliteMetadataStore> {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const sqlite = new BetterSqlite3(path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    const db = new Kysely<Database>({ dialect: new MetadataSqliteDialect({ database: sqlite }) });
    const migrator = new Migrator({ db, provider: new InCodeMigrationProvider() });
    const { error, results } = await migrator.migrateToLatest();
    const failed = results?.find((r) => r.status === 'Error');
    if (error || failed) {
      await db.destroy();
      throw new Error(
        `metadata migration ${failed?.migrationName ?? ''} failed: ${(error as Error)?.message ?? 'unknown error'}`,
      );
    }
    return new SqliteMetadataStore(db, sqlite);
  }

  public async insertJob(
    job: NewJob,
    event: JobEvent,
    claim?: IdempotencyClaim,
  ): Promise<InsertOutcome> {
    return this.db.transaction().execute(async (tx) => {
      if (claim) {
        const existing = await tx
          .selectFrom('idempotency_keys')
          .selectAll()
          .where('subject', '=', claim.subject)
          .where('key', '=', claim.key)
          .executeTakeFirst();
        if (existing) {
          if (existing.request_digest !== claim.requestDigest) {
            return { kind: 'key-conflict', jobId: existing.job_id } as const;
          }
          const row = await tx
            .selectFrom('jobs')
            .selectAll()
            .where('id', '=', existing.job_id)
            .executeTakeFirst();
          if (row) return { kind: 'replayed', job: toJob(row) } as const;
        }
      }
      const row = await tx
        .insertInto('jobs')
        .values({
          id: job.id,
          name: job.name,
          kind: job.kind,
          sql: job.sql,
          state: 'queued',
          submitted_by: job.submittedBy,
          submitter_role: job.submitterRole,
          submitted_at: job.submittedAt,
          timeout_ms: job.timeoutMs,
          started_at: null,
          finished_at: null,
          executor_id: null,
          error: null,
          row_count: null,
          cancelled_by: null,
          result_columns: null,
          result_path: null,
          expired_at: null,
          sink: job.sink,
          restored_from: job.restoredFrom,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('job_events')
        .values({
          job_id: job.id,
          at: event.at,
          actor: event.actor,
          event: event.event,
          detail: event.detail ?? null,
        })
        .execute();
      if (claim) {
        await tx
          .insertInto('idempotency_keys')
          .values({
            subject: claim.subject,
            key: claim.key,
            job_id: job.id,
            request_digest: claim.requestDigest,
            created_at: job.submittedAt,
          })
          .onConflict((oc) => oc.columns(['subject', 'key']).doUpdateSet({ job_id: job.id }))
          .execute();
      }
      return { kind: 'created', job: toJob(row) } as const;
    });
  }

  public async getJob(id: string): Promise<JobRecord | undefined> {
    const row = await this.db
      .selectFrom('jobs')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toJob(row);
  }

  public async jobIdForKey(subject: string, key: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('idempotency_keys')
      .select('job_id')
      .where('subject', '=', subject)
      .where('key', '=', key)
      .executeTakeFirst();
    return row?.job_id;
  }

  public async listJobs(filter: JobFilter): Promise<JobRecord[]> {
    let query = this.db.selectFrom('jobs').selectAll().where('expired_at', 'is', null);
    if (filter.state) query = query.where('state', '=', filter.state);
    if (filter.kind) query = query.where('kind', '=', filter.kind);
    if (filter.submittedBy) query = query.where('submitted_by', '=', filter.submittedBy);
    if (filter.beforeSeq !== undefined) query = query.where('seq', '<', filter.beforeSeq);
    const rows = await query.orderBy('seq', 'desc').limit(filter.limit).execute();
    return rows.map(toJob);
  }

  public async transitionJob(
    id: string,
    from: readonly JobState[],
    patch: JobPatch,
    event: JobEvent,
    savepoint?: { id: string; patch: SavepointPatch },
  ): Promise<JobRecord | undefined> {
    const columns = patchColumns(patch);
    return this.db.transaction().execute(async (tx) => {
      const row =
        Object.keys(columns).length === 0
          ? await tx
              .selectFrom('jobs')
              .selectAll()
              .where('id', '=', id)
              .where('state', 'in', [...from])
              .executeTakeFirst()
          : await tx
              .updateTable('jobs')
              .set(columns)
              .where('id', '=', id)
              .where('state', 'in', [...from])
              .returningAll()
              .executeTakeFirst();
      if (!row) return undefined;
      await tx
        .insertInto('job_events')
        .values({
          job_id: id,
          at: event.at,
          actor: event.actor,
          event: event.event,
          detail: event.detail ?? null,
        })
        .execute();
      if (savepoint) {
        await tx
          .updateTable('savepoints')
          .set(savepointColumns(savepoint.patch))
          .where('id', '=', savepoint.id)
          .execute();
      }
      return toJob(row);
    });
  }

  public async queuedJobs(limit: number): Promise<JobRecord[]> {
    const rows = await this.db
      .selectFrom('jobs')
      .selectAll()
      .where('state', '=', 'queued')
      .orderBy('seq', 'asc')
      .limit(limit)
      .execute();
    return rows.map(toJob);
  }

  public async jobsWithSink(sink: string): Promise<JobRecord[]> {
    const rows = await this.db
      .selectFrom('jobs')
      .selectAll()
      .where((eb) => eb(eb.fn('lower', ['sink']), '=', sink.toLowerCase()))
      .execute();
    return rows.map(toJob);
  }

  public async jobsInState(state: JobState): Promise<JobRecord[]> {
    const rows = await this.db.selectFrom('jobs').selectAll().where('state', '=', state).execute();
    return rows.map(toJob);
  }

  public async countJobsByState(): Promise<Record<JobState, number>> {
    const rows = await this.db
      .selectFrom('jobs')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .where('expired_at', 'is', null)
      .groupBy('state')
      .execute();
    const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
    for (const row of rows) counts[row.state] = Number(row.n);
    return counts;
  }

  public async jobsToExpire(finishedBefore: string, limit: number): Promise<JobRecord[]> {
    const rows = await this.db
      .selectFrom('jobs')
      .selectAll()
      .where('expired_at', 'is', null)
      .where('finished_at', 'is not', null)
      .where('finished_at', '<', finishedBefore)
      .orderBy('finished_at')
      .limit(limit)
      .execute();
    return rows.map(toJob);
  }

  public async jobEvents(jobId: string): Promise<JobEvent[]> {
    const rows = await this.db
      .selectFrom('job_events')
      .select(['at', 'actor', 'event', 'detail'])
      .where('job_id', '=', jobId)
      .orderBy('id', 'asc')
      .execute();
    return rows;
  }

  public async upsertExecutor(executor: ExecutorRecord): Promise<void> {
    await this.db
      .insertInto('executors')
      .values({
        id: executor.id,
        state: executor.state,
        slots: executor.slots,
        host: executor.host,
        registered_at: executor.registeredAt,
        last_heartbeat_at: executor.lastHeartbeatAt,
      })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({
          state: executor.state,
          slots: executor.slots,
          host: executor.host,
          registered_at: executor.registeredAt,
          last_heartbeat_at: executor.lastHeartbeatAt,
        }),
      )
      .execute();
  }

  public async getExecutor(id: string): Promise<ExecutorRecord | undefined> {
    const row = await this.db
      .selectFrom('executors')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toExecutor(row);
  }

  public async listExecutors(): Promise<ExecutorRecord[]> {
    const rows = await this.db.selectFrom('executors').selectAll().orderBy('id').execute();
    return rows.map(toExecutor);
  }

  public async updateExecutor(
    id: string,
    patch: Partial<Pick<ExecutorRecord, 'state' | 'lastHeartbeatAt'>>,
  ): Promise<void> {
    const set: Updateable<ExecutorsTable> = {};
    if (patch.state) set.state = patch.state;
    if (patch.lastHeartbeatAt) set.last_heartbeat_at = patch.lastHeartbeatAt;
    if (Object.keys(set).length === 0) return;
    await this.db.updateTable('executors').set(set).where('id', '=', id).execute();
  }

  public async insertSavepoint(savepoint: SavepointRecord): Promise<SavepointRecord> {
    return this.db.transaction().execute(async (tx) => {
      if (savepoint.requestId !== null) {
        const existing = await tx
          .selectFrom('savepoints')
          .selectAll()
          .where('job_id', '=', savepoint.jobId)
          .where('request_id', '=', savepoint.requestId)
          .executeTakeFirst();
        if (existing) return toSavepoint(existing);
      }
      const row = await tx
        .insertInto('savepoints')
        .values({
          id: savepoint.id,
          job_id: savepoint.jobId,
          state: savepoint.state,
          label: savepoint.label,
          stop: savepoint.stop ? 1 : 0,
          request_id: savepoint.requestId,
          created_by: savepoint.createdBy,
          created_at: savepoint.createdAt,
          completed_at: null,
          location: null,
          offsets: null,
          error: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toSavepoint(row);
    });
  }

  public async updateSavepoint(
    id: string,
    patch: SavepointPatch,
  ): Promise<SavepointRecord | undefined> {
    const set = savepointColumns(patch);
    if (Object.keys(set).length === 0) return this.getSavepoint(id);
    const row = await this.db
      .updateTable('savepoints')
      .set(set)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row && toSavepoint(row);
  }

  public async getSavepoint(id: string): Promise<SavepointRecord | undefined> {
    const row = await this.db
      .selectFrom('savepoints')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toSavepoint(row);
  }

  public async listSavepoints(jobId: string): Promise<SavepointRecord[]> {
    const rows = await this.db
      .selectFrom('savepoints')
      .selectAll()
      .where('job_id', '=', jobId)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(toSavepoint);
  }

  public async pendingSavepoints(): Promise<SavepointRecord[]> {
    const rows = await this.db
      .selectFrom('savepoints')
      .selectAll()
      .where('state', '=', 'pending')
      .execute();
    return rows.map(toSavepoint);
  }

  public async deleteSavepoint(id: string): Promise<void> {
    await this.db.deleteFrom('savepoints').where('id', '=', id).execute();
  }

  public async insertStream(stream: StreamRecordDefinition): Promise<boolean> {
    const result = await this.db
      .insertInto('streams')
      .values({
        name: stream.name,
        columns: JSON.stringify(stream.columns),
        created_by: stream.createdBy,
        created_at: stream.createdAt,
      })
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  public async deleteStream(name: string): Promise<void> {
    await this.db.deleteFrom('streams').where('name', '=', name).execute();
  }

  public async getStream(name: string): Promise<StreamRecordDefinition | undefined> {
    const row = await this.db
      .selectFrom('streams')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    return row && toStream(row);
  }

  public async listStreams(): Promise<StreamRecordDefinition[]> {
    const rows = await this.db.selectFrom('streams').selectAll().orderBy('name').execute();
    return rows.map(toStream);
  }

  /**
   * Audit events commit without waiting for the disk (`synchronous = NORMAL` for this transaction
   * only; the WAL still orders it before every later commit). A killed process loses none of them;
   * a power cut may lose the last batches, which the log holds as well. This store runs on the
   * event loop, so an audit batch is kept short: one prepared statement, no disk flush. Holding
   * Kysely's only connection keeps every other transaction out while it runs.
   */
  public async insertAuditEvents(events: readonly AuditEventRecord[]): Promise<void> {
    if (events.length === 0) return;
    await this.db.connection().execute(async () => {
      this.sqlite.pragma('synchronous = NORMAL');
      try {
        this.writeAuditBatch(events);
      } finally {
        this.sqlite.pragma('synchronous = FULL');
      }
    });
  }

  public async listAuditEvents(filter: AuditFilter): Promise<StoredAuditEvent[]> {
    let query = this.db.selectFrom('audit_events').selectAll();
    if (filter.subject !== undefined) query = query.where('subject', '=', filter.subject);
    if (filter.action !== undefined) query = query.where('action', '=', filter.action);
    if (filter.decision !== undefined) query = query.where('decision', '=', filter.decision);
    if (filter.transport !== undefined) query = query.where('transport', '=', filter.transport);
    if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
    if (filter.until !== undefined) query = query.where('at', '<', filter.until);
    if (filter.beforeSeq !== undefined) query = query.where('seq', '<', filter.beforeSeq);
    const rows = await query.orderBy('seq', 'desc').limit(filter.limit).execute();
    return rows.map(toAuditEvent);
  }

  public async pruneAuditEvents(before: string, limit: number): Promise<number> {
    const result = await this.db
      .deleteFrom('audit_events')
      .where(
        'seq',
        'in',
        this.db
          .selectFrom('audit_events')
          .select('seq')
          .where('at', '<', before)
          .orderBy('at')
          .limit(limit),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  public async close(): Promise<void> {
    await this.db.destroy();
  }
}
