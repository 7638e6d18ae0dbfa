// #3 POST /api/v1/query `SELECT 42` (REST) and QueryService.ExecuteQuery (gRPC), against a bare
// Fastify route running the same statement on @duckdb/node-api directly — once with a fresh
// engine connection per request (the coordinator's isolation rule) and once on one shared
// connection.
import { rmSync } from 'node:fs';
import { startBareFastify } from './lib/baselines.mjs';
import { SERVICE_TOKEN, startCoordinator } from './lib/coordinator.mjs';
import { check, figure, interleave, medianOf } from './lib/harness.mjs';
import { bearer, expectJson } from './lib/http.mjs';
import { grpcClient, grpcLoad, grpcMetadata, httpLoad, unary } from './lib/load.mjs';
import { tmpPath } from './lib/paths.mjs';
import { ratio } from './lib/stats.mjs';

export const id = 3;
export const title = 'SELECT 42 over REST and gRPC';
export const goal = '≥ 0.6 of a bare Fastify route on @duckdb/node-api';

const SQL = 'SELECT 42';

export async function run({ quick, rounds, log }) {
  const duration = quick ? 1 : 4;
  const connections = 32;
  const coordinator = await startCoordinator({ name: 'b3', env: { KRISHIV_COORDINATOR_BEARER_TOKEN: SERVICE_TOKEN } });
  const stamp = Date.now().toString(36);
  const files = [tmpPath(`b3-${stamp}-a.duckdb`), tmpPath(`b3-${stamp}-b.duckdb`)];
  const perRequest = await startBareFastify('duckdb', {
    BENCH_DUCKDB_PATH: files[0],
    BENCH_DUCKDB_CONNECTION: 'per-request',
  });
  const shared = await startBareFastify('duckdb', {
    BENCH_DUCKDB_PATH: files[1],
    BENCH_DUCKDB_CONNECTION: 'shared',
  });
  const client = grpcClient(coordinator.grpcAddress, 'QueryService');
  try {
    const headers = { ...bearer(SERVICE_TOKEN), 'content-type': 'application/json' };
    const rest = await expectJson(`${coordinator.httpUrl}/api/v1/query`, { method: 'POST', headers, body: { sql: SQL } });
    if (rest.rows?.[0]?.[0] !== 42) throw new Error(`query answered ${JSON.stringify(rest)}`);
    const metadata = grpcMetadata(SERVICE_TOKEN);
    const viaGrpc = await unary(client, 'executeQuery', { sql: SQL }, metadata);
    if (viaGrpc.rows?.[0]?.values?.[0]?.intValue !== '42') throw new Error(`ExecuteQuery answered ${JSON.stringify(viaGrpc)}`);
    for (const b of [perRequest, shared]) {
      const res = await expectJson(`${b.url}/query`, { method: 'POST', body: { sql: SQL } });
      if (res.rows?.[0]?.[0] !== 42) throw new Error(`bare route answered ${JSON.stringify(res)}`);
    }
    const d = (r) => (r < 0 ? duration / 2 : duration);
    const post = (url, h) => (r) => httpLoad({ url, method: 'POST', headers: h, body: { sql: SQL }, connections, duration: d(r) });
    const results = await interleave({
      rounds,
      log,
      variants: [
        { key: 'rest', run: post(`${coordinator.httpUrl}/api/v1/query`, headers) },
        { key: 'barePerRequest', run: post(`${perRequest.url}/query`, { 'content-type': 'application/json' }) },
        {
          key: 'grpc',
          run: (r) =>
            grpcLoad({ call: () => unary(client, 'executeQuery', { sql: SQL }, metadata, 30_000), inFlight: connections, durationMs: d(r) * 1000 }),
        },
        { key: 'bareShared', run: post(`${shared.url}/query`, { 'content-type': 'application/json' }) },
      ],
    });
    const rps = (k) => medianOf(results[k], 'rps');
    const failures = Object.entries(results).flatMap(([key, rs]) =>
      rs.filter((r) => r.non2xx || r.errors || r.failed).map((r) => `${key}: ${r.non2xx ?? r.failed} failed`),
    );
    return {
      figures: {
        restRps: figure('coordinator REST /api/v1/query', 'req/s', results.rest.map((r) => r.rps)),
        grpcRps: figure('coordinator gRPC ExecuteQuery', 'calls/s', results.grpc.map((r) => r.rps)),
        barePerRequestRps: figure('bare Fastify + DuckDB, connection per request', 'req/s', results.barePerRequest.map((r) => r.rps)),
        bareSharedRps: figure('bare Fastify + DuckDB, one shared connection', 'req/s', results.bareShared.map((r) => r.rps)),
        restP99: figure('coordinator REST p99', 'ms', results.rest.map((r) => r.p99), 'lower'),
        grpcP99: figure('coordinator gRPC p99', 'ms', results.grpc.map((r) => r.p99), 'lower'),
        barePerRequestP99: figure('bare, connection per request, p99', 'ms', results.barePerRequest.map((r) => r.p99), 'lower'),
        bareSharedP99: figure('bare, shared connection, p99', 'ms', results.bareShared.map((r) => r.p99), 'lower'),
      },
      checks: [
        check('REST / bare (connection per request)', ratio(rps('rest'), rps('barePerRequest')), '>=', 0.6),
        check('gRPC / bare (connection per request)', ratio(rps('grpc'), rps('barePerRequest')), '>=', 0.6),
        check('REST / bare (shared connection)', ratio(rps('rest'), rps('bareShared')), '>=', 0.6),
        check('gRPC / bare (shared connection)', ratio(rps('grpc'), rps('bareShared')), '>=', 0.6),
      ],
      info: {},
      notes: [
        `REST: autocannon, ${connections} connections, ${duration} s per run. gRPC: one client holding ${connections} calls in flight. Service token.`,
        'Both baselines use a persistent DuckDB database file, like the coordinator.',
        ...(failures.length ? [`Failed requests: ${failures.join('; ')}`] : []),
      ],
      raw: results,
    };
  } finally {
    client.close();
    await Promise.all([coordinator.stop(), perRequest.stop(), shared.stop()]);
    for (const file of files) for (const path of [file, `${file}.wal`]) rmSync(path, { force: true });
  }
}
