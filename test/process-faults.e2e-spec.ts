import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { REPO_ROOT } from './support/coordinator';
import { callGrpc, closeGrpcClients } from './support/grpc';
import { until } from './support/jobs';
import { errorOf, PgWireClient, rowsOf, tagOf } from './support/pg-wire';
import { freePort } from './support/ports';
import {
  createStream,
  Deployment,
  expectStatus,
  query,
  streamHead,
  submitStreaming,
  waitCaughtUp,
} from './support/streaming';

/**
 * Process faults. SIGTERM drains: not ready first, in-flight calls on both transports finish,
 * new calls are refused, running batch jobs end failed saying why, streaming jobs resume at the
 * next start, exit code 0. SIGKILL at seeded random moments during concurrent submits, cancels,
 * appends and savepoints, several rounds on one data dir: every acknowledged operation is there
 * exactly once after each restart.
 */
jest.setTimeout(120_000);

const SEED = Number(process.env.KRISHIV_FAULT_SEED ?? 20261128);
const ROUNDS = 4;

/** mulberry32: a tiny seeded generator, so a failing round can be replayed with its seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

const Health = (
  grpc.loadPackageDefinition(
    protoLoader.loadSync(
      join(REPO_ROOT, 'node_modules', 'grpc-health-check', 'proto', 'health', 'v1', 'health.proto'),
      { enums: String },
    ),
  ) as any
).grpc.health.v1.Health;

function healthStatus(address: string): Promise<string> {
  const client = new Health(address, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    client.check({ service: '' }, { deadline: Date.now() + 2000 }, (err: any, res: any) => {
      client.close();
      resolve(err ? `error ${err.code}` : res.status);
    });
  });
}

describe('SIGTERM drains the coordinator', () => {
  const env: Record<string, string> = { KRISHIV_STREAMING_TICK_MS: '50' };
  const deployment = new Deployment('process-drain', env);

  afterAll(async () => {
    closeGrpcClients();
    await deployment.dispose();
  });

  it('flips readiness first, finishes in-flight calls, refuses new ones, fails running jobs and exits 0', async () => {
    const pgPort = await freePort();
    env.KRISHIV_PG_ADDR = `127.0.0.1:${pgPort}`;
    await deployment.start();
    const admin = deployment.admin;
    await createStream(admin, 'ticks', [{ name: 'id', type: 'BIGINT' }]);
    const streaming = await submitStreaming(admin, {
      sql: 'SELECT id FROM ticks',
      sink: 'ticks_copy',
    });
    expectStatus(
      await admin.call('POST', '/api/v1/streams/ticks/records', {
        body: Array.from({ length: 100 }, (_, i) => ({ id: i + 1 })),
      }),
      200,
    );
    await waitCaughtUp(admin, streaming.id, 100);
    const batch = await admin.accepted({ sql: 'SELECT count(*) FROM range(10000000000000)' });
    await admin.waitForJob(batch.id, (j) => j.state === 'running');

    const coordinator = deployment.coordinator;
    // Over the wire protocol: one session will run the slow statement, one idles in an open block.
    const running = await PgWireClient.connect(pgPort);
    expect(errorOf(await running.login(deployment.adminToken))).toBeUndefined();
    const idle = await PgWireClient.connect(pgPort);
    expect(errorOf(await idle.login(deployment.adminToken))).toBeUndefined();
    expect(tagOf(await idle.query('BEGIN'))).toBe('BEGIN');
    expect(tagOf(await idle.query('CREATE TABLE drained_block (id INTEGER)'))).toBe('CREATE TABLE');
    const slowSql = 'SELECT count(*) AS n FROM range(1500000000)';
    const settled = { rest: false, grpc: false };
    const rest = admin.query(slowSql).finally(() => (settled.rest = true));
    const overGrpc = callGrpc(
      coordinator.grpcAddress,
      'QueryService',
      'ExecuteQuery',
      { sql: slowSql },
      deployment.adminToken,
    ).finally(() => (settled.grpc = true));
    const overPg = running.query(slowSql);
    // Let both calls reach the engine before the signal.
    await delay(300);
    const exited = new Promise<number | null>((r) => coordinator.process.once('exit', r));
    const signalledAt = Date.now();
    coordinator.process.kill('SIGTERM');

    const ready = await until(
      'readiness flipped',
      () => fetch(`${coordinator.httpUrl}/readyz`).then(async (r) => [r.status, await r.json()]),
      ([status]) => status === 503,
      2_000,
      5,
    );
    expect((ready[1] as any).checks.lifecycle).toBe('shutting down');
    expect(await healthStatus(coordinator.grpcAddress)).toBe('NOT_SERVING');
    // The in-flight calls were still running when the coordinator stopped being ready.
    expect(settled).toEqual({ rest: false, grpc: false });

    // New calls are refused cleanly: 503 / UNAVAILABLE while draining, or no connection at all.
    const lateRest = await admin.query('SELECT 1').then(
      (answer) => ({ status: answer.status, message: answer.body?.message }),
      (err: Error) => ({ status: 0, message: String((err.cause as Error | undefined)?.message) }),
    );
    if (lateRest.status === 0) expect(lateRest.message).toMatch(/ECONNREFUSED|other side closed/);
    else expect(lateRest).toEqual({ status: 503, message: expect.stringMatching(/shutting down/) });
    const lateGrpc = await callGrpc(
      coordinator.grpcAddress,
      'QueryService',
      'ExecuteQuery',
      { sql: 'SELECT 1' },
      deployment.adminToken,
    );
    expect(lateGrpc.code).toBe(grpc.status.UNAVAILABLE);

    const restAnswer = await rest;
    expect(restAnswer.status).toBe(200);
    expect(restAnswer.body.rows).toEqual([['1500000000']]);
    const grpcAnswer = await overGrpc;
    expect(grpcAnswer.code).toBe(grpc.status.OK);
    expect(grpcAnswer.response.rows[0].values[0].intValue).toBe('1500000000');
    // The running statement finished; then both sessions heard that the server is going away.
    const pgAnswer = await overPg;
    expect(errorOf(pgAnswer)).toBeUndefined();
    expect(rowsOf(pgAnswer)).toEqual([['1500000000']]);
    for (const session of [running, idle]) {
      const farewell = await session.until('readyForQuery');
      expect(errorOf(farewell)).toMatchObject({ code: '57P01', severity: 'FATAL' });
      await session.done;
    }
    expect(await exited).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(10_000);

    expect(coordinator.logs()).toMatch(/shutting down on SIGTERM: not ready/);

    closeGrpcClients();
    await deployment.kill();
    await deployment.start();
    const again = deployment.admin;
    expect(await again.current(batch.id)).toMatchObject({
      state: 'failed',
      error: expect.stringMatching(/^interrupted: the coordinator shut down while the job ran/),
    });
    // The streaming job resumes where it stopped: new records are folded once, old ones not again.
    expectStatus(
      await again.call('POST', '/api/v1/streams/ticks/records', {
        body: Array.from({ length: 50 }, (_, i) => ({ id: 101 + i })),
      }),
      200,
    );
    await waitCaughtUp(again, streaming.id, 150);
    const sink = await query(again, 'SELECT count(*), count(DISTINCT id), max(id) FROM ticks_copy');
    expect(sink.rows[0].map(Number)).toEqual([150, 150, 150]);
    // The block left open at shutdown was rolled back.
    const block = await query(
      again,
      "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'drained_block'",
    );
    expect(block.rows).toEqual([['0']]);
  });
});

describe(`SIGKILL at random moments (seed ${SEED}), ${ROUNDS} rounds on one data dir`, () => {
  const deployment = new Deployment('process-kill', {
    KRISHIV_STREAMING_TICK_MS: '50',
    KRISHIV_QUERY_MAX_ROWS: '1000000',
  });
  const random = seeded(SEED);
  let streaming: any;
  let nextId = 1;
  /** What the coordinator acknowledged (2xx / OK), across all rounds. */
  const acked = {
    jobs: [] as { key: string; sql: string; id: string }[],
    cancelled: [] as string[],
    appends: [] as { tag: string; ids: number[]; firstOffset: number; lastOffset: number }[],
    savepoints: [] as { requestId: string; id: string }[],
  };
  const figures = { kills: 0, submits: 0, cancels: 0, appends: 0, savepoints: 0, restores: 0 };

  beforeAll(async () => {
    await deployment.start();
    await createStream(deployment.admin, 'events', [
      { name: 'id', type: 'BIGINT' },
      { name: 'tag', type: 'VARCHAR' },
    ]);
    streaming = await submitStreaming(deployment.admin, {
      sql: 'SELECT id, tag FROM events',
      sink: 'events_copy',
    });
  });

  afterAll(async () => {
    closeGrpcClients();
    await deployment.dispose();
    // The closing note quotes these.
    console.log(`process faults survived: ${JSON.stringify(figures)}`);
  });

  /** Runs the four kinds of work concurrently until `stopped()`; failures after the kill are expected. */
  async function workload(round: number, stopped: () => boolean): Promise<void> {
    const admin = deployment.admin;
    const grpcApi = deployment.grpc;
    const guard = async (loop: () => Promise<void>) => {
      try {
        await loop();
      } catch {
        // The process died under the call: it was never acknowledged.
      }
    };
    const submitter = guard(async () => {
      for (let i = 0; !stopped(); i++) {
        const key = `r${round}-s${i}`;
        const sql = `SELECT ${round * 1000 + i} AS n`;
        if (i % 2 === 0) {
          const answer = await admin.submit({ sql }, key);
          if (answer.status === 202) acked.jobs.push({ key, sql, id: answer.body.id });
        } else {
          const answer = await grpcApi.jobs('SubmitJob', { sql, requestId: key });
          if (answer.code === grpc.status.OK) acked.jobs.push({ key, sql, id: answer.response.id });
        }
      }
    });
    const canceller = guard(async () => {
      for (let i = 0; !stopped(); i++) {
        const key = `r${round}-c${i}`;
        const sql = 'SELECT count(*) FROM range(10000000000000)';
        const answer = await admin.submit({ sql }, key);
        if (answer.status !== 202) continue;
        acked.jobs.push({ key, sql, id: answer.body.id });
        await delay(random() * 100);
        const cancel = await admin.cancel(answer.body.id);
        if (cancel.status === 200) acked.cancelled.push(answer.body.id);
      }
    });
    const appender = guard(async () => {
      for (let i = 0; !stopped(); i++) {
        const tag = `r${round}-a${i}`;
        const ids = Array.from({ length: 1 + Math.floor(random() * 50) }, () => nextId++);
        if (i % 2 === 0) {
          const answer = await admin.call('POST', '/api/v1/streams/events/records', {
            body: ids.map((id) => ({ id, tag })),
          });
          if (answer.status === 200) acked.appends.push({ tag, ids, ...answer.body });
        } else {
          const answer = await grpcApi.call('StreamService', 'AppendRecords', {
            name: 'events',
            records: ids.map((id) => ({
              fields: { id: { intValue: String(id) }, tag: { stringValue: tag } },
            })),
          });
          if (answer.code === grpc.status.OK) {
            acked.appends.push({
              tag,
              ids,
              firstOffset: Number(answer.response.firstOffset),
              lastOffset: Number(answer.response.lastOffset),
            });
          }
        }
      }
    });
    const savepointer = guard(async () => {
      for (let i = 0; !stopped(); i++) {
        const requestId = `r${round}-p${i}`;
        const answer = await admin.call('POST', `/api/v1/jobs/${streaming.id}/savepoints`, {
          body: { requestId },
        });
        if (answer.status === 202) acked.savepoints.push({ requestId, id: answer.body.id });
        await delay(50 + random() * 100);
      }
    });
    await Promise.all([submitter, canceller, appender, savepointer]);
  }

  async function verify(round: number): Promise<void> {
    const admin = deployment.admin;
    // Jobs: each acknowledged one is listed exactly once, and its key still names it.
    const { jobs } = await admin.listAll();
    const listed = new Map<string, number>();
    for (const job of jobs) listed.set(job.id, (listed.get(job.id) ?? 0) + 1);
    for (const job of acked.jobs) expect([job.id, listed.get(job.id)]).toEqual([job.id, 1]);
    for (const job of acked.jobs.slice(-5)) {
      const replay = await admin.submit({ sql: job.sql }, job.key);
      expect([job.key, replay.status, replay.body.id]).toEqual([job.key, 202, job.id]);
    }
    for (const id of acked.cancelled) {
      expect([id, (await admin.current(id)).state]).toEqual([id, 'cancelled']);
    }

    // Stream: offsets consecutive from 1; every acknowledged batch at its offsets, exactly once.
    const rows = (await query(admin, 'SELECT _offset, id, tag FROM events ORDER BY _offset')).rows;
    expect(rows.map((r) => Number(r[0]))).toEqual(rows.map((_, i) => i + 1));
    const tagCount = new Map<string, number>();
    for (const row of rows) tagCount.set(row[2], (tagCount.get(row[2]) ?? 0) + 1);
    for (const batch of acked.appends) {
      expect(tagCount.get(batch.tag)).toBe(batch.ids.length);
      const stored = rows.slice(batch.firstOffset - 1, batch.lastOffset);
      expect(stored.map((r) => [Number(r[1]), r[2]])).toEqual(
        batch.ids.map((id) => [id, batch.tag]),
      );
    }

    // Savepoints: every acknowledged one exists once (its request id finds it again); a
    // completed one has files that match its manifest, and nothing half-written is visible.
    const listedSavepoints = expectStatus(
      await admin.call('GET', `/api/v1/jobs/${streaming.id}/savepoints`),
      200,
    ).savepoints as any[];
    const savepointIds = listedSavepoints.map((s) => s.id);
    expect(new Set(savepointIds).size).toBe(savepointIds.length);
    for (const savepoint of acked.savepoints) expect(savepointIds).toContain(savepoint.id);
    const completed = listedSavepoints.filter((s) => s.state === 'completed');
    for (const savepoint of completed) {
      const manifest = JSON.parse(readFileSync(join(savepoint.location, 'manifest.json'), 'utf8'));
      expect(manifest.savepointId).toBe(savepoint.id);
      for (const file of manifest.files) {
        expect(sha256(join(savepoint.location, file.name))).toBe(file.sha256);
      }
    }
    // Nothing half-written survives a restart. A partial file may exist only while its writer
    // runs (a job, or a savepoint taken again after the restart): state first, then the file.
    const strays: { path: string; state: () => Promise<string> }[] = [];
    const results = join(deployment.dataDir, 'results');
    for (const name of readdirSync(results).filter((n) => n.endsWith('.partial'))) {
      const jobId = name.replace(/\.parquet\.partial$/, '');
      strays.push({
        path: join(results, name),
        state: async () => (await admin.current(jobId)).state,
      });
    }
    const savepointRoot = join(deployment.dataDir, 'savepoints');
    for (const job of readdirSync(savepointRoot)) {
      for (const name of readdirSync(join(savepointRoot, job)).filter((n) =>
        n.endsWith('.partial'),
      )) {
        const id = name.replace(/\.partial$/, '');
        strays.push({
          path: join(savepointRoot, job, name),
          state: async () =>
            expectStatus(await admin.call('GET', `/api/v1/savepoints/${id}`), 200).state,
        });
      }
    }
    for (const stray of strays) {
      const state = await stray.state();
      if (existsSync(stray.path))
        expect([stray.path, state]).toEqual([
          stray.path,
          expect.stringMatching(/^(running|pending)$/),
        ]);
    }
    // The newest completed savepoint restores (its checksums verified by the coordinator too).
    const newest = completed.at(-1);
    if (newest) {
      const restored = expectStatus(
        await admin.call('POST', `/api/v1/savepoints/${newest.id}/restore`, {
          body: { sink: `restored_r${round}` },
        }),
        202,
      );
      figures.restores++;
      expectStatus(await admin.cancel(restored.id), 200);
    }
  }

  it('keeps every acknowledged submit, cancel, append and savepoint exactly once', async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      let stopped = false;
      const work = workload(round, () => stopped);
      await delay(300 + random() * 1200);
      await deployment.kill();
      stopped = true;
      await work;
      figures.kills++;
      closeGrpcClients();
      // The metadata store and the engine open cleanly on the same data dir.
      await deployment.start();
      await verify(round);
    }
    Object.assign(figures, {
      submits: acked.jobs.length,
      cancels: acked.cancelled.length,
      appends: acked.appends.length,
      savepoints: acked.savepoints.length,
    });
    expect(acked.appends.length).toBeGreaterThan(ROUNDS);
    expect(acked.jobs.length).toBeGreaterThan(ROUNDS);
    expect(acked.savepoints.length).toBeGreaterThan(0);

    // The streaming job survived every kill: it catches up, each record folded exactly once.
    const head = await streamHead(deployment.admin, 'events');
    await waitCaughtUp(deployment.admin, streaming.id, head, 30_000);
    const sink = await query(
      deployment.admin,
      'SELECT count(*), count(DISTINCT id) FROM events_copy',
    );
    expect(sink.rows[0].map(Number)).toEqual([head, head]);
  });
});
