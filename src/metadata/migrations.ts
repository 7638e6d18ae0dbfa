import { Kysely, Migration, MigrationProvider, sql } from 'kysely';

/**
 * Schema migrations, applied in name order at start-up. Never edit a released migration: add the
 * next one, so every existing data dir upgrades the same way.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '0001_jobs_executors': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('jobs')
        .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('sql', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('submitted_by', 'text', (c) => c.notNull())
        .addColumn('submitter_role', 'text', (c) => c.notNull())
        .addColumn('submitted_at', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('finished_at', 'text')
        .addColumn('executor_id', 'text')
        .addColumn('error', 'text')
        .addColumn('row_count', 'integer')
        .addColumn('timeout_ms', 'integer')
        .addColumn('cancelled_by', 'text')
        .addColumn('result_columns', 'text')
        .addColumn('result_path', 'text')
        .execute();
      await db.schema.createIndex('jobs_state_seq').on('jobs').columns(['state', 'seq']).execute();
      await db.schema
        .createTable('job_events')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('job_id', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('detail', 'text')
        .execute();
      await db.schema.createIndex('job_events_job').on('job_events').column('job_id').execute();
      await db.schema
        .createTable('executors')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('slots', 'integer', (c) => c.notNull())
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('registered_at', 'text', (c) => c.notNull())
        .addColumn('last_heartbeat_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('idempotency_keys')
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('job_id', 'text', (c) => c.notNull())
        .addColumn('request_digest', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['subject', 'key'])
        .execute();
    },
  },
  '0002_job_retention': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('jobs').addColumn('expired_at', 'text').execute();
      await sql`CREATE INDEX jobs_submitted_by ON jobs (submitted_by, seq)`.execute(db);
    },
  },
  '0003_streams': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('streams')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('columns', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0004_streaming_jobs': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('jobs').addColumn('sink', 'text').execute();
    },
  },
  '0005_savepoints': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('jobs').addColumn('restored_from', 'text').execute();
      await db.schema
        .createTable('savepoints')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('job_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('label', 'text')
        .addColumn('stop', 'integer', (c) => c.notNull())
        .addColumn('request_id', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('completed_at', 'text')
        .addColumn('location', 'text')
        .addColumn('offsets', 'text')
        .addColumn('error', 'text')
        .execute();
      await db.schema
        .createIndex('savepoints_job')
        .on('savepoints')
        .columns(['job_id', 'created_at'])
        .execute();
      await db.schema
        .createIndex('savepoints_request')
        .on('savepoints')
        .columns(['job_id', 'request_id'])
        .unique()
        .where(sql.ref('request_id'), 'is not', null)
        .execute();
    },
  },
  '0006_audit_events': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('audit_events')
        .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text')
        .addColumn('subject', 'text')
        .addColumn('role', 'text')
        .addColumn('auth_method', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('resource', 'text')
        .addColumn('decision', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('client_address', 'text')
        .addColumn('transport', 'text', (c) => c.notNull())
        .execute();
      // Retention deletes by time; listings filter by time or subject, newest first.
      await db.schema.createIndex('audit_events_at').on('audit_events').column('at').execute();
      await db.schema
        .createIndex('audit_events_subject')
        .on('audit_events')
        .columns(['subject', 'seq'])
        .execute();
    },
  },
};

export class InCodeMigrationProvider implements MigrationProvider {
  constructor(private readonly migrations: Record<string, Migration> = MIGRATIONS) {}

  public async getMigrations(): Promise<Record<string, Migration>> {
    return this.migrations;
  }
}
