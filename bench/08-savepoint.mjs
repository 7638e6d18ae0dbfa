// #8 Savepoint and restore of a streaming aggregate whose state holds 1,000,000 groups, against
// `COPY … TO parquet` of the same table (and loading that file back) through @duckdb/node-api.
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SERVICE_TOKEN, startCoordinator } from './lib/coordinator.mjs';
import { check, figure, interleave, medianOf } from './lib/harness.mjs';
import { bearer, expectJson, request, sleep } from './lib/http.mjs';
import { REPO_ROOT, tmpPath } from './lib/paths.mjs';
import { ratio } from './lib/stats.mjs';

const require = createRequire(join(REPO_ROOT, 'package.json'));
const { DuckDBInstance } = require('@duckdb/node-api');

export const id = 8;
export const title = 'Savepoint and restore of a 1,000,000-group aggregate';
export const goal = '≤ 1.5× of COPY … TO parquet of the same table';

const env = { KRISHIV_COORDINATOR_BEARER_TOKEN: SERVICE_TOKEN };
const quote = (text) => `'${text.replace(/'/g, "''")}'`;

export async function run({ quick, rounds, log }) {
  const groups = quick ? 100_000 : 1_000_000;
  const headers = bearer(SERVICE_TOKEN);
  const query = (c, sql) => expectJson(`${c.httpUrl}/api/v1/query`, { method: 'POST', headers, body: { sql } });

  // The state: one record per group, written into the stream table by SQL (the append API is
  // measured in #7), then a restart so the coordinator reads the stream's head from the table.
  const buildStarted = performance.now();
  const first = await startCoordinator({ name: 'b8', env });
  await expectJson(
    `${first.httpUrl}/api/v1/streams`,
    { method: 'POST', headers, body: { name: 'readings', columns: [{ name: 'g', type: 'BIGINT' }, { name: 'v', type: 'DOUBLE' }] } },
    [200, 201],
  );
  await query(first, `INSERT INTO readings SELECT range + 1, range, range * 0.25 FROM range(${groups})`);
  await first.stop({ keepData: true });
  const c = await startCoordinator({ name: 'b8', env, dataDir: first.dataDir });
  const basePath = tmpPath(`b8-${Date.now().toString(36)}.duckdb`);
  const instance = await DuckDBInstance.create(basePath);
  const connection = await instance.connect();
  try {
    const job = await expectJson(
      `${c.httpUrl}/api/v1/jobs`,
      { method: 'POST', headers, body: { kind: 'streaming', sink: 'per_group', sql: 'SELECT g, count(*) AS n, sum(v) AS total FROM readings GROUP BY g' } },
      [202],
    );
    const jobUrl = `${c.httpUrl}/api/v1/jobs/${job.id}`;
    for (;;) {
      const view = await expectJson(jobUrl, { headers });
      if (view.state === 'failed' || view.state === 'cancelled') throw new Error(`streaming job ${view.state}: ${view.error}`);
      if ((view.offset ?? 0) >= groups) break;
      await sleep(100);
    }
    const buildSeconds = (performance.now() - buildStarted) / 1000;
    const described = await query(c, 'DESCRIBE per_group');
    const sinkColumns = described.rows.map((row) => `"${row[0]}" ${row[1]}`).join(', ');
    const count = await query(c, 'SELECT count(*) FROM per_group');
    if (Number(count.rows[0][0]) !== groups) throw new Error(`sink holds ${count.rows[0][0]} groups`);

    // The same table, directly: same columns, same values (one record per group).
    await connection.run(`CREATE TABLE per_group (${sinkColumns})`);
    await connection.run(`INSERT INTO per_group SELECT range, 1, range * 0.25 FROM range(${groups})`);
    await connection.run('CHECKPOINT');

    const subject = async (r) => {
      const label = `bench-${r}`;
      const t0 = performance.now();
      const triggered = await expectJson(`${jobUrl}/savepoints`, { method: 'POST', headers, body: { label } }, [200, 201, 202]);
      let savepoint;
      for (;;) {
        savepoint = await expectJson(`${c.httpUrl}/api/v1/savepoints/${triggered.id}`, { headers });
        if (savepoint.state !== 'pending') break;
        await sleep(5);
      }
      const savepointSeconds = (performance.now() - t0) / 1000;
      if (savepoint.state !== 'completed') throw new Error(`savepoint ${savepoint.state}: ${savepoint.error}`);
      const sink = `restored_${r < 0 ? 'w' : r}`;
      const t1 = performance.now();
      const restored = await expectJson(
        `${c.httpUrl}/api/v1/savepoints/${savepoint.id}/restore`,
        { method: 'POST', headers, body: { sink } },
        [200, 201, 202],
      );
      const restoreSeconds = (performance.now() - t1) / 1000;
      // Untimed clean-up: the restored job would hold the second slot; its sink and the files go.
      await expectJson(`${c.httpUrl}/api/v1/jobs/${restored.id}/cancel`, { method: 'POST', headers }, [200, 409]);
      for (;;) {
        const view = await expectJson(`${c.httpUrl}/api/v1/jobs/${restored.id}`, { headers });
        if (view.state !== 'queued' && view.state !== 'running') break;
        await sleep(20);
      }
      const restoredCount = await query(c, `SELECT count(*) FROM ${sink}`);
      if (Number(restoredCount.rows[0][0]) !== groups) throw new Error(`restored sink holds ${restoredCount.rows[0][0]} groups`);
      await query(c, `DROP TABLE ${sink}`);
      await request(`${c.httpUrl}/api/v1/savepoints/${savepoint.id}`, { method: 'DELETE', headers });
      return { savepointSeconds, restoreSeconds, totalSeconds: savepointSeconds + restoreSeconds };
    };

    const baseline = async (r) => {
      const file = tmpPath(`b8-copy-${r}.parquet`);
      const t0 = performance.now();
      await connection.run(`COPY per_group TO ${quote(file)} (FORMAT parquet)`);
      const copySeconds = (performance.now() - t0) / 1000;
      const t1 = performance.now();
      await connection.run(`CREATE TABLE restored AS SELECT * FROM read_parquet(${quote(file)})`);
      const loadSeconds = (performance.now() - t1) / 1000;
      await connection.run('DROP TABLE restored');
      rmSync(file, { force: true });
      return { copySeconds, loadSeconds, totalSeconds: copySeconds + loadSeconds };
    };

    const results = await interleave({
      rounds,
      log,
      variants: [
        { key: 'subject', run: subject },
        { key: 'baseline', run: baseline },
      ],
    });
    const m = (k, f) => medianOf(results[k], f);
    return {
      figures: {
        savepoint: figure('savepoint: trigger → completed', 's', results.subject.map((x) => x.savepointSeconds), 'lower'),
        copy: figure('COPY per_group TO parquet (direct)', 's', results.baseline.map((x) => x.copySeconds), 'lower'),
        restore: figure('restore: request → new job (state loaded)', 's', results.subject.map((x) => x.restoreSeconds), 'lower'),
        load: figure('CREATE TABLE AS read_parquet (direct)', 's', results.baseline.map((x) => x.loadSeconds), 'lower'),
      },
      checks: [
        check('savepoint time / COPY TO parquet', ratio(m('subject', 'savepointSeconds'), m('baseline', 'copySeconds')), '<=', 1.5),
        check('restore time / load of that Parquet file', ratio(m('subject', 'restoreSeconds'), m('baseline', 'loadSeconds')), '<=', 1.5),
        check('savepoint + restore / COPY + load', ratio(m('subject', 'totalSeconds'), m('baseline', 'totalSeconds')), '<=', 1.5),
      ],
      info: {
        groups,
        'state build (SQL insert into the stream, restart, fold), s': buildSeconds,
        'sink columns': sinkColumns,
      },
      notes: [
        `The sink holds ${groups.toLocaleString('en-US')} groups (SELECT g, count(*), sum(v) … GROUP BY g over one record per group). Savepoints are taken on the running job (not stopping it) and polled every 5 ms; each restore goes into a new sink, and the restored job is cancelled and its sink dropped outside the timing.`,
        'Baseline: the same columns and values in a DuckDB file opened by @duckdb/node-api in the benchmark process.',
      ],
      raw: results,
    };
  } finally {
    connection.closeSync();
    instance.closeSync();
    rmSync(basePath, { force: true });
    rmSync(`${basePath}.wal`, { force: true });
    await c.stop();
    rmSync(first.dataDir, { recursive: true, force: true });
  }
}
