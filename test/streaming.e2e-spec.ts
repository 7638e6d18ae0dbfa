import { status } from '@grpc/grpc-js';
import { setTimeout as delay } from 'node:timers/promises';
import { closeGrpcClients } from './support/grpc';
import { holdsFor, RestApi, RFC3339, until } from './support/jobs';
import { expectNoSecretsIn } from './support/secrets';
import {
  appendRecords,
  batchRows,
  createStream,
  Deployment,
  expectStatus,
  percentile,
  query,
  sinkRows,
  streamHead,
  submitStreaming,
  tableExists,
  waitCaughtUp,
} from './support/streaming';

/** A small deterministic generator (mulberry32), so every run appends the same records. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CLICK_COLUMNS = [
  { name: 'id', type: 'INTEGER' },
  { name: 'g', type: 'VARCHAR' },
  { name: 'v', type: 'INTEGER' },
  { name: 'amount', type: 'DECIMAL(10,2)' },
  { name: 'ts', type: 'TIMESTAMP' },
];

/** Records with a few groups, small values, spread over five minutes, with occasional NULLs. */
class Clicks {
  private nextId = 1;
  private readonly rand: () => number;

  constructor(seed: number) {
    this.rand = random(seed);
  }

  public batch(count: number): Record<string, unknown>[] {
    const r = this.rand;
    return Array.from({ length: count }, () => {
      const minute = Math.floor(r() * 5);
      const second = Math.floor(r() * 60);
      return {
        id: this.nextId++,
        g: r() < 0.1 ? null : ['home', 'cart', 'checkout'][Math.floor(r() * 3)],
        v: r() < 0.15 ? null : Math.floor(r() * 21) - 10,
        amount: r() < 0.1 ? null : (Math.floor(r() * 100_000) / 100).toFixed(2),
        ts:
          r() < 0.05
            ? null
            : `2026-03-01T10:0${minute}:${String(second).padStart(2, '0')}.${Math.floor(r() * 1000)}Z`,
      };
    });
  }
}

const APPEND_SQL =
  'SELECT id, upper(g) AS grp, v * 10 AS v10, amount FROM clicks WHERE v IS NULL OR v % 3 <> 0';
const APPEND_COLUMNS = ['id', 'grp', 'v10', 'amount'];

const AGGREGATE_SQL = `SELECT g, time_bucket(INTERVAL '1 minute', ts) AS minute, count(*) AS n,
  count(v) AS nv, sum(v) AS total, sum(amount) AS amount_total, min(v) AS lo, max(v) AS hi,
  avg(v) AS mean, avg(amount) AS mean_amount, min(ts) AS first_ts, max(g) AS last_g
FROM clicks WHERE amount IS NULL OR amount < 900
GROUP BY g, time_bucket(INTERVAL '1 minute', ts)`;
const AGGREGATE_COLUMNS = [
  'g',
  'minute',
  'n',
  'nv',
  'total',
  'amount_total',
  'lo',
  'hi',
  'mean',
  'mean_amount',
  'first_ts',
  'last_g',
];

describe('streaming jobs', () => {
  const deployment = new Deployment('streaming');
  const clicks = new Clicks(20260301);
  let admin: RestApi;
  /** Jobs left running by a test, cancelled after it so slots stay free. */
  const toCancel = new Set<string>();

  beforeAll(async () => {
    await deployment.start();
    admin = deployment.admin;
    await createStream(admin, 'clicks', CLICK_COLUMNS);
    await appendRecords(admin, 'clicks', clicks.batch(300));
  });

  afterEach(async () => {
    for (const id of toCancel) await deployment.admin.cancel(id);
    toCancel.clear();
  });

  afterAll(async () => {
    closeGrpcClients();
    const logs = await deployment.dispose();
    expectNoSecretsIn(logs, [deployment.adminToken, deployment.readerToken]);
  });

  async function submit(sql: string, sink: string, name?: string): Promise<any> {
    const job = await submitStreaming(admin, { sql, sink, name });
    toCancel.add(job.id);
    return job;
  }

  describe('results equal the same SQL over the whole stream', () => {
    it('folds an append job (filter + projection), before and after more appends', async () => {
      const job = await submit(APPEND_SQL, 'clicks_filtered', 'filtered clicks');
      expect(job).toMatchObject({
        kind: 'streaming',
        sink: 'clicks_filtered',
        sql: APPEND_SQL,
        name: 'filtered clicks',
      });
      let head = await streamHead(admin, 'clicks');
      await waitCaughtUp(admin, job.id, head);
      expect(await sinkRows(admin, 'clicks_filtered', APPEND_COLUMNS)).toEqual(
        await batchRows(admin, APPEND_SQL),
      );

      for (const size of [1, 17, 120]) {
        await appendRecords(admin, 'clicks', clicks.batch(size));
      }
      head = await streamHead(admin, 'clicks');
      const view = await waitCaughtUp(admin, job.id, head);
      const expected = await batchRows(admin, APPEND_SQL);
      expect(await sinkRows(admin, 'clicks_filtered', APPEND_COLUMNS)).toEqual(expected);
      expect(expected.length).toBeGreaterThan(200);
      expect(view).toMatchObject({
        state: 'running',
        sink: 'clicks_filtered',
        offset: head,
        lag: 0,
        recordsProcessed: head,
      });
      expect(view.lastBatchAt).toMatch(RFC3339);
    });

    it('folds an aggregate job (GROUP BY with a time bucket; COUNT, SUM, MIN, MAX, AVG)', async () => {
      const job = await submit(AGGREGATE_SQL, 'clicks_per_minute');
      await waitCaughtUp(admin, job.id, await streamHead(admin, 'clicks'));
      expect(await sinkRows(admin, 'clicks_per_minute', AGGREGATE_COLUMNS)).toEqual(
        await batchRows(admin, AGGREGATE_SQL),
      );

      // Small batches touch few groups at a time: each must merge into the right row.
      for (const size of [1, 2, 3, 40, 1, 250]) {
        await appendRecords(admin, 'clicks', clicks.batch(size));
        await delay(30);
      }
      const head = await streamHead(admin, 'clicks');
      const view = await waitCaughtUp(admin, job.id, head);
      const expected = await batchRows(admin, AGGREGATE_SQL);
      expect(await sinkRows(admin, 'clicks_per_minute', AGGREGATE_COLUMNS)).toEqual(expected);
      // Groups for every page (and NULL) over five minutes (and NULL timestamps).
      expect(expected.length).toBeGreaterThan(15);
      expect(view).toMatchObject({ offset: head, lag: 0, recordsProcessed: head });
    });

    it('folds a global aggregate and a positional GROUP BY', async () => {
      const globalSql =
        'SELECT count(*) AS n, sum(v) AS total, min(amount) AS lo, avg(v) AS mean FROM clicks';
      const positionalSql =
        'SELECT g, count(*) AS n, max(v) AS hi, sum(amount) AS amount_total FROM clicks GROUP BY 1';
      const global = await submit(globalSql, 'clicks_overall');
      const positional = await submit(positionalSql, 'clicks_per_page');
      await appendRecords(admin, 'clicks', clicks.batch(9));
      await appendRecords(admin, 'clicks', clicks.batch(31));
      const head = await streamHead(admin, 'clicks');
      await waitCaughtUp(admin, global.id, head);
      await waitCaughtUp(admin, positional.id, head);
      expect(await sinkRows(admin, 'clicks_overall', ['n', 'total', 'lo', 'mean'])).toEqual(
        await batchRows(admin, globalSql),
      );
      expect(await sinkRows(admin, 'clicks_per_page', ['g', 'n', 'hi', 'amount_total'])).toEqual(
        await batchRows(admin, positionalSql),
      );
    });
  });

  describe('latency and progress', () => {
    it('makes an append visible in the sink within about a second (p50/p95 over 20 appends)', async () => {
      const job = await submit('SELECT id, v FROM clicks', 'clicks_latency');
      await waitCaughtUp(admin, job.id, await streamHead(admin, 'clicks'));
      const latencies: number[] = [];
      for (let i = 0; i < 20; i++) {
        const [record] = clicks.batch(1);
        const started = Date.now();
        await appendRecords(admin, 'clicks', [record]);
        await until(
          `record ${String(record.id)} in the sink`,
          async () =>
            (
              await query(
                admin,
                `SELECT count(*) FROM clicks_latency WHERE id = ${String(record.id)}`,
              )
            ).rows[0][0],
          (count) => count === '1',
          5_000,
          10,
        );
        latencies.push(Date.now() - started);
        // Spread the appends over the micro-batch tick.
        await delay(37 * (i % 5));
      }
      const p50 = percentile(latencies, 50);
      const p95 = percentile(latencies, 95);
      console.log(
        `streaming append -> visible in sink over ${latencies.length} appends (tick 200 ms): ` +
          `p50 ${p50} ms, p95 ${p95} ms, max ${Math.max(...latencies)} ms`,
      );
      expect(p95).toBeLessThan(1_000);
      expect(Math.max(...latencies)).toBeLessThan(2_000);
      const view = await admin.current(job.id);
      expect(view).toMatchObject({ lag: 0, offset: await streamHead(admin, 'clicks') });
    });

    it('reports lag while records wait and 0 once they are folded', async () => {
      const job = await submit('SELECT id FROM clicks', 'clicks_progress');
      const head = await streamHead(admin, 'clicks');
      const view = await waitCaughtUp(admin, job.id, head);
      expect(view).toMatchObject({ offset: head, lag: 0, recordsProcessed: head });
      // Cancelled jobs fold nothing more: the lag of a stopped job grows with the stream.
      expectStatus(await admin.cancel(job.id), 200);
      toCancel.delete(job.id);
      await appendRecords(admin, 'clicks', clicks.batch(5));
      const stopped = await admin.current(job.id);
      expect(stopped).toMatchObject({ state: 'cancelled', offset: head, lag: 5 });
    });
  });

  describe('refused at submit', () => {
    const refusals: [string, string, RegExp][] = [
      ['a join', 'SELECT a.id FROM clicks a JOIN clicks b ON a.id = b.id', /join/i],
      ['a comma join', 'SELECT a.id FROM clicks a, clicks b', /join/i],
      ['DISTINCT', 'SELECT DISTINCT g FROM clicks', /DISTINCT/],
      [
        'a window function',
        'SELECT id, row_number() OVER (ORDER BY id) AS r FROM clicks',
        /window/i,
      ],
      ['ORDER BY', 'SELECT id FROM clicks ORDER BY id', /ORDER BY/],
      ['LIMIT', 'SELECT id FROM clicks LIMIT 5', /LIMIT/],
      ['HAVING', 'SELECT g, count(*) AS n FROM clicks GROUP BY g HAVING count(*) > 1', /HAVING/],
      [
        'a subquery in WHERE',
        'SELECT id FROM clicks WHERE v IN (SELECT v FROM clicks)',
        /subquer/i,
      ],
      ['a subquery in FROM', 'SELECT id FROM (SELECT * FROM clicks)', /subquer/i],
      ['a UNION', 'SELECT id FROM clicks UNION ALL SELECT id FROM clicks', /UNION/],
      ['a plain table', 'SELECT * FROM clicks_filtered', /clicks_filtered/],
      ['two statements', 'SELECT id FROM clicks; SELECT id FROM clicks', /statement/i],
      ['COUNT(DISTINCT …)', 'SELECT g, count(DISTINCT v) AS n FROM clicks GROUP BY g', /DISTINCT/],
      ['a statement that writes', 'INSERT INTO clicks_filtered SELECT 1, 2, 3, 4', /SELECT/],
    ];

    it.each(refusals)(
      'refuses %s with 400 naming it, creating no job and no sink',
      async (_, sql, message) => {
        const before = (await admin.listAll()).jobs.length;
        const answer = await admin.submit({ kind: 'streaming', sql, sink: 'refused_sink' });
        expect({ status: answer.status, message: answer.body?.message }).toEqual({
          status: 400,
          message: expect.stringMatching(message),
        });
        expect((await admin.listAll()).jobs.length).toBe(before);
        expect(await tableExists(admin, 'refused_sink')).toBe(false);
      },
    );

    it('refuses an aggregate it cannot fold in micro-batches (MEDIAN), or folds it correctly', async () => {
      const sql = 'SELECT median(v) AS m FROM clicks';
      const answer = await admin.submit({ kind: 'streaming', sql, sink: 'clicks_median' });
      if (answer.status !== 202) {
        expect({ status: answer.status, message: answer.body?.message }).toEqual({
          status: 400,
          message: expect.stringMatching(/median/i),
        });
        return;
      }
      // Accepted: then the sink must hold the median of the whole stream, not one per batch.
      toCancel.add(answer.body.id);
      await waitCaughtUp(admin, answer.body.id, await streamHead(admin, 'clicks'));
      await appendRecords(admin, 'clicks', clicks.batch(15));
      await waitCaughtUp(admin, answer.body.id, await streamHead(admin, 'clicks'));
      expect(await sinkRows(admin, 'clicks_median', ['m'])).toEqual(await batchRows(admin, sql));
    });

    it('refuses a GROUP BY key that is not selected, or folds it correctly', async () => {
      const sql = 'SELECT g, sum(v) AS total FROM clicks GROUP BY g, id % 2';
      const answer = await admin.submit({ kind: 'streaming', sql, sink: 'clicks_hidden_key' });
      if (answer.status !== 202) {
        expect(answer.status).toBe(400);
        return;
      }
      toCancel.add(answer.body.id);
      await appendRecords(admin, 'clicks', clicks.batch(20));
      await waitCaughtUp(admin, answer.body.id, await streamHead(admin, 'clicks'));
      await appendRecords(admin, 'clicks', clicks.batch(20));
      await waitCaughtUp(admin, answer.body.id, await streamHead(admin, 'clicks'));
      expect(await sinkRows(admin, 'clicks_hidden_key', ['g', 'total'])).toEqual(
        await batchRows(admin, sql),
      );
    });

    it('refuses two output columns of one name with 400 (the sink does not exist)', async () => {
      const answer = await admin.submit({
        kind: 'streaming',
        sql: 'SELECT id AS x, v AS x FROM clicks',
        sink: 'clicks_twice',
      });
      expect(answer.status).toBe(400);
      expect(await tableExists(admin, 'clicks_twice')).toBe(false);
    });
  });

  describe('sink', () => {
    it('needs a valid sink name (400)', async () => {
      for (const sink of [undefined, '', '1st', 'bad-name', 'a b', 'x'.repeat(64), 42, '_hidden']) {
        const answer = await admin.submit({
          kind: 'streaming',
          sql: 'SELECT id FROM clicks',
          sink,
        });
        expect({ sink, status: answer.status }).toEqual({ sink, status: 400 });
        expect(answer.body.message).toMatch(/sink/);
      }
    });

    it('refuses a sink name that exists (409), whatever its case, and a stream as sink', async () => {
      await submit('SELECT id FROM clicks', 'taken_sink');
      for (const sink of ['taken_sink', 'TAKEN_SINK', 'clicks']) {
        const answer = await admin.submit({
          kind: 'streaming',
          sql: 'SELECT id FROM clicks',
          sink,
        });
        expect({ sink, status: answer.status }).toEqual({ sink, status: 409 });
        expect(answer.body.message).toMatch(new RegExp(sink, 'i'));
      }
    });

    it('gives one of several concurrent submits a new sink and the others 409', async () => {
      for (let round = 0; round < 5; round++) {
        const answers = await Promise.all(
          Array.from({ length: 5 }, () =>
            admin.submit({
              kind: 'streaming',
              sql: AGGREGATE_SQL,
              sink: `raced_sink_${round}`,
            }),
          ),
        );
        const accepted = answers.filter((a) => a.status === 202);
        for (const answer of accepted) await admin.cancel(answer.body.id);
        expect({
          round,
          statuses: answers.map((a) => a.status).sort(),
          messages: answers.filter((a) => a.status >= 500).map((a) => a.body?.message),
        }).toEqual({ round, statuses: [202, 409, 409, 409, 409], messages: [] });
      }
    });
  });

  describe('over gRPC', () => {
    it('submits a streaming job with a sink and reports its progress', async () => {
      const grpc = deployment.grpc;
      const submitted = await grpc.jobs('SubmitJob', {
        sql: APPEND_SQL,
        kind: 'streaming',
        sink: 'clicks_via_grpc',
        name: 'grpc stream',
      });
      expect(submitted.code).toBe(status.OK);
      toCancel.add(submitted.response.id);
      expect(submitted.response).toMatchObject({
        kind: 'streaming',
        sink: 'clicks_via_grpc',
        name: 'grpc stream',
      });
      const head = await streamHead(admin, 'clicks');
      const job = await until(
        'gRPC GetJob caught up',
        async () => (await grpc.jobs('GetJob', { id: submitted.response.id })).response,
        (j) => j?.state === 'running' && j.offset === String(head),
        20_000,
      );
      expect(job).toMatchObject({ lag: '0', recordsProcessed: String(head) });
      expect(job.lastBatchAt).toMatch(RFC3339);
      expect(await sinkRows(admin, 'clicks_via_grpc', APPEND_COLUMNS)).toEqual(
        await batchRows(admin, APPEND_SQL),
      );

      const missing = await grpc.jobs('SubmitJob', { sql: APPEND_SQL, kind: 'streaming' });
      expect(missing.code).toBe(status.INVALID_ARGUMENT);
      const taken = await grpc.jobs('SubmitJob', {
        sql: APPEND_SQL,
        kind: 'streaming',
        sink: 'clicks_via_grpc',
      });
      expect(taken.code).toBe(status.ALREADY_EXISTS);
      const join = await grpc.jobs('SubmitJob', {
        sql: 'SELECT a.id FROM clicks a JOIN clicks b USING (id)',
        kind: 'streaming',
        sink: 'grpc_join',
      });
      expect({ code: join.code, message: join.message }).toEqual({
        code: status.INVALID_ARGUMENT,
        message: expect.stringMatching(/join/i),
      });
    });
  });

  describe('cancel', () => {
    it('ends a streaming job cancelled; later records stay out of its sink', async () => {
      const job = await submit('SELECT id, g FROM clicks', 'clicks_cancelled');
      const head = await streamHead(admin, 'clicks');
      await waitCaughtUp(admin, job.id, head);
      const cancelled = expectStatus(await admin.cancel(job.id), 200);
      toCancel.delete(job.id);
      expect(cancelled).toMatchObject({ state: 'cancelled', cancelledBy: 'service' });
      expect(cancelled.finishedAt).toMatch(RFC3339);
      await appendRecords(admin, 'clicks', clicks.batch(10));
      await holdsFor(
        'the cancelled job folds nothing',
        async () => (await query(admin, 'SELECT count(*) FROM clicks_cancelled')).rows[0][0],
        (count) => count === String(head),
        700,
      );
      expect((await admin.cancel(job.id)).status).toBe(409);
    });
  });

  describe('concurrency', () => {
    it('folds six jobs over one stream at once while appends pour in, none failing', async () => {
      const sqls = [
        'SELECT id, v FROM clicks WHERE v > 0',
        'SELECT id, g FROM clicks WHERE g IS NOT NULL',
        'SELECT g, count(*) AS n, sum(v) AS total FROM clicks GROUP BY g',
        'SELECT g, min(v) AS lo, max(v) AS hi FROM clicks GROUP BY g',
        'SELECT count(*) AS n, avg(v) AS mean FROM clicks',
        "SELECT time_bucket(INTERVAL '1 minute', ts) AS minute, count(*) AS n FROM clicks GROUP BY 1",
      ];
      const jobs = [];
      for (const [i, sql] of sqls.entries()) jobs.push(await submit(sql, `parallel_${i}`));
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          for (let i = 0; i < 25; i++) {
            await appendRecords(admin, 'clicks', clicks.batch(1 + (i % 9)));
          }
        }),
      );
      const head = await streamHead(admin, 'clicks');
      for (const [i, sql] of sqls.entries()) {
        const view = await waitCaughtUp(admin, jobs[i].id, head);
        expect({ i, state: view.state, error: view.error }).toEqual({
          i,
          state: 'running',
          error: undefined,
        });
        const columns = (await query(admin, `${sql} LIMIT 0`)).columns.map((c) => c.name);
        expect({ i, rows: await sinkRows(admin, `parallel_${i}`, columns) }).toEqual({
          i,
          rows: await batchRows(admin, sql),
        });
      }
    });
  });

  describe('crash', () => {
    it('resumes after an orderly restart (SIGTERM) where it stopped', async () => {
      const sql =
        'SELECT g, count(*) AS n, sum(v) AS total, avg(amount) AS mean FROM clicks GROUP BY g';
      const job = await submit(sql, 'clicks_orderly');
      await waitCaughtUp(admin, job.id, await streamHead(admin, 'clicks'));
      await appendRecords(admin, 'clicks', clicks.batch(30));
      await deployment.stopGracefully();
      await deployment.start();
      admin = deployment.admin;
      await appendRecords(admin, 'clicks', clicks.batch(30));
      const head = await streamHead(admin, 'clicks');
      const view = await waitCaughtUp(admin, job.id, head, 30_000);
      expect(view.recordsProcessed).toBe(head);
      expect(await sinkRows(admin, 'clicks_orderly', ['g', 'n', 'total', 'mean'])).toEqual(
        await batchRows(admin, sql),
      );
    });

    it('survives SIGKILL while appends continue: no record lost, none counted twice', async () => {
      const crashSql =
        'SELECT g, count(*) AS n, sum(v) AS total, min(v) AS lo, max(v) AS hi, avg(v) AS mean FROM crashy GROUP BY g';
      const crashColumns = ['g', 'n', 'total', 'lo', 'hi', 'mean'];
      const rowsSql = 'SELECT id, g, v FROM crashy WHERE v IS NULL OR v >= 0';
      await createStream(admin, 'crashy', CLICK_COLUMNS);
      const crashClicks = new Clicks(7);
      await appendRecords(admin, 'crashy', crashClicks.batch(50));
      const totals = await submit(crashSql, 'crashy_totals');
      const rows = await submit(rowsSql, 'crashy_rows');
      await waitCaughtUp(admin, totals.id, 50);
      await waitCaughtUp(admin, rows.id, 50);

      // Appends keep arriving while the coordinator dies (three times); only acknowledged ones
      // must survive, and none may be folded twice.
      const acknowledged: number[] = [];
      for (let crash = 0; crash < 3; crash++) {
        let appending = true;
        const api = deployment.admin;
        const appender = (async () => {
          while (appending) {
            const batch = crashClicks.batch(1 + (acknowledged.length % 29));
            try {
              const answer = await api.call('POST', '/api/v1/streams/crashy/records', {
                body: batch,
              });
              if (answer.status === 200) acknowledged.push(...batch.map((r) => r.id as number));
            } catch {
              return;
            }
            await delay(3);
          }
        })();
        const before = (await admin.current(totals.id)).offset;
        await until(
          'appends folded while the coordinator runs',
          async () => (await admin.current(totals.id)).offset,
          (offset) => offset > before + 100,
          10_000,
        );
        // Somewhere inside the next tick, probably inside a micro-batch.
        await delay(40 * crash);
        await deployment.kill();
        appending = false;
        await appender;
        await deployment.start();
        admin = deployment.admin;
      }
      expect(acknowledged.length).toBeGreaterThan(300);

      for (let i = 0; i < 5; i++) {
        const batch = crashClicks.batch(13);
        await appendRecords(admin, 'crashy', batch);
        acknowledged.push(...batch.map((r) => r.id as number));
      }
      const head = await streamHead(admin, 'crashy');
      const totalsView = await waitCaughtUp(admin, totals.id, head, 30_000);
      const rowsView = await waitCaughtUp(admin, rows.id, head, 30_000);

      const stream = await query(
        admin,
        'SELECT count(*), count(DISTINCT id), count(DISTINCT _offset), min(_offset), max(_offset) FROM crashy',
      );
      expect(stream.rows[0]).toEqual([String(head), String(head), String(head), '1', String(head)]);
      const stored = new Set(
        (await query(admin, 'SELECT id FROM crashy')).rows.map((r) => r[0] as number),
      );
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);

      expect(await sinkRows(admin, 'crashy_totals', crashColumns)).toEqual(
        await batchRows(admin, crashSql),
      );
      expect(await sinkRows(admin, 'crashy_rows', ['id', 'g', 'v'])).toEqual(
        await batchRows(admin, rowsSql),
      );
      expect(totalsView.recordsProcessed).toBe(head);
      expect(rowsView.recordsProcessed).toBe(head);
    });
  });
});
