// #4 1,000,000 rows × (BIGINT, DOUBLE, VARCHAR, TIMESTAMP) fetched through REST JSON, REST CSV,
// gRPC and job result paging, against @duckdb/node-api reading the same rows in-process and
// serialising them to JSON. Every coordinator measurement runs in a freshly started process on
// the same data dir, so its peak RSS (VmHWM) belongs to that one transfer.
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SERVICE_TOKEN, startCoordinator } from './lib/coordinator.mjs';
import { check, figure, interleave, medianOf } from './lib/harness.mjs';
import { bearer, expectJson, request, sleep } from './lib/http.mjs';
import { grpcClient, grpcMetadata, grpcPackage, rawServerStream, rawUnary, unary } from './lib/load.mjs';
import { REPO_ROOT, tmpPath } from './lib/paths.mjs';
import { ratio } from './lib/stats.mjs';
import { resetPeak } from './lib/sysinfo.mjs';

const require = createRequire(join(REPO_ROOT, 'package.json'));
const { DuckDBInstance } = require('@duckdb/node-api');

export const id = 4;
export const title = 'Bulk rows: REST JSON, REST CSV, gRPC, job result paging';
export const goal = '≥ 0.5 rows/s of in-process @duckdb/node-api → JSON; coordinator peak RSS ≤ 1 GiB';

const GiB = 2 ** 30;
const PAGE = 10_000;

const createTable = (n) =>
  `CREATE TABLE big AS SELECT range::BIGINT AS id, range * 1.5 AS x, 'row-' || range AS s, ` +
  `TIMESTAMP '2026-01-01 00:00:00' + to_seconds(range) AS ts FROM range(${n})`;

export async function run({ quick, rounds, log }) {
  const rows = quick ? 100_000 : 1_000_000;
  const env = { KRISHIV_COORDINATOR_BEARER_TOKEN: SERVICE_TOKEN, KRISHIV_QUERY_MAX_ROWS: String(rows) };
  const headers = bearer(SERVICE_TOKEN);
  const setup = await startCoordinator({ name: 'b4', env });
  const dataDir = setup.dataDir;
  await expectJson(`${setup.httpUrl}/api/v1/query`, { method: 'POST', headers, body: { sql: createTable(rows) } });
  await setup.stop({ keepData: true });

  const basePath = tmpPath(`b4-${Date.now().toString(36)}.duckdb`);
  const instance = await DuckDBInstance.create(basePath);
  const setupConnection = await instance.connect();
  await setupConnection.run(createTable(rows));
  await setupConnection.run('CHECKPOINT');
  setupConnection.closeSync();

  const requestType = grpcPackage().QueryService.service.ExecuteQuery;
  const streamType = grpcPackage().QueryService.service.ExecuteQueryStream;
  const sqlFor = (r) => (r < 0 ? `SELECT * FROM big LIMIT ${rows / 10}` : 'SELECT * FROM big');
  const expected = (r) => (r < 0 ? rows / 10 : rows);

  // Quick mode shares one coordinator (its peak RSS is reset before each transfer) to stay short.
  const shared = quick ? await startCoordinator({ name: 'b4', env, dataDir }) : undefined;

  /** Starts a coordinator on the data dir, runs `fetch`, and reports rows/s and peak RSS. */
  const measured = (fetch) => async (r) => {
    const c = shared ?? (await startCoordinator({ name: 'b4', env, dataDir }));
    try {
      if (shared) resetPeak(c.pid);
      else await sleep(300);
      const t0 = performance.now();
      const detail = await fetch(c, r);
      const seconds = (performance.now() - t0) / 1000;
      const mem = c.memory();
      return { rowsPerSec: expected(r) / seconds, seconds, peakRss: mem.peak, ...detail };
    } finally {
      if (!shared) await c.stop();
    }
  };

  const restJson = measured(async (c, r) => {
    const res = await request(`${c.httpUrl}/api/v1/query`, {
      method: 'POST',
      headers,
      body: { sql: sqlFor(r), maxRows: rows },
      discard: true,
    });
    const count = /"rowCount":(\d+)/.exec(res.tail)?.[1];
    if (res.status !== 200 || Number(count) !== expected(r)) throw new Error(`REST JSON: HTTP ${res.status}, rowCount ${count}`);
    return { bytes: res.bytes };
  });
  const restCsv = measured(async (c, r) => {
    const res = await request(`${c.httpUrl}/api/v1/query`, {
      method: 'POST',
      headers: { ...headers, accept: 'text/csv' },
      body: { sql: sqlFor(r), maxRows: rows },
      discard: true,
      countLines: true,
    });
    if (res.status !== 200 || res.lines - 1 !== expected(r)) throw new Error(`REST CSV: HTTP ${res.status}, ${res.lines - 1} rows`);
    return { bytes: res.bytes };
  });
  const viaGrpc = measured(async (c, r) => {
    const client = grpcClient(c.grpcAddress, 'QueryService');
    try {
      const metadata = grpcMetadata(SERVICE_TOKEN);
      const request = { sql: sqlFor(r), maxRows: rows };
      if (r < 0) {
        // The warm-up decodes the answer to check it; timed rounds leave decoding to no one.
        const res = await unary(client, 'executeQuery', request, metadata);
        if (Number(res.rowCount) !== expected(r) || res.rows.length !== expected(r)) throw new Error(`gRPC: rowCount ${res.rowCount}`);
        return { bytes: 0 };
      }
      const bytes = await rawUnary(client, '/krishiv.coordinator.v1.QueryService/ExecuteQuery', request, { serialize: requestType.requestSerialize }, metadata);
      return { bytes };
    } finally {
      client.close();
    }
  });
  const viaGrpcStream = measured(async (c, r) => {
    const client = grpcClient(c.grpcAddress, 'QueryService');
    try {
      const request = { sql: sqlFor(r), maxRows: rows };
      const res = await rawServerStream(client, '/krishiv.coordinator.v1.QueryService/ExecuteQueryStream', request, { serialize: requestType.requestSerialize }, grpcMetadata(SERVICE_TOKEN));
      // Only the last message (the totals) is decoded, to check the row count.
      const totals = streamType.responseDeserialize(res.last);
      if (!totals.done || Number(totals.rowCount) !== expected(r)) throw new Error(`gRPC stream: rowCount ${totals.rowCount}`);
      return { bytes: res.bytes, messages: res.messages };
    } finally {
      client.close();
    }
  });
  const paging = measured(async (c, r) => {
    const t0 = performance.now();
    const job = await expectJson(`${c.httpUrl}/api/v1/jobs`, { method: 'POST', headers, body: { sql: sqlFor(r) } }, [202]);
    for (;;) {
      const view = await expectJson(`${c.httpUrl}/api/v1/jobs/${job.id}`, { headers });
      if (view.state === 'succeeded') break;
      if (view.state === 'failed' || view.state === 'cancelled') throw new Error(`job ${view.state}: ${view.error}`);
      await sleep(10);
    }
    const jobSeconds = (performance.now() - t0) / 1000;
    let bytes = 0;
    let pages = 0;
    let total = Infinity;
    for (let offset = 0; offset < total; offset += PAGE) {
      const res = await request(`${c.httpUrl}/api/v1/jobs/${job.id}/result?offset=${offset}&limit=${PAGE}`, { headers, discard: true });
      if (res.status !== 200) throw new Error(`result page at ${offset}: HTTP ${res.status} ${res.tail}`);
      total = Number(res.headers['x-krishiv-total-rows']);
      bytes += res.bytes;
      pages++;
    }
    if (total !== expected(r)) throw new Error(`job result: ${total} rows`);
    return { bytes, pages, jobSeconds, pagingSeconds: (performance.now() - t0) / 1000 - jobSeconds };
  });
  const baseline = async (r) => {
    const t0 = performance.now();
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll(sqlFor(r));
    const json = JSON.stringify({ rows: reader.getRowsJson() });
    connection.closeSync();
    const seconds = (performance.now() - t0) / 1000;
    if (reader.currentRowCount !== expected(r)) throw new Error(`baseline read ${reader.currentRowCount} rows`);
    return { rowsPerSec: expected(r) / seconds, seconds, bytes: json.length };
  };

  try {
    const results = await interleave({
      rounds,
      log,
      warmup: 1,
      variants: [
        { key: 'restJson', run: restJson },
        { key: 'baseline', run: baseline },
        { key: 'restCsv', run: restCsv },
        { key: 'grpc', run: viaGrpc },
        { key: 'grpcStream', run: viaGrpcStream },
        { key: 'paging', run: paging },
      ],
    });
    const rps = (k) => medianOf(results[k], 'rowsPerSec');
    const peak = (k) => Math.max(...results[k].map((x) => x.peakRss));
    const subjects = [
      ['restJson', 'REST JSON'],
      ['restCsv', 'REST CSV'],
      ['grpc', 'gRPC ExecuteQuery'],
      ['grpcStream', 'gRPC ExecuteQueryStream'],
      ['paging', 'job + result paging (10,000 rows/page)'],
    ];
    const figures = {};
    for (const [k, label] of subjects) {
      figures[`${k}RowsPerSec`] = figure(label, 'rows/s', results[k].map((x) => x.rowsPerSec));
    }
    figures.baselineRowsPerSec = figure('in-process @duckdb/node-api → JSON.stringify', 'rows/s', results.baseline.map((x) => x.rowsPerSec));
    for (const [k, label] of subjects) {
      figures[`${k}PeakRss`] = figure(`${label}: coordinator peak RSS`, 'MiB', results[k].map((x) => x.peakRss / 2 ** 20), 'lower');
    }
    figures.pagingJobSeconds = figure('job: submit → succeeded', 's', results.paging.map((x) => x.jobSeconds), 'lower');
    figures.pagingPagesSeconds = figure('job: reading every page', 's', results.paging.map((x) => x.pagingSeconds), 'lower');
    return {
      figures,
      checks: [
        ...subjects.map(([k, label]) => check(`${label} rows/s / baseline`, ratio(rps(k), rps('baseline')), '>=', 0.5)),
        ...subjects.map(([k, label]) => check(`${label}: peak RSS (GiB, worst round)`, peak(k) / GiB, '<=', 1)),
      ],
      info: {
        rows,
        'REST JSON bytes': results.restJson[0]?.bytes,
        'REST CSV bytes': results.restCsv[0]?.bytes,
        'gRPC message bytes': results.grpc[0]?.bytes,
        'gRPC stream bytes (messages)': `${results.grpcStream[0]?.bytes} (${results.grpcStream[0]?.messages})`,
        'baseline JSON bytes': results.baseline[0]?.bytes,
      },
      notes: [
        `${rows.toLocaleString('en-US')} rows; KRISHIV_QUERY_MAX_ROWS=${rows}. Times run from sending the request to the last byte received; the client does not parse the body (the gRPC client is given a pass-through deserializer).`,
        quick
          ? 'Quick mode: one coordinator for every transfer, its VmHWM (from /proc/<pid>/status) reset before each.'
          : 'Each coordinator measurement starts a fresh coordinator on the same data dir, so VmHWM (from /proc/<pid>/status) is that transfer\'s peak, startup included.',
        'Job paging = submit, poll until succeeded, then GET …/result in pages of 10,000 (the maximum) one after another.',
      ],
      raw: results,
    };
  } finally {
    await shared?.stop();
    instance.closeSync();
    rmSync(basePath, { force: true });
    rmSync(`${basePath}.wal`, { force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
}
