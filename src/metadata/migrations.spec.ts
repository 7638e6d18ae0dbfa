import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { InCodeMigrationProvider, MIGRATIONS } from './migrations';
import { Database } from './schema';
import { SqliteMetadataStore } from './sqlite-metadata.store';

/** One column as `PRAGMA table_info` reports it. */
interface ColumnInfo {
  type: 'integer' | 'text';
  notNull: boolean;
  /** Position in the primary key, 0 when not part of it. */
  pk: number;
}

const integer = (notNull = false, pk = 0): ColumnInfo => ({ type: 'integer', notNull, pk });
const text = (notNull = false, pk = 0): ColumnInfo => ({ type: 'text', notNull, pk });

/**
 * The latest schema, table by table, in column order. Typed against `Database`, so a table or a
 * column added to the schema without being listed here (or listed without existing) fails to
 * compile.
 */
const EXPECTED_SCHEMA: { [T in keyof Database]: { [C in keyof Database[T]]-?: ColumnInfo } } = {
  jobs: {
    seq: integer(false, 1),
    id: text(true),
    name: text(true),
    kind: text(true),
    sql: text(true),
    state: text(true),
    submitted_by: text(true),
    submitter_role: text(true),
    submitted_at: text(true),
    started_at: text(),
    finished_at: text(),
    executor_id: text(),
    error: text(),
    row_count: integer(),
    timeout_ms: integer(),
    cancelled_by: text(),
    result_columns: text(),
    result_path: text(),
    expired_at: text(),
    sink: text(),
    restored_from: text(),
  },
  job_events: {
    id: integer(false, 1),
    job_id: text(true),
    at: text(true),
    actor: text(true),
    event: text(true),
    detail: text(),
  },
  executors: {
    id: text(false, 1),
    state: text(true),
    slots: integer(true),
    host: text(true),
    registered_at: text(true),
    last_heartbeat_at: text(true),
  },
  idempotency_keys: {
    subject: text(true, 1),
    key: text(true, 2),
    job_id: text(true),
    request_digest: text(true),
    created_at: text(true),
  },
  streams: {
    name: text(false, 1),
    columns: text(true),
    created_by: text(true),
    created_at: text(true),
  },
  savepoints: {
    id: text(false, 1),
    job_id: text(true),
    state: text(true),
    label: text(),
    stop: integer(true),
    request_id: text(),
    created_by: text(true),
    created_at: text(true),
    completed_at: text(),
    location: text(),
    offsets: text(),
    error: text(),
  },
  audit_events: {
    seq: integer(false, 1),
    at: text(true),
    request_id: text(),
    subject: text(),
    role: text(),
    auth_method: text(),
    action: text(true),
    resource: text(),
    decision: text(true),
    reason: text(),
    client_address: text(),
    transport: text(true),
  },
};

/** Named indexes (SQLite's automatic ones for UNIQUE and PRIMARY KEY aside). */
const EXPECTED_INDEXES: Record<keyof Database, string[]> = {
  jobs: ['jobs_state_seq', 'jobs_submitted_by'],
  job_events: ['job_events_job'],
  executors: [],
  idempotency_keys: [],
  streams: [],
  savepoints: ['savepoints_job', 'savepoints_request'],
  audit_events: ['audit_events_at', 'audit_events_subject'],
};

const RELEASED_MIGRATIONS = [
  '0001_jobs_executors',
  '0002_job_retention',
  '0003_streams',
  '0004_streaming_jobs',
  '0005_savepoints',
  '0006_audit_events',
];

let dir: string;
let path: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'krishiv-migrations-spec-'));
  path = join(dir, 'metadata.db');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `fn` on a plain connection to the database file, outside the store. */
function inspect<T>(fn: (raw: BetterSqlite3.Database) => T): T {
  const raw = new BetterSqlite3(path);
  try {
    return fn(raw);
  } finally {
    raw.close();
  }
}

function columns(raw: BetterSqlite3.Database, table: string): Record<string, ColumnInfo> {
  const rows = raw.prepare(`PRAGMA table_info(${table})`).all() as {
    name: string;
    type: string;
    notnull: number;
    pk: number;
  }[];
  return Object.fromEntries(
    rows.map((r) => [
      r.name,
      { type: r.type.toLowerCase() as ColumnInfo['type'], notNull: r.notnull === 1, pk: r.pk },
    ]),
  );
}

function columnNames(raw: BetterSqlite3.Database, table: string): string[] {
  return Object.keys(columns(raw, table));
}

function namedIndexes(raw: BetterSqlite3.Database, table: string): string[] {
  const rows = raw.prepare(`PRAGMA index_list(${table})`).all() as { name: string }[];
  return rows
    .map((r) => r.name)
    .filter((name) => !name.startsWith('sqlite_autoindex_'))
    .sort();
}

function userTables(raw: BetterSqlite3.Database): string[] {
  const rows = raw
    .prepare(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
    )
    .all() as { name: string }[];
  return rows.map((r) => r.name);
}

function appliedMigrations(raw: BetterSqlite3.Database): { name: string; timestamp: string }[] {
  return raw.prepare('SELECT name, timestamp FROM kysely_migration ORDER BY name').all() as {
    name: string;
    timestamp: string;
  }[];
}

function expectLatestSchema(raw: BetterSqlite3.Database): void {
  for (const [table, expected] of Object.entries(EXPECTED_SCHEMA)) {
    expect({ table, columns: columns(raw, table) }).toEqual({ table, columns: expected });
    // Same order too: new columns are appended by later migrations, never reshuffled.
    expect(columnNames(raw, table)).toEqual(Object.keys(expected));
  }
  for (const [table, indexes] of Object.entries(EXPECTED_INDEXES)) {
    expect({ table, indexes: namedIndexes(raw, table) }).toEqual({ table, indexes });
  }
}

function openKysely(): Kysely<any> {
  return new Kysely<any>({ dialect: new SqliteDialect({ database: new BetterSqlite3(path) }) });
}

/** Brings a database to the schema of the first release only, as that release left it. */
async function migrateToFirstRelease(): Promise<void> {
  const db = openKysely();
  try {
    const migrator = new Migrator({
      db,
      provider: new InCodeMigrationProvider({
        '0001_jobs_executors': MIGRATIONS['0001_jobs_executors'],
      }),
    });
    const { error, results } = await migrator.migrateToLatest();
    expect(error).toBeUndefined();
    expect(results).toEqual([
      { migrationName: '0001_jobs_executors', direction: 'Up', status: 'Success' },
    ]);
  } finally {
    await db.destroy();
  }
}

describe('metadata migrations', () => {
  it('the released migration names are sorted and never renamed', () => {
    const names = Object.keys(MIGRATIONS);
    // Changing this list is deliberate: a renamed migration would run again on every data dir.
    expect(names).toEqual(RELEASED_MIGRATIONS);
    expect([...names].sort()).toEqual(names);
    names.forEach((name, i) => {
      expect(name).toMatch(/^\d{4}_[a-z0-9_]+$/);
      expect(Number(name.slice(0, 4))).toBe(i + 1);
    });
  });

  it('the provider hands the migrator every migration by default', async () => {
    expect(Object.keys(await new InCodeMigrationProvider().getMigrations())).toEqual(
      RELEASED_MIGRATIONS,
    );
  });

  it('from an empty database creates every table with its columns and records each migration', async () => {
    const db = openKysely();
    try {
      const { error, results } = await new Migrator({
        db,
        provider: new InCodeMigrationProvider(),
      }).migrateToLatest();
      expect(error).toBeUndefined();
      expect(results).toEqual(
        RELEASED_MIGRATIONS.map((migrationName) => ({
          migrationName,
          direction: 'Up',
          status: 'Success',
        })),
      );
    } finally {
      await db.destroy();
    }

    inspect((raw) => {
      expect(userTables(raw)).toEqual(
        [...Object.keys(EXPECTED_SCHEMA), 'kysely_migration', 'kysely_migration_lock'].sort(),
      );
      expectLatestSchema(raw);
      const applied = appliedMigrations(raw);
      expect(applied.map((m) => m.name)).toEqual(RELEASED_MIGRATIONS);
      for (const m of applied) expect(Number.isNaN(Date.parse(m.timestamp))).toBe(false);
    });
  });

  it('SqliteMetadataStore.open brings an empty database to the latest schema', async () => {
    const store = await SqliteMetadataStore.open(path);
    await store.close();
    inspect((raw) => {
      expectLatestSchema(raw);
      expect(appliedMigrations(raw).map((m) => m.name)).toEqual(RELEASED_MIGRATIONS);
    });
  });

  it('upgrades a database of the previous schema, keeping its rows readable', async () => {
    await migrateToFirstRelease();
    inspect((raw) => {
      expect(columnNames(raw, 'jobs')).not.toContain('expired_at');
      expect(namedIndexes(raw, 'jobs')).toEqual(['jobs_state_seq']);
      // Rows as the first release wrote them.
      raw
        .prepare(
          `INSERT INTO jobs (id, name, kind, sql, state, submitted_by, submitter_role, submitted_at,
             started_at, finished_at, executor_id, row_count, timeout_ms, result_columns, result_path)
           VALUES ('old-job', 'nightly', 'batch', 'SELECT 1', 'succeeded', 'alice', 'writer',
             '2030-01-01T00:00:00.000Z', '2030-01-01T00:00:01.000Z', '2030-01-01T00:00:02.000Z',
             'executor-1', 1, 60000, '[{"name":"1","type":"INTEGER"}]', '/r/old-job.parquet')`,
        )
        .run();
      raw
        .prepare(
          `INSERT INTO job_events (job_id, at, actor, event, detail)
           VALUES ('old-job', '2030-01-01T00:00:00.000Z', 'alice', 'submitted', NULL)`,
        )
        .run();
      raw
        .prepare(
          `INSERT INTO idempotency_keys (subject, key, job_id, request_digest, created_at)
           VALUES ('alice', 'key-1', 'old-job', 'digest-a', '2030-01-01T00:00:00.000Z')`,
        )
        .run();
      raw
        .prepare(
          `INSERT INTO executors (id, state, slots, host, registered_at, last_heartbeat_at)
           VALUES ('executor-1', 'active', 2, 'in-process', '2030-01-01T00:00:00.000Z',
             '2030-01-01T00:00:00.000Z')`,
        )
        .run();
      expect(appliedMigrations(raw).map((m) => m.name)).toEqual(['0001_jobs_executors']);
    });

    const store = await SqliteMetadataStore.open(path);
    try {
      const job = await store.getJob('old-job');
      expect(job).toEqual({
        seq: expect.any(Number),
        id: 'old-job',
        name: 'nightly',
        kind: 'batch',
        sql: 'SELECT 1',
        state: 'succeeded',
        submittedBy: 'alice',
        submitterRole: 'writer',
        submittedAt: '2030-01-01T00:00:00.000Z',
        startedAt: '2030-01-01T00:00:01.000Z',
        finishedAt: '2030-01-01T00:00:02.000Z',
        executorId: 'executor-1',
        error: null,
        rowCount: 1,
        timeoutMs: 60000,
        cancelledBy: null,
        resultColumns: [{ name: '1', type: 'INTEGER' }],
        resultPath: '/r/old-job.parquet',
        expiredAt: null,
        sink: null,
        restoredFrom: null,
      });
      // A job from before retention existed is listed (not expired) and due for expiry.
      expect((await store.listJobs({ limit: 10 })).map((j) => j.id)).toEqual(['old-job']);
      expect((await store.listJobs({ submittedBy: 'alice', limit: 10 })).map((j) => j.id)).toEqual([
        'old-job',
      ]);
      expect((await store.jobsToExpire('2030-01-02T00:00:00.000Z', 10)).map((j) => j.id)).toEqual([
        'old-job',
      ]);
      expect(await store.jobEvents('old-job')).toEqual([
        { at: '2030-01-01T00:00:00.000Z', actor: 'alice', event: 'submitted', detail: null },
      ]);
      expect(await store.getExecutor('executor-1')).toMatchObject({ state: 'active', slots: 2 });
      const replay = await store.insertJob(
        {
          id: 'new-job',
          name: 'nightly',
          kind: 'batch',
          sql: 'SELECT 1',
          submittedBy: 'alice',
          submitterRole: 'writer',
          submittedAt: '2030-01-03T00:00:00.000Z',
          timeoutMs: null,
          sink: null,
          restoredFrom: null,
        },
        { at: '2030-01-03T00:00:00.000Z', actor: 'alice', event: 'submitted' },
        { subject: 'alice', key: 'key-1', requestDigest: 'digest-a' },
      );
      expect(replay.kind === 'replayed' && replay.job.id).toBe('old-job');
      // The new column is writable.
      expect(
        await store.transitionJob(
          'old-job',
          ['succeeded'],
          { expiredAt: '2030-01-03T00:00:00.000Z', resultPath: null },
          { at: '2030-01-03T00:00:00.000Z', actor: 'coordinator', event: 'expired' },
        ),
      ).toMatchObject({ expiredAt: '2030-01-03T00:00:00.000Z', resultPath: null });
    } finally {
      await store.close();
    }

    inspect((raw) => {
      expectLatestSchema(raw);
      expect(appliedMigrations(raw).map((m) => m.name)).toEqual(RELEASED_MIGRATIONS);
    });
  });

  it('opening an already-current database is a no-op', async () => {
    const first = await SqliteMetadataStore.open(path);
    await first.insertJob(
      {
        id: 'job-1',
        name: 'one',
        kind: 'batch',
        sql: 'SELECT 1',
        submittedBy: 'alice',
        submitterRole: 'writer',
        submittedAt: '2030-01-01T00:00:00.000Z',
        timeoutMs: null,
        sink: null,
        restoredFrom: null,
      },
      { at: '2030-01-01T00:00:00.000Z', actor: 'alice', event: 'submitted' },
    );
    await first.close();

    const snapshot = () =>
      inspect((raw) => ({
        schema: raw
          .prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name')
          .all(),
        migrations: appliedMigrations(raw),
        jobs: raw.prepare('SELECT * FROM jobs ORDER BY seq').all(),
        events: raw.prepare('SELECT * FROM job_events ORDER BY id').all(),
      }));
    const before = snapshot();

    for (let i = 0; i < 2; i++) {
      const again = await SqliteMetadataStore.open(path);
      await again.close();
    }
    expect(snapshot()).toEqual(before);

    // The migrator itself finds nothing to do.
    const db = openKysely();
    try {
      const { error, results } = await new Migrator({
        db,
        provider: new InCodeMigrationProvider(),
      }).migrateToLatest();
      expect(error).toBeUndefined();
      expect(results).toEqual([]);
    } finally {
      await db.destroy();
    }
    expect(snapshot()).toEqual(before);
  });

  it('refuses to open a database migrated by a newer release', async () => {
    const db = openKysely();
    try {
      const { error } = await new Migrator({
        db,
        provider: new InCodeMigrationProvider({
          ...MIGRATIONS,
          '9999_from_the_future': {
            async up(k: Kysely<any>) {
              await k.schema.createTable('future').addColumn('id', 'integer').execute();
            },
          },
        }),
      }).migrateToLatest();
      expect(error).toBeUndefined();
    } finally {
      await db.destroy();
    }

    await expect(SqliteMetadataStore.open(path)).rejects.toThrow(/metadata migration/);
  });
});
