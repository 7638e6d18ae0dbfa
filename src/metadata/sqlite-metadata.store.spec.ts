import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { AuditEventRecord, ExecutorRecord, JobEvent, NewJob } from './metadata.store';
import { JOB_STATES } from './schema';
import { SqliteMetadataStore } from './sqlite-metadata.store';

let dir: string;
let opened: SqliteMetadataStore[];

/** Opens a store and remembers it, so every test ends with its stores closed. */
async function openStore(path = join(dir, 'metadata.db')): Promise<SqliteMetadataStore> {
  const store = await SqliteMetadataStore.open(path);
  opened.push(store);
  return store;
}

async function closeStore(store: SqliteMetadataStore): Promise<void> {
  opened = opened.filter((s) => s !== store);
  await store.close();
}

function newJob(id: string, overrides: Partial<NewJob> = {}): NewJob {
  return {
    id,
    name: `job ${id}`,
    kind: 'batch',
    sql: `SELECT '${id}'`,
    submittedBy: 'alice',
    submitterRole: 'writer',
    submittedAt: '2030-01-01T00:00:00.000Z',
    timeoutMs: 60000,
    sink: null,
    restoredFrom: null,
    ...overrides,
  };
}

function submitted(actor = 'alice'): JobEvent {
  return { at: '2030-01-01T00:00:00.000Z', actor, event: 'submitted' };
}

function executor(id: string, overrides: Partial<ExecutorRecord> = {}): ExecutorRecord {
  return {
    id,
    state: 'active',
    slots: 2,
    host: 'in-process',
    registeredAt: '2030-01-01T00:00:00.000Z',
    lastHeartbeatAt: '2030-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** Inserts a job and drives it to a finished state at `finishedAt`. */
async function finishedJob(
  store: SqliteMetadataStore,
  id: string,
  finishedAt: string,
  state: 'succeeded' | 'failed' | 'cancelled' = 'succeeded',
): Promise<void> {
  await store.insertJob(newJob(id), submitted());
  await store.transitionJob(
    id,
    ['queued'],
    { state: 'running', startedAt: finishedAt, executorId: 'executor-1' },
    { at: finishedAt, actor: 'coordinator', event: 'started' },
  );
  await store.transitionJob(
    id,
    ['running'],
    { state, finishedAt },
    { at: finishedAt, actor: 'coordinator', event: state },
  );
}

function auditEvent(overrides: Partial<AuditEventRecord> = {}): AuditEventRecord {
  return {
    at: '2030-01-01T00:00:00.000Z',
    requestId: 'req-1',
    subject: 'alice',
    role: 'admin',
    authMethod: 'oidc',
    action: 'jobs:cancel',
    resource: 'job:j-1',
    decision: 'allow',
    reason: null,
    clientAddress: '127.0.0.1',
    transport: 'rest',
    ...overrides,
  };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'krishiv-metadata-spec-'));
  opened = [];
});

afterEach(async () => {
  for (const store of opened) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SqliteMetadataStore', () => {
  describe('open', () => {
    it('creates the database file and its missing parent directories', async () => {
      const path = join(dir, 'nested', 'data', 'metadata.db');
      await openStore(path);
      expect(existsSync(path)).toBe(true);
    });

    it('puts the database in WAL mode', async () => {
      const path = join(dir, 'metadata.db');
      await openStore(path);
      const raw = new BetterSqlite3(path, { readonly: true });
      try {
        expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      } finally {
        raw.close();
      }
    });
  });

  describe('insertJob', () => {
    it('creates a queued job with every optional column empty, and records its event', async () => {
      const store = await openStore();
      const outcome = await store.insertJob(newJob('job-1'), {
        ...submitted(),
        detail: 'via REST',
      });

      expect(outcome.kind).toBe('created');
      if (outcome.kind !== 'created') throw new Error('unreachable');
      expect(outcome.job).toEqual({
        seq: expect.any(Number),
        id: 'job-1',
        name: 'job job-1',
        kind: 'batch',
        sql: "SELECT 'job-1'",
        state: 'queued',
        submittedBy: 'alice',
        submitterRole: 'writer',
        submittedAt: '2030-01-01T00:00:00.000Z',
        startedAt: null,
        finishedAt: null,
        executorId: null,
        error: null,
        rowCount: null,
        timeoutMs: 60000,
        cancelledBy: null,
        resultColumns: null,
        resultPath: null,
        expiredAt: null,
        sink: null,
        restoredFrom: null,
      });
      expect(await store.getJob('job-1')).toEqual(outcome.job);
      expect(await store.jobEvents('job-1')).toEqual([
        { at: '2030-01-01T00:00:00.000Z', actor: 'alice', event: 'submitted', detail: 'via REST' },
      ]);
    });

    it('stores a missing event detail and a missing timeout as null', async () => {
      const store = await openStore();
      await store.insertJob(newJob('job-1', { timeoutMs: null, kind: 'streaming' }), submitted());
      const job = await store.getJob('job-1');
      expect(job?.timeoutMs).toBeNull();
      expect(job?.kind).toBe('streaming');
      expect(await store.jobEvents('job-1')).toEqual([
        { at: '2030-01-01T00:00:00.000Z', actor: 'alice', event: 'submitted', detail: null },
      ]);
    });

    it('gives every job a larger sequence number than the one before', async () => {
      const store = await openStore();
      const seqs: number[] = [];
      for (const id of ['a', 'b', 'c']) {
        const outcome = await store.insertJob(newJob(id), submitted());
        if (outcome.kind !== 'created') throw new Error(`job ${id} was not created`);
        seqs.push(outcome.job.seq);
      }
      expect(seqs[1]).toBeGreaterThan(seqs[0]);
      expect(seqs[2]).toBeGreaterThan(seqs[1]);
    });

    it('refuses a second job with the same id and leaves the first untouched', async () => {
      const store = await openStore();
      await store.insertJob(newJob('job-1'), submitted());
      // Matched by code rather than by class: better-sqlite3 builds its errors from the class it
      // was first loaded with, which may belong to another spec file's module registry.
      await expect(
        store.insertJob(newJob('job-1', { name: 'impostor' }), submitted('mallory')),
      ).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE' });
      expect((await store.getJob('job-1'))?.name).toBe('job job-1');
      // The failed insert rolled back as a whole: no stray event.
      expect(await store.jobEvents('job-1')).toHaveLength(1);
    });
  });

  describe('idempotency keys', () => {
    const claim = { subject: 'alice', key: 'key-1', requestDigest: 'digest-a' };

    it('replays the same job for the same subject, key and request digest', async () => {
      const store = await openStore();
      const first = await store.insertJob(newJob('job-1'), submitted(), claim);
      expect(first.kind).toBe('created');

      const again = await store.insertJob(newJob('job-2'), submitted(), { ...claim });
      expect(again.kind).toBe('replayed');
      if (again.kind !== 'replayed' || first.kind !== 'created') throw new Error('unreachable');
      expect(again.job).toEqual(first.job);

      // The replay neither created a job nor recorded an event.
      expect(await store.getJob('job-2')).toBeUndefined();
      expect(await store.listJobs({ limit: 10 })).toHaveLength(1);
      expect(await store.jobEvents('job-1')).toHaveLength(1);
      expect(await store.jobEvents('job-2')).toEqual([]);
    });

    it('replays the job in its current state, not as it was submitted', async () => {
      const store = await openStore();
      await store.insertJob(newJob('job-1'), submitted(), claim);
      await store.transitionJob(
        'job-1',
        ['queued'],
        { state: 'running', startedAt: '2030-01-01T00:00:01.000Z' },
        { at: '2030-01-01T00:00:01.000Z', actor: 'coordinator', event: 'started' },
      );
      const again = await store.insertJob(newJob('job-2'), submitted(), claim);
      expect(again.kind === 'replayed' && again.job.state).toBe('running');
    });

    it('answers key-conflict, naming the original job, when the digest differs', async () => {
      const store = await openStore();
      await store.insertJob(newJob('job-1'), submitted(), claim);

      const conflict = await store.insertJob(newJob('job-2'), submitted(), {
        ...claim,
        requestDigest: 'digest-b',
      });
      expect(conflict).toEqual({ kind: 'key-conflict', jobId: 'job-1' });
      expect(await store.getJob('job-2')).toBeUndefined();
      expect(await store.jobEvents('job-2')).toEqual([]);

      // The original claim still stands: its own digest still replays.
      const again = await store.insertJob(newJob('job-3'), submitted(), claim);
      expect(again.kind).toBe('replayed');
      expect(again.kind === 'replayed' && again.job.id).toBe('job-1');
    });

    it('keeps keys per subject: the same key from another subject creates a separate job', async () => {
      const store = await openStore();
      await store.insertJob(newJob('job-1'), submitted(), claim);

      const bob = await store.insertJob(newJob('job-2', { submittedBy: 'bob' }), submitted('bob'), {
        ...claim,
        subject: 'bob',
      });
      expect(bob.kind).toBe('created');
      expect(bob.kind === 'created' && bob.job.id).toBe('job-2');

      // Each subject now replays its own job, and a different digest conflicts with its own job.
      const aliceAgain = await store.insertJob(newJob('job-3'), submitted(), claim);
      expect(aliceAgain.kind === 'replayed' && aliceAgain.job.id).toBe('job-1');
      const bobAgain = await store.insertJob(newJob('job-4'), submitted('bob'), {
        ...claim,
        subject: 'bob',
      });
      expect(bobAgain.kind === 'replayed' && bobAgain.job.id).toBe('job-2');
      expect(
        await store.insertJob(newJob('job-5'), submitted('bob'), {
          subject: 'bob',
          key: 'key-1',
          requestDigest: 'digest-b',
        }),
      ).toEqual({ kind: 'key-conflict', jobId: 'job-2' });
    });

    it('treats a different key from the same subject as a new request', async () => {
      const store = await openStore();
      await store.insertJob(newJob('job-1'), submitted(), claim);
      const other = await store.insertJob(newJob('job-2'), submitted(), {
        ...claim,
        key: 'key-2',
      });
      expect(other.kind).toBe('created');
    });

    it('creates a new job every time when no key is given', async () => {
      const store = await openStore();
      expect((await store.insertJob(newJob('job-1'), submitted())).kind).toBe('created');
      expect((await store.insertJob(newJob('job-2'), submitted())).kind).toBe('created');
      expect(await store.listJobs({ limit: 10 })).toHaveLength(2);
    });
  });

  describe('getJob', () => {
    it('answers undefined for an unknown id', async () => {
      const store = await openStore();
      expect(await store.getJob('nope')).toBeUndefined();
      await store.insertJob(newJob('job-1'), submitted());
      expect(await store.getJob('job-2')).toBeUndefined();
    });
  });

  describe('transitionJob', () => {
    it('applies the patch while the job is in one of the expected states', async () => {
      const store = await openStore();
      await store.insertJob(newJob('job-1'), submitted());
      const running = await store.transitionJob(
        'job-1',
        ['queued'],
        { state: 'running', startedAt: '2030-01-01T00:00:01.000Z', executorId: 'executor-1' },
        { at: '2030-01-01T00:00:01.000Z', actor: 'coordinator', event: 'started' },
      );
      expect(running).toMatchObject({
        id: 'job-1',
        state: 'running',
        startedAt: '2030-01-01T00:00:01.000Z',
        executorId: 'executor-1',
        finishedAt: null,
      });
      expect(await store.getJob('job-1')).toEqual(running);
    });

    it('is compare-and-set: from the wrong state it answers undefined and changes nothing', async () => {
      const store = await openStore();
      await store.insertJob(newJob('job-1'), submitted());
      const before = await store.getJob('job-1');

      const result = await store.transitionJob(
        'job-1',
        ['running'],
        { state: 'succeeded', finishedAt: '2030-01-01T00:00:09.000Z', rowCount: 3 },
        { at: '2030-01-01T00:00:09.000Z', actor: 'executor-1', event: 'succeeded' },
      );

      expect(result).toBeUndefined();
      expect(await store.getJob('job-1')).toEqual(before);
      expect((await store.jobEvents('job-1')).map((e) => e.event)).toEqual(['submitted']);
    });

    describe('with a stop-with-savepoint', () => {
      const stopping = async (store: SqliteMetadataStore) => {
        await store.insertJob(newJob('job-1', { kind: 'streaming' }), submitted());
        await store.transitionJob(
          'job-1',
          ['queued'],
          { state: 'running', startedAt: '2030-01-01T00:00:01.000Z', executorId: 'executor-1' },
          { at: '2030-01-01T00:00:01.000Z', actor: 'coordinator', event: 'started' },
        );
        return store.insertSavepoint({
          id: 'savepoint-1',
          jobId: 'job-1',
          state: 'pending',
          label: null,
          stop: true,
          requestId: null,
          createdBy: 'alice',
          createdAt: '2030-01-01T00:00:02.000Z',
          completedAt: null,
          location: null,
          offsets: null,
          error: null,
        });
      };
      const completed = {
        state: 'completed' as const,
        completedAt: '2030-01-01T00:00:03.000Z',
        location: '/data/savepoints/job-1/savepoint-1',
        offsets: { clicks: 42 },
      };
      const cancel = (store: SqliteMetadataStore) =>
        store.transitionJob(
          'job-1',
          ['running'],
          { state: 'cancelled', cancelledBy: 'alice', finishedAt: '2030-01-01T00:00:03.000Z' },
          { at: '2030-01-01T00:00:03.000Z', actor: 'alice', event: 'cancelled' },
          { id: 'savepoint-1', patch: completed },
        );

      it('ends the job and completes its savepoint together', async () => {
        const store = await openStore();
        await stopping(store);
        expect(await cancel(store)).toMatchObject({ state: 'cancelled' });
        expect(await store.getSavepoint('savepoint-1')).toMatchObject(completed);
      });

      it('completes no savepoint when the job had left the expected state', async () => {
        const store = await openStore();
        await stopping(store);
        await cancel(store);
        await store.updateSavepoint('savepoint-1', { state: 'pending', completedAt: null });
        expect(await cancel(store)).toBeUndefined();
        expect(await store.getSavepoint('savepoint-1')).toMatchObject({
          state: 'pending',
          completedAt: null,
        });
      });

      it('writes neither when the savepoint write fails', async () => {
        const store = await openStore();
        await stopping(store);
        const failing = store.transitionJob(
          'job-1',
          ['running'],
          { state: 'cancelled', cancelledBy: 'alice', finishedAt: '2030-01-01T00:00:03.000Z' },
          { at: '2030-01-01T00:00:03.000Z', actor: 'alice', event: 'cancelled' },
          // A value SQLite cannot bind: the savepoint update fails inside the transaction.
          { id: 'savepoint-1', patch: { ...completed, location: {} as never } },
        );
        await expect(failing).rejects.toThrow();
        expect(await store.getJob('job-1')).toMatchObject({ state: 'running', finishedAt: null });
        expect(await store.getSavepoint('savepoint-1')).toMatchObject({ state: 'pending' });
      });
    });

    it('lets only the first of two racing claims win', async () => {
      const store = await openStore();
      await store.insertJob(newJob('job-1'), submitted());
      const claim = (executorId: string) =>
        store.transitionJob(
          'job-1',
          ['queued'],
          { state: 'running', executorId },
          { at: '2030-01-01T00:00:01.000Z', actor: executorId, event: 'started' },
        );

      const [a, b] = await Promise.all([claim('executor-1'), claim('executor-2')]);

      expect([a, b].filter((r) => r !== undefined)).toHaveLength(1);
      const winner = (a ?? b)!.executorId;
      expect((await store.getJob('job-1'))?.executorId).toBe(winner);
      expect(await store.jobEvents('job-1')).toEqual([
        expect.objectContaining({ event: 'submitted' }),
        expect.objectContaining({ event: 'started', actor: winner }),
      ]);
    });

    it('answers undefined for an unknown job and records no event for it', async () => {
      const store = await openStore();
      expect(
        await store.transitionJob(
          'ghost',
          ['queued', 'running'],
          { state: 'cancelled' },
          { at: '2030-01-01T00:00:01.000Z', actor: 'alice', event: 'cancelled' },
        ),
      ).toBeUndefined();
      expect(await store.jobEvents('ghost')).toEqual([]);
    });

    it('accepts any of several expected states', async () => {
      const store = await openStore();
      await store.insertJob(newJob('job-1'), submitted());
      const cancelled = await store.transitionJob(
        'job-1',
        ['queued', 'running'],
        { state: 'cancelled', cancelledBy: 'bob', finishedAt: '2030-01-01T00:00:02.000Z' },
        { at: '2030-01-01T00:00:02.000Z', actor: 'bob', event: 'cancelled', detail: 'by request' },
      );
      expect(cancelled).toMatchObject({ state: 'cancelled', cancelledBy: 'bob' });
    });

    it('records the events of a job in the order they happened', async () => {
      const store = await openStore();
      await store.insertJob(newJob('job-1'), submitted());
      await store.insertJob(newJob('job-2'), submitted('bob'));
      await store.transitionJob(
        'job-1',
        ['queued'],
        { state: 'running' },
        { at: '2030-01-01T00:00:01.000Z', actor: 'coordinator', event: 'started' },
      );
      await store.transitionJob(
        'job-2',
        ['queued'],
        { state: 'cancelled' },
        { at: '2030-01-01T00:00:01.500Z', actor: 'bob', event: 'cancelled' },
      );
      await store.transitionJob(
        'job-1',
        ['running'],
        { state: 'failed', error: 'boom' },
        { at: '2030-01-01T00:00:02.000Z', actor: 'executor-1', event: 'failed', detail: 'boom' },
      );

      expect(await store.jobEvents('job-1')).toEqual([
        { at: '2030-01-01T00:00:00.000Z', actor: 'alice', event: 'submitted', detail: null },
        { at: '2030-01-01T00:00:01.000Z', actor: 'coordinator', event: 'started', detail: null },
        { at: '2030-01-01T00:00:02.000Z', actor: 'executor-1', event: 'failed', detail: 'boom' },
      ]);
      expect((await store.jobEvents('job-2')).map((e) => e.event)).toEqual([
        'submitted',
        'cancelled',
      ]);
    });

    it('round-trips the JSON result columns and the other result fields', async () => {
      const store = await openStore();
      await store.insertJob(newJob('job-1'), submitted());
      await store.transitionJob(
        'job-1',
        ['queued'],
        { state: 'running' },
        { at: '2030-01-01T00:00:01.000Z', actor: 'coordinator', event: 'started' },
      );
      const resultColumns = [
        { name: 'id', type: 'BIGINT' },
        { name: 'label "quoted", ünïcode', type: 'VARCHAR' },
        { name: 'at', type: 'TIMESTAMP WITH TIME ZONE' },
      ];
      const done = await store.transitionJob(
        'job-1',
        ['running'],
        {
          state: 'succeeded',
          finishedAt: '2030-01-01T00:00:05.000Z',
          rowCount: 42,
          resultColumns,
          resultPath: '/data/results/job-1.parquet',
        },
        { at: '2030-01-01T00:00:05.000Z', actor: 'executor-1', event: 'succeeded' },
      );

      expect(done?.resultColumns).toEqual(resultColumns);
      const stored = await store.getJob('job-1');
      expect(stored).toMatchObject({
        state: 'succeeded',
        rowCount: 42,
        resultColumns,
        resultPath: '/data/results/job-1.parquet',
        finishedAt: '2030-01-01T00:00:05.000Z',
      });
      // Returned as values, not as the stored JSON text.
      expect(Array.isArray(stored?.resultColumns)).toBe(true);
    });

    it('round-trips an empty result column list and clears fields patched to null', async () => {
      const store = await openStore();
      await store.insertJob(newJob('job-1'), submitted());
      await store.transitionJob(
        'job-1',
        ['queued'],
        { state: 'succeeded', resultColumns: [], resultPath: '/r/job-1.parquet' },
        { at: '2030-01-01T00:00:01.000Z', actor: 'coordinator', event: 'succeeded' },
      );
      expect((await store.getJob('job-1'))?.resultColumns).toEqual([]);

      const expired = await store.transitionJob(
        'job-1',
        ['succeeded'],
        { expiredAt: '2030-01-03T00:00:00.000Z', resultPath: null, resultColumns: null },
        { at: '2030-01-03T00:00:00.000Z', actor: 'coordinator', event: 'expired' },
      );
      expect(expired).toMatchObject({
        state: 'succeeded',
        expiredAt: '2030-01-03T00:00:00.000Z',
        resultPath: null,
        resultColumns: null,
      });
    });

    it('leaves fields absent from the patch as they were', async () => {
      const store = await openStore();
      await store.insertJob(newJob('job-1'), submitted());
      await store.transitionJob(
        'job-1',
        ['queued'],
        { state: 'running', startedAt: '2030-01-01T00:00:01.000Z', executorId: 'executor-1' },
        { at: '2030-01-01T00:00:01.000Z', actor: 'coordinator', event: 'started' },
      );
      const finished = await store.transitionJob(
        'job-1',
        ['running'],
        { state: 'failed', error: 'boom', startedAt: undefined },
        { at: '2030-01-01T00:00:02.000Z', actor: 'executor-1', event: 'failed' },
      );
      expect(finished).toMatchObject({
        state: 'failed',
        error: 'boom',
        startedAt: '2030-01-01T00:00:01.000Z',
        executorId: 'executor-1',
        name: 'job job-1',
        sql: "SELECT 'job-1'",
      });
    });
  });

  describe('listJobs', () => {
    async function seed(store: SqliteMetadataStore): Promise<void> {
      await store.insertJob(newJob('j1'), submitted());
      await store.insertJob(newJob('j2', { submittedBy: 'bob', kind: 'streaming' }), submitted());
      await store.insertJob(newJob('j3'), submitted());
      await store.insertJob(newJob('j4', { submittedBy: 'bob' }), submitted());
      await store.insertJob(newJob('j5', { kind: 'streaming' }), submitted());
      await store.transitionJob(
        'j3',
        ['queued'],
        { state: 'running' },
        { at: '2030-01-01T00:00:01.000Z', actor: 'coordinator', event: 'started' },
      );
      await store.transitionJob(
        'j4',
        ['queued'],
        { state: 'running' },
        { at: '2030-01-01T00:00:01.000Z', actor: 'coordinator', event: 'started' },
      );
    }

    const ids = (jobs: { id: string }[]) => jobs.map((j) => j.id);

    it('lists newest first, up to the limit', async () => {
      const store = await openStore();
      await seed(store);
      expect(ids(await store.listJobs({ limit: 100 }))).toEqual(['j5', 'j4', 'j3', 'j2', 'j1']);
      expect(ids(await store.listJobs({ limit: 2 }))).toEqual(['j5', 'j4']);
    });

    it('answers an empty list from an empty store', async () => {
      const store = await openStore();
      expect(await store.listJobs({ limit: 10 })).toEqual([]);
    });

    it('filters by state, kind and submitter, alone and together', async () => {
      const store = await openStore();
      await seed(store);
      expect(ids(await store.listJobs({ state: 'running', limit: 100 }))).toEqual(['j4', 'j3']);
      expect(ids(await store.listJobs({ state: 'queued', limit: 100 }))).toEqual([
        'j5',
        'j2',
        'j1',
      ]);
      expect(await store.listJobs({ state: 'failed', limit: 100 })).toEqual([]);
      expect(ids(await store.listJobs({ kind: 'streaming', limit: 100 }))).toEqual(['j5', 'j2']);
      expect(ids(await store.listJobs({ kind: 'batch', limit: 100 }))).toEqual(['j4', 'j3', 'j1']);
      expect(ids(await store.listJobs({ submittedBy: 'bob', limit: 100 }))).toEqual(['j4', 'j2']);
      expect(ids(await store.listJobs({ submittedBy: 'carol', limit: 100 }))).toEqual([]);
      expect(
        ids(await store.listJobs({ submittedBy: 'bob', state: 'queued', limit: 100 })),
      ).toEqual(['j2']);
      expect(
        ids(
          await store.listJobs({
            submittedBy: 'alice',
            kind: 'batch',
            state: 'queued',
            limit: 100,
          }),
        ),
      ).toEqual(['j1']);
    });

    it('pages with beforeSeq: each page continues below the last sequence number seen', async () => {
      const store = await openStore();
      await seed(store);

      const page1 = await store.listJobs({ limit: 2 });
      expect(ids(page1)).toEqual(['j5', 'j4']);
      const page2 = await store.listJobs({ limit: 2, beforeSeq: page1[1].seq });
      expect(ids(page2)).toEqual(['j3', 'j2']);
      const page3 = await store.listJobs({ limit: 2, beforeSeq: page2[1].seq });
      expect(ids(page3)).toEqual(['j1']);
      expect(await store.listJobs({ limit: 2, beforeSeq: page3[0].seq })).toEqual([]);
    });

    it('pages within a filter', async () => {
      const store = await openStore();
      await seed(store);
      const first = await store.listJobs({ state: 'queued', limit: 1 });
      expect(ids(first)).toEqual(['j5']);
      const rest = await store.listJobs({ state: 'queued', limit: 10, beforeSeq: first[0].seq });
      expect(ids(rest)).toEqual(['j2', 'j1']);
    });

    it('excludes expired jobs, while getJob still finds them', async () => {
      const store = await openStore();
      await finishedJob(store, 'old', '2030-01-01T00:00:00.000Z');
      await finishedJob(store, 'recent', '2030-01-02T00:00:00.000Z');
      await store.transitionJob(
        'old',
        ['succeeded'],
        { expiredAt: '2030-01-03T00:00:00.000Z', resultPath: null },
        { at: '2030-01-03T00:00:00.000Z', actor: 'coordinator', event: 'expired' },
      );

      expect(ids(await store.listJobs({ limit: 10 }))).toEqual(['recent']);
      expect(ids(await store.listJobs({ state: 'succeeded', limit: 10 }))).toEqual(['recent']);
      expect((await store.getJob('old'))?.expiredAt).toBe('2030-01-03T00:00:00.000Z');
    });
  });

  describe('queuedJobs', () => {
    it('answers only queued jobs, oldest first (FIFO), up to the limit', async () => {
      const store = await openStore();
      for (const id of ['q1', 'q2', 'q3', 'q4']) await store.insertJob(newJob(id), submitted());
      await store.transitionJob(
        'q2',
        ['queued'],
        { state: 'running' },
        { at: '2030-01-01T00:00:01.000Z', actor: 'coordinator', event: 'started' },
      );

      expect((await store.queuedJobs(10)).map((j) => j.id)).toEqual(['q1', 'q3', 'q4']);
      expect((await store.queuedJobs(2)).map((j) => j.id)).toEqual(['q1', 'q3']);
    });

    it('answers nothing when no job is queued', async () => {
      const store = await openStore();
      expect(await store.queuedJobs(10)).toEqual([]);
    });
  });

  describe('jobsInState', () => {
    it('answers every job in the given state', async () => {
      const store = await openStore();
      for (const id of ['a', 'b', 'c']) await store.insertJob(newJob(id), submitted());
      await store.transitionJob(
        'b',
        ['queued'],
        { state: 'running' },
        { at: '2030-01-01T00:00:01.000Z', actor: 'coordinator', event: 'started' },
      );
      expect((await store.jobsInState('running')).map((j) => j.id)).toEqual(['b']);
      expect((await store.jobsInState('queued')).map((j) => j.id).sort()).toEqual(['a', 'c']);
      expect(await store.jobsInState('failed')).toEqual([]);
    });
  });

  describe('countJobsByState', () => {
    it('answers zero for every state of an empty store', async () => {
      const store = await openStore();
      const counts = await store.countJobsByState();
      expect(counts).toEqual(Object.fromEntries(JOB_STATES.map((s) => [s, 0])));
      expect(Object.keys(counts).sort()).toEqual([...JOB_STATES].sort());
    });

    it('counts each state, with zeros for states no job is in', async () => {
      const store = await openStore();
      for (const id of ['a', 'b', 'c', 'd']) await store.insertJob(newJob(id), submitted());
      for (const id of ['b', 'c']) {
        await store.transitionJob(
          id,
          ['queued'],
          { state: 'running' },
          { at: '2030-01-01T00:00:01.000Z', actor: 'coordinator', event: 'started' },
        );
      }
      await store.transitionJob(
        'c',
        ['running'],
        { state: 'failed', error: 'boom' },
        { at: '2030-01-01T00:00:02.000Z', actor: 'executor-1', event: 'failed' },
      );

      const counts = await store.countJobsByState();
      expect(counts).toEqual({ queued: 2, running: 1, succeeded: 0, failed: 1, cancelled: 0 });
      for (const n of Object.values(counts)) expect(typeof n).toBe('number');
    });
  });

  describe('jobsToExpire', () => {
    const cutoff = '2030-01-02T00:00:00.000Z';

    it('picks only finished, unexpired jobs that finished before the cutoff', async () => {
      const store = await openStore();
      await finishedJob(store, 'old-succeeded', '2030-01-01T00:00:00.000Z', 'succeeded');
      await finishedJob(store, 'old-failed', '2030-01-01T06:00:00.000Z', 'failed');
      await finishedJob(store, 'old-cancelled', '2030-01-01T12:00:00.000Z', 'cancelled');
      await finishedJob(store, 'at-cutoff', cutoff);
      await finishedJob(store, 'recent', '2030-01-03T00:00:00.000Z');
      await finishedJob(store, 'old-expired', '2030-01-01T00:00:00.000Z');
      await store.transitionJob(
        'old-expired',
        ['succeeded'],
        { expiredAt: '2030-01-01T18:00:00.000Z', resultPath: null },
        { at: '2030-01-01T18:00:00.000Z', actor: 'coordinator', event: 'expired' },
      );
      // Never finished: a queued job and a running one, however old their submission.
      await store.insertJob(newJob('queued', { submittedAt: '2029-01-01T00:00:00.000Z' }), {
        ...submitted(),
        at: '2029-01-01T00:00:00.000Z',
      });
      await store.insertJob(newJob('running', { submittedAt: '2029-01-01T00:00:00.000Z' }), {
        ...submitted(),
        at: '2029-01-01T00:00:00.000Z',
      });
      await store.transitionJob(
        'running',
        ['queued'],
        { state: 'running', startedAt: '2029-01-01T00:00:01.000Z' },
        { at: '2029-01-01T00:00:01.000Z', actor: 'coordinator', event: 'started' },
      );

      const picked = await store.jobsToExpire(cutoff, 100);
      expect(picked.map((j) => j.id).sort()).toEqual([
        'old-cancelled',
        'old-failed',
        'old-succeeded',
      ]);
    });

    it('respects the limit', async () => {
      const store = await openStore();
      for (const id of ['a', 'b', 'c']) await finishedJob(store, id, '2030-01-01T00:00:00.000Z');
      expect(await store.jobsToExpire(cutoff, 2)).toHaveLength(2);
    });

    it('stops picking a job once it has been expired', async () => {
      const store = await openStore();
      await finishedJob(store, 'a', '2030-01-01T00:00:00.000Z');
      const [job] = await store.jobsToExpire(cutoff, 10);
      expect(job.id).toBe('a');
      await store.transitionJob(
        'a',
        ['succeeded', 'failed', 'cancelled'],
        { expiredAt: '2030-01-02T01:00:00.000Z', resultPath: null },
        { at: '2030-01-02T01:00:00.000Z', actor: 'coordinator', event: 'expired' },
      );
      expect(await store.jobsToExpire(cutoff, 10)).toEqual([]);
    });
  });

  describe('executors', () => {
    it('inserts, reads and lists executors in id order', async () => {
      const store = await openStore();
      await store.upsertExecutor(executor('executor-2', { slots: 4 }));
      await store.upsertExecutor(executor('executor-1'));

      expect(await store.getExecutor('executor-2')).toEqual(executor('executor-2', { slots: 4 }));
      expect(await store.getExecutor('executor-9')).toBeUndefined();
      expect(await store.listExecutors()).toEqual([
        executor('executor-1'),
        executor('executor-2', { slots: 4 }),
      ]);
    });

    it('answers an empty list when no executor is registered', async () => {
      const store = await openStore();
      expect(await store.listExecutors()).toEqual([]);
    });

    it('upserting an existing id replaces every field instead of adding a row', async () => {
      const store = await openStore();
      await store.upsertExecutor(executor('executor-1'));
      const replaced = executor('executor-1', {
        state: 'draining',
        slots: 8,
        host: 'worker-7',
        registeredAt: '2030-02-01T00:00:00.000Z',
        lastHeartbeatAt: '2030-02-01T00:00:05.000Z',
      });
      await store.upsertExecutor(replaced);

      expect(await store.getExecutor('executor-1')).toEqual(replaced);
      expect(await store.listExecutors()).toEqual([replaced]);
    });

    it('updates the state and the heartbeat, each alone, leaving the rest as it was', async () => {
      const store = await openStore();
      await store.upsertExecutor(executor('executor-1'));
      await store.upsertExecutor(executor('executor-2'));

      await store.updateExecutor('executor-1', { state: 'drained' });
      expect(await store.getExecutor('executor-1')).toEqual(
        executor('executor-1', { state: 'drained' }),
      );

      await store.updateExecutor('executor-1', { lastHeartbeatAt: '2030-01-01T00:01:00.000Z' });
      expect(await store.getExecutor('executor-1')).toEqual(
        executor('executor-1', { state: 'drained', lastHeartbeatAt: '2030-01-01T00:01:00.000Z' }),
      );

      await store.updateExecutor('executor-1', {
        state: 'lost',
        lastHeartbeatAt: '2030-01-01T00:02:00.000Z',
      });
      expect(await store.getExecutor('executor-1')).toEqual(
        executor('executor-1', { state: 'lost', lastHeartbeatAt: '2030-01-01T00:02:00.000Z' }),
      );
      // The other executor is untouched.
      expect(await store.getExecutor('executor-2')).toEqual(executor('executor-2'));
    });

    it('updating an unknown executor does nothing and creates no row', async () => {
      const store = await openStore();
      await store.updateExecutor('ghost', { state: 'removed' });
      expect(await store.getExecutor('ghost')).toBeUndefined();
      expect(await store.listExecutors()).toEqual([]);
    });
  });

  describe('audit events', () => {
    it('stores every field of a batch, listing newest first with a growing sequence', async () => {
      const store = await openStore();
      const first = auditEvent();
      const second = auditEvent({
        at: '2030-01-01T00:00:01.000Z',
        requestId: null,
        subject: null,
        role: null,
        authMethod: null,
        action: 'streams:append',
        resource: null,
        decision: 'deny',
        reason: 'token has expired',
        clientAddress: null,
        transport: 'grpc',
      });
      await store.insertAuditEvents([first, second]);
      const listed = await store.listAuditEvents({ limit: 10 });
      expect(listed).toEqual([
        { ...second, seq: expect.any(Number) },
        { ...first, seq: expect.any(Number) },
      ]);
      expect(listed[0].seq).toBeGreaterThan(listed[1].seq);
    });

    it('writes a large batch in one transaction, beyond one statement', async () => {
      const store = await openStore();
      const events = Array.from({ length: 1234 }, (_, i) => auditEvent({ requestId: `r-${i}` }));
      await store.insertAuditEvents(events);
      await store.insertAuditEvents([]);
      expect(await store.listAuditEvents({ limit: 5000 })).toHaveLength(1234);
    });

    it('a batch that fails part-way leaves no event of it behind', async () => {
      const store = await openStore();
      const bad = auditEvent({ action: null as unknown as string });
      const events = [...Array.from({ length: 600 }, () => auditEvent()), bad];
      await expect(store.insertAuditEvents(events)).rejects.toThrow(/NOT NULL/);
      expect(await store.listAuditEvents({ limit: 10 })).toEqual([]);
    });

    it('commits audit events without waiting for the disk, and only them', async () => {
      const store = await openStore();
      const db = (store as unknown as { db: Kysely<unknown> }).db;
      const synchronous = async () =>
        (await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(db)).rows[0].synchronous;
      const FULL = 2;
      expect(await synchronous()).toBe(FULL);
      await store.insertAuditEvents([auditEvent()]);
      expect(await synchronous()).toBe(FULL);
      await expect(
        store.insertAuditEvents([auditEvent({ action: null as unknown as string })]),
      ).rejects.toThrow(/NOT NULL/);
      expect(await synchronous()).toBe(FULL);
      expect(await store.listAuditEvents({ limit: 10 })).toHaveLength(1);
    });

    it('filters by subject, action, decision, transport and time, and pages by sequence', async () => {
      const store = await openStore();
      await store.insertAuditEvents([
        auditEvent({ at: '2030-01-01T00:00:00.000Z', requestId: 'a' }),
        auditEvent({ at: '2030-01-02T00:00:00.000Z', requestId: 'b', subject: 'bob' }),
        auditEvent({ at: '2030-01-03T00:00:00.000Z', requestId: 'c', decision: 'deny' }),
        auditEvent({ at: '2030-01-04T00:00:00.000Z', requestId: 'd', transport: 'grpc' }),
        auditEvent({ at: '2030-01-05T00:00:00.000Z', requestId: 'e', action: 'jobs:submit' }),
      ]);
      const ids = async (filter: Parameters<typeof store.listAuditEvents>[0]) =>
        (await store.listAuditEvents(filter)).map((e) => e.requestId);
      expect(await ids({ limit: 10 })).toEqual(['e', 'd', 'c', 'b', 'a']);
      expect(await ids({ subject: 'bob', limit: 10 })).toEqual(['b']);
      expect(await ids({ action: 'jobs:submit', limit: 10 })).toEqual(['e']);
      expect(await ids({ decision: 'deny', limit: 10 })).toEqual(['c']);
      expect(await ids({ transport: 'grpc', limit: 10 })).toEqual(['d']);
      expect(
        await ids({
          since: '2030-01-02T00:00:00.000Z',
          until: '2030-01-04T00:00:00.000Z',
          limit: 10,
        }),
      ).toEqual(['c', 'b']);
      const page = await store.listAuditEvents({ limit: 2 });
      expect(page.map((e) => e.requestId)).toEqual(['e', 'd']);
      expect(await ids({ beforeSeq: page[1].seq, limit: 2 })).toEqual(['c', 'b']);
    });

    it('prunes events older than the cut-off and keeps the rest', async () => {
      const store = await openStore();
      await store.insertAuditEvents([
        auditEvent({ at: '2029-12-30T00:00:00.000Z', requestId: 'old-1' }),
        auditEvent({ at: '2029-12-31T23:59:59.999Z', requestId: 'old-2' }),
        auditEvent({ at: '2030-01-01T00:00:00.000Z', requestId: 'kept' }),
      ]);
      // At most `limit` at a time, oldest first.
      expect(await store.pruneAuditEvents('2030-01-01T00:00:00.000Z', 1)).toBe(1);
      expect((await store.listAuditEvents({ limit: 10 })).map((e) => e.requestId)).toEqual([
        'kept',
        'old-2',
      ]);
      expect(await store.pruneAuditEvents('2030-01-01T00:00:00.000Z', 100)).toBe(1);
      expect((await store.listAuditEvents({ limit: 10 })).map((e) => e.requestId)).toEqual([
        'kept',
      ]);
      expect(await store.pruneAuditEvents('2030-01-01T00:00:00.000Z', 100)).toBe(0);
    });
  });

  describe('durability', () => {
    async function populate(store: SqliteMetadataStore): Promise<void> {
      await store.insertJob(newJob('job-1'), submitted(), {
        subject: 'alice',
        key: 'key-1',
        requestDigest: 'digest-a',
      });
      await store.insertJob(newJob('job-2'), submitted());
      await store.transitionJob(
        'job-2',
        ['queued'],
        {
          state: 'succeeded',
          finishedAt: '2030-01-01T00:00:05.000Z',
          rowCount: 1,
          resultColumns: [{ name: 'x', type: 'INTEGER' }],
          resultPath: '/r/job-2.parquet',
        },
        { at: '2030-01-01T00:00:05.000Z', actor: 'executor-1', event: 'succeeded' },
      );
      await store.upsertExecutor(executor('executor-1', { state: 'draining' }));
    }

    async function expectPopulated(store: SqliteMetadataStore): Promise<void> {
      expect((await store.listJobs({ limit: 10 })).map((j) => j.id)).toEqual(['job-2', 'job-1']);
      expect(await store.getJob('job-2')).toMatchObject({
        state: 'succeeded',
        rowCount: 1,
        resultColumns: [{ name: 'x', type: 'INTEGER' }],
        resultPath: '/r/job-2.parquet',
      });
      expect((await store.jobEvents('job-2')).map((e) => e.event)).toEqual([
        'submitted',
        'succeeded',
      ]);
      expect(await store.getExecutor('executor-1')).toEqual(
        executor('executor-1', { state: 'draining' }),
      );
      // The idempotency key survived too: the same request replays, another digest conflicts.
      const replay = await store.insertJob(newJob('job-3'), submitted(), {
        subject: 'alice',
        key: 'key-1',
        requestDigest: 'digest-a',
      });
      expect(replay.kind === 'replayed' && replay.job.id).toBe('job-1');
      expect(
        await store.insertJob(newJob('job-4'), submitted(), {
          subject: 'alice',
          key: 'key-1',
          requestDigest: 'digest-b',
        }),
      ).toEqual({ kind: 'key-conflict', jobId: 'job-1' });
    }

    it('keeps every committed change across a close and reopen (a restart)', async () => {
      const path = join(dir, 'metadata.db');
      const first = await openStore(path);
      await populate(first);
      await closeStore(first);

      const second = await openStore(path);
      await expectPopulated(second);

      // Sequence numbers keep growing after a restart.
      const next = await second.insertJob(newJob('job-5'), submitted());
      const job2 = await second.getJob('job-2');
      expect(next.kind === 'created' && next.job.seq).toBeGreaterThan(job2!.seq);
    });

    it('has every committed change on disk before the store is closed', async () => {
      const path = join(dir, 'metadata.db');
      const live = await openStore(path);
      await populate(live);

      // Copy the files as a crash would leave them: the store is still open, nothing checkpointed.
      mkdirSync(join(dir, 'crashed'));
      const crashed = join(dir, 'crashed', 'metadata.db');
      copyFileSync(path, crashed);
      expect(existsSync(`${path}-wal`)).toBe(true);
      copyFileSync(`${path}-wal`, `${crashed}-wal`);

      const recovered = await openStore(crashed);
      await expectPopulated(recovered);
    });

    it('two stores opened one after the other on the same file see the same data', async () => {
      const path = join(dir, 'metadata.db');
      const a = await openStore(path);
      await a.insertJob(newJob('from-a'), submitted());
      const b = await openStore(path);

      // b sees what a committed before it opened...
      expect((await b.getJob('from-a'))?.state).toBe('queued');
      // ...and each sees what the other commits afterwards.
      await b.insertJob(newJob('from-b', { submittedBy: 'bob' }), submitted('bob'));
      await b.upsertExecutor(executor('executor-b'));
      expect((await a.getJob('from-b'))?.submittedBy).toBe('bob');
      expect(await a.getExecutor('executor-b')).toEqual(executor('executor-b'));
      expect(
        await a.transitionJob(
          'from-b',
          ['queued'],
          { state: 'running' },
          { at: '2030-01-01T00:00:01.000Z', actor: 'coordinator', event: 'started' },
        ),
      ).toMatchObject({ state: 'running' });
      expect((await b.getJob('from-b'))?.state).toBe('running');
      expect((await b.listJobs({ limit: 10 })).map((j) => j.id)).toEqual(['from-b', 'from-a']);
      expect((await b.jobEvents('from-b')).map((e) => e.event)).toEqual(['submitted', 'started']);

      // A compare-and-set lost to the other store is refused.
      expect(
        await b.transitionJob(
          'from-b',
          ['queued'],
          { state: 'running' },
          { at: '2030-01-01T00:00:02.000Z', actor: 'coordinator', event: 'started' },
        ),
      ).toBeUndefined();
      expect(await a.countJobsByState()).toEqual(await b.countJobsByState());
    });
  });
});
