// #7 Streaming ingest: NDJSON batches of 1,000 records appended to a stream that a running
// aggregate job folds into its sink, against INSERTs of the same rows through @duckdb/node-api
// directly. Throughput counts a record once it is visible in the sink (the job's committed
// offset covers it); latency is append → visible at the default tick.
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SERVICE_TOKEN, startCoordinator } from './lib/coordinator.mjs';
import { check, figure, interleave, medianOf } from './lib/harness.mjs';
import { bearer, expectJson, request, sleep } from './lib/http.mjs';
import { REPO_ROOT, tmpPath } from './lib/paths.mjs';
import { percentile, ratio } from './lib/stats.mjs';

const require = createRequire(join(REPO_ROOT, 'package.json'));
const { DuckDBInstance } = require('@duckdb/node-api');

export const id = 7;
export const title = 'Streaming ingest into a running aggregate job';
export const goal = '≥ 0.5 of direct INSERT rows/s; append → visible in sink p95 ≤ 1 s at the default tick';

const BATCH = 1_000;
const EPOCH = Date.UTC(2026, 0, 1);
const COLUMNS = [
  { name: 'k', type: 'VARCHAR' },
  { name: 'v', type: 'DOUBLE' },
  { name: 'n', type: 'BIGINT' },
  { name: 'ts', type: 'TIMESTAMP' },
];

function record(i) {
  return { k: `key-${i % 1000}`, v: (i % 997) * 0.5, n: i, ts: new Date(EPOCH + i * 1000).toISOString() };
}

/** Batches `first`…`first + count - 1`, as NDJSON bodies and as the rows a direct INSERT binds. */
function batches(first, count) {
  return Array.from({ length: count }, (_, b) => {
    const records = Array.from({ length: BATCH }, (_, j) => record((first + b) * BATCH + j));
    return {
      ndjson: `${records.map((r) => JSON.stringify(r)).join('\n')}\n`,
      values: records.flatMap((r, j) => [(first + b) * BATCH + j + 1, r.k, r.v, r.n, r.ts]),
    };
  });
}

export async function run({ quick, rounds, log }) {
  const perRound = quick ? 10 : 100; // batches of 1,000 per throughput round
  const paced = quick ? 6 : 20; // batches per latency round, one every `paceMs`
  const paceMs = 250;
  const appenders = 4;
  const c = await startCoordinator({ name: 'b7', env: { KRISHIV_COORDINATOR_BEARER_TOKEN: SERVICE_TOKEN } });
  const headers = bearer(SERVICE_TOKEN);
  const basePath = tmpPath(`b7-${Date.now().toString(36)}.duckdb`);
  const instance = await DuckDBInstance.create(basePath);
  const connection = await instance.connect();
  try {
    await expectJson(`${c.httpUrl}/api/v1/streams`, { method: 'POST', headers, body: { name: 'events', columns: COLUMNS } }, [200, 201]);
    const job = await expectJson(
      `${c.httpUrl}/api/v1/jobs`,
      {
        method: 'POST',
        headers,
        body: { kind: 'streaming', sink: 'events_by_key', sql: 'SELECT k, count(*) AS n, sum(v) AS total, max(ts) AS last_ts FROM events GROUP BY k' },
      },
      [202],
    );
    const jobUrl = `${c.httpUrl}/api/v1/jobs/${job.id}`;
    for (let view = await expectJson(jobUrl, { headers }); view.state !== 'running'; view = await expectJson(jobUrl, { headers })) {
      if (view.state !== 'queued') throw new Error(`streaming job ${view.state}: ${view.error}`);
      await sleep(20);
    }
    await connection.run('CREATE TABLE events (_offset BIGINT NOT NULL, k VARCHAR, v DOUBLE, n BIGINT, ts TIMESTAMP)');
    const insert = await connection.prepare(
      `INSERT INTO events VALUES ${Array.from({ length: BATCH }, () => '(?::BIGINT, ?::VARCHAR, ?::DOUBLE, ?::BIGINT, ?::TIMESTAMP)').join(', ')}`,
    );

    let nextBatch = 0; // of the stream (subject)
    let nextBaseline = 0;
    const append = async (body) => {
      const res = await request(`${c.httpUrl}/api/v1/streams/events/records`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/x-ndjson' },
        body,
      });
      if (res.status !== 200) throw new Error(`append: HTTP ${res.status} ${res.text}`);
      return res.json.lastOffset;
    };
    const offset = async () => (await expectJson(jobUrl, { headers })).offset ?? 0;
    const latencies = [];

    const subject = async (r) => {
      const count = r < 0 ? Math.max(2, perRound / 5) : perRound;
      const work = batches(nextBatch, count);
      nextBatch += count;
      // Throughput: `appenders` clients appending as fast as they are answered.
      const t0 = performance.now();
      let i = 0;
      let last = 0;
      await Promise.all(
        Array.from({ length: appenders }, async () => {
          while (i < work.length) last = Math.max(last, await append(work[i++].ndjson));
        }),
      );
      const appendedAt = performance.now();
      while ((await offset()) < last) await sleep(20);
      const seconds = (performance.now() - t0) / 1000;

      // Latency: one batch every paceMs while a poller watches the committed offset.
      const pacedWork = batches(nextBatch, paced);
      nextBatch += paced;
      const observations = [];
      let polling = true;
      const poller = (async () => {
        while (polling) {
          const value = await offset();
          observations.push({ at: performance.now(), offset: value });
          await sleep(10);
        }
      })();
      const sent = [];
      for (const b of pacedWork) {
        const at = performance.now();
        const lastOffset = await append(b.ndjson);
        sent.push({ at, lastOffset });
        await sleep(Math.max(0, paceMs - (performance.now() - at)));
      }
      const finalOffset = sent[sent.length - 1].lastOffset;
      while (!observations.some((o) => o.offset >= finalOffset)) await sleep(10);
      polling = false;
      await poller;
      const roundLatencies = sent.map((s) => {
        const seen = observations.find((o) => o.at >= s.at && o.offset >= s.lastOffset);
        return seen.at - s.at;
      });
      if (r >= 0) latencies.push(...roundLatencies);
      return {
        recordsPerSec: (count * BATCH) / seconds,
        appendOnlyPerSec: (count * BATCH) / ((appendedAt - t0) / 1000),
        seconds,
        visibleP95Ms: percentile(roundLatencies, 95),
      };
    };

    const baseline = async (r) => {
      const count = r < 0 ? Math.max(2, perRound / 5) : perRound;
      const work = batches(nextBaseline, count);
      nextBaseline += count;
      const t0 = performance.now();
      for (const b of work) {
        insert.bind(b.values);
        await insert.run();
      }
      const seconds = (performance.now() - t0) / 1000;
      return { recordsPerSec: (count * BATCH) / seconds, seconds };
    };

    const results = await interleave({
      rounds,
      log,
      variants: [
        { key: 'subject', run: subject },
        { key: 'baseline', run: baseline },
      ],
    });
    const final = await expectJson(jobUrl, { headers });
    return {
      figures: {
        visibleRps: figure('appended and visible in the sink', 'records/s', results.subject.map((x) => x.recordsPerSec)),
        appendRps: figure('appended (answered 200)', 'records/s', results.subject.map((x) => x.appendOnlyPerSec)),
        baselineRps: figure('direct INSERT through @duckdb/node-api', 'records/s', results.baseline.map((x) => x.recordsPerSec)),
        visibleP95: figure('append → visible p95, per round', 'ms', results.subject.map((x) => x.visibleP95Ms), 'lower'),
      },
      checks: [
        check('visible records/s / direct INSERT', ratio(medianOf(results.subject, 'recordsPerSec'), medianOf(results.baseline, 'recordsPerSec')), '>=', 0.5),
        check(`append → visible p95 (${latencies.length} batches, ms)`, percentile(latencies, 95), '<=', 1000),
      ],
      info: {
        'appended records/s / direct INSERT': ratio(medianOf(results.subject, 'appendOnlyPerSec'), medianOf(results.baseline, 'recordsPerSec')),
        'append → visible p50 (ms)': percentile(latencies, 50),
        'append → visible max (ms)': percentile(latencies, 100),
        'records folded by the job': final.recordsProcessed,
      },
      notes: [
        `Stream (k VARCHAR, v DOUBLE, n BIGINT, ts TIMESTAMP); job: SELECT k, count(*), sum(v), max(ts) … GROUP BY k (1,000 keys); KRISHIV_STREAMING_TICK_MS default (200).`,
        `Throughput: ${perRound} batches of ${BATCH} per round from ${appenders} concurrent clients, timed until the job's committed offset covers the last record. Latency: ${paced} batches per round, one every ${paceMs} ms, while the job view is polled every 10 ms; a batch is visible at the first poll answer whose offset covers it.`,
        `Baseline: one prepared ${BATCH}-row INSERT (typed placeholders, like the coordinator's) reused for every batch, into a table of the same columns plus _offset in a DuckDB file.`,
      ],
      raw: results,
    };
  } finally {
    connection.closeSync();
    instance.closeSync();
    rmSync(basePath, { force: true });
    rmSync(`${basePath}.wal`, { force: true });
    await c.stop();
  }
}
