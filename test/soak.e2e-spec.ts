import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import { Role, roleAllows } from '../src/access/principal';
import { Action, requiredRole } from '../src/access/permissions';
import { Coordinator, REPO_ROOT, startCoordinator } from './support/coordinator';
import { services } from './support/grpc';
import { metricValue, RestApi, scrape } from './support/jobs';
import { OIDC_AUDIENCE, OidcProvider, startOidcProvider } from './support/oidc';
import { expectNoSecretsIn } from './support/secrets';
import { createStream, expectStatus, percentile } from './support/streaming';

/**
 * Load and soak: CLIENTS concurrent clients against one coordinator for KRISHIV_SOAK_SECS
 * (120 with `npm run test:soak`; 35 inside `npm test`), half over REST (fetch, keep-alive)
 * and half over gRPC, as reader, writer and admin (OIDC tokens from the test provider, and the
 * service token), one request in twenty with a bad token. Every answer must be the one the
 * permission table predicts; resident memory must stay flat after warm-up.
 */

const CLIENTS = 200;
const DURATION_SECS = Number(process.env.KRISHIV_SOAK_SECS ?? 35);
const FULL = DURATION_SECS >= 120;
const BAD_TOKEN_SHARE = 0.05;
const SAMPLE_EVERY_MS = 1_000;
const REPORT = join(REPO_ROOT, 'test-output', `soak-report-${DURATION_SECS}s.json`);
/** gRPC clients are spread over this many HTTP/2 connections. */
const GRPC_CHANNELS = 4;
/** Appends to one stream are serialized (consecutive offsets): clients spread over several. */
const STREAMS = ['soak_events_0', 'soak_events_1', 'soak_events_2', 'soak_events_3'];

/**
 * Memory after warm-up. The full soak holds resident memory (RSS) to the contract: its peak in
 * the second minute is under 10% above its peak in the half-minute before. RSS follows V8's
 * committed heap, which under this load grows and shrinks by tens of MiB for a minute or more
 * (sound builds: +23% and +24% RSS between 10 s and 35 s; a full run's RSS fell by 50 MiB at 70 s
 * and rose again at 100 s while everything else stayed flat). So both runs also check retained
 * memory, which leaves that headroom out: RSS minus V8's committed heap, plus the heap's live set
 * (its lowest use in the window, i.e. after a collection), compared between a window after
 * warm-up and one at the end. Native and Buffer memory count in full, JS objects by what survives
 * collection; it also holds the engine's buffer pool and SQLite's page cache, which grow with the
 * records and jobs the soak writes (a 120 s run at about 1,300 requests/s measured RSS +6.2% and
 * retained +10.7%). Full run: RSS under 10% (the contract) and retained under 15%. Short run:
 * retained under 20%, between what sound builds measured (+3% to +8%, once +17.5% on a
 * clean-clone CI run at about 1,350 requests/s) and what a leak of 4 KiB per authenticated request
 * (a Buffer kept per call) measured (+35% at about 800 requests/s; a leak grows with the rate).
 */
const WARMUP_SECS = FULL ? 60 : 10;
/** Width of the two windows compared (each should hold a full collection): after warm-up, at the end. */
const WINDOW_SECS = FULL ? 15 : 10;
const MAX_RSS_GROWTH = 0.1;
const MAX_RETAINED_GROWTH = FULL ? 0.15 : 0.2;

type Transport = 'rest' | 'grpc';
type Principal = 'reader' | 'writer' | 'admin' | 'service' | 'bad';

interface Sample {
  kind: string;
  transport: Transport;
  principal: Principal;
  status: string;
  ms: number;
  expected: boolean;
}

interface Operation {
  kind: string;
  action: Action;
  /** Success answers: HTTP status, and OK on gRPC. */
  restOk: number;
  rest: (ctx: OpContext) => { method: string; path: string; body?: unknown };
  grpc: (ctx: OpContext) => { service: string; method: string; request: object };
  weight: number;
}

interface OpContext {
  client: number;
  jobId: () => string | undefined;
}

const OPERATIONS: Operation[] = [
  {
    kind: 'whoami',
    action: 'auth:whoami',
    restOk: 200,
    weight: 3,
    rest: () => ({ method: 'GET', path: '/api/v1/auth/whoami' }),
    grpc: () => ({ service: 'AuthService', method: 'WhoAmI', request: {} }),
  },
  {
    kind: 'query',
    action: 'query:read',
    restOk: 200,
    weight: 4,
    rest: (c) => ({
      method: 'POST',
      path: '/api/v1/query',
      body: {
        sql: `SELECT count(*) AS n, sum(v) AS s FROM soak_data WHERE v % ${(c.client % 7) + 2} = 0`,
      },
    }),
    grpc: (c) => ({
      service: 'QueryService',
      method: 'ExecuteQuery',
      request: { sql: `SELECT max(v) AS m FROM soak_data WHERE v < ${c.client * 10}` },
    }),
  },
  {
    kind: 'job-submit',
    action: 'jobs:submit',
    restOk: 202,
    weight: 1,
    rest: (c) => ({
      method: 'POST',
      path: '/api/v1/jobs',
      body: { sql: 'SELECT v, v * 2 AS w FROM soak_data LIMIT 20', name: `soak-${c.client}` },
    }),
    grpc: (c) => ({
      service: 'JobService',
      method: 'SubmitJob',
      request: { sql: 'SELECT sum(v) AS s FROM soak_data', name: `soak-${c.client}` },
    }),
  },
  {
    kind: 'job-list',
    action: 'jobs:list',
    restOk: 200,
    weight: 2,
    rest: () => ({ method: 'GET', path: '/api/v1/jobs?pageSize=20' }),
    grpc: () => ({ service: 'JobService', method: 'ListJobs', request: { pageSize: 20 } }),
  },
  {
    kind: 'job-get',
    action: 'jobs:read',
    restOk: 200,
    weight: 2,
    rest: (c) => ({ method: 'GET', path: `/api/v1/jobs/${c.jobId()}` }),
    grpc: (c) => ({ service: 'JobService', method: 'GetJob', request: { id: c.jobId() } }),
  },
  {
    kind: 'stream-append',
    action: 'streams:write',
    restOk: 200,
    weight: 1,
    rest: (c) => ({
      method: 'POST',
      path: `/api/v1/streams/${STREAMS[c.client % STREAMS.length]}/records`,
      body: Array.from({ length: 10 }, (_, i) => ({ client: c.client, n: i, note: 'rest' })),
    }),
    grpc: (c) => ({
      service: 'StreamService',
      method: 'AppendRecords',
      request: {
        name: STREAMS[c.client % STREAMS.length],
        records: Array.from({ length: 10 }, (_, i) => ({
          fields: {
            client: { intValue: String(c.client) },
            n: { intValue: String(i) },
            note: { stringValue: 'grpc' },
          },
        })),
      },
    }),
  },
  {
    kind: 'stream-list',
    action: 'streams:list',
    restOk: 200,
    weight: 1,
    rest: () => ({ method: 'GET', path: '/api/v1/streams' }),
    grpc: () => ({ service: 'StreamService', method: 'ListStreams', request: {} }),
  },
];

const ROLE_OF: Record<Exclude<Principal, 'bad'>, Role> = {
  reader: 'reader',
  writer: 'writer',
  admin: 'admin',
  service: 'admin',
};

const pick = <T>(items: T[], weight: (t: T) => number): T => {
  const total = items.reduce((sum, t) => sum + weight(t), 0);
  let r = Math.random() * total;
  for (const t of items) {
    r -= weight(t);
    if (r < 0) return t;
  }
  return items[items.length - 1];
};

describe(`soak: ${CLIENTS} clients for ${DURATION_SECS} s`, () => {
  const serviceToken = randomBytes(32).toString('base64url');
  let oidc: OidcProvider;
  let coordinator: Coordinator;
  const tokens = {} as Record<Exclude<Principal, 'bad'>, string>;
  let badTokens: string[] = [];
  const grpcClients: Record<string, grpc.Client>[] = [];

  beforeAll(async () => {
    oidc = await startOidcProvider();
    coordinator = await startCoordinator({
      env: {
        KRISHIV_OIDC_ISSUER: oidc.issuer,
        KRISHIV_OIDC_AUDIENCE: OIDC_AUDIENCE,
        KRISHIV_COORDINATOR_BEARER_TOKEN: serviceToken,
        KRISHIV_EXECUTOR_SLOTS: '4',
        KRISHIV_LOG_LEVEL: 'warn',
      },
    });
    tokens.reader = await oidc.token('reader-client');
    tokens.writer = await oidc.token('writer-client');
    tokens.admin = await oidc.token('admin-client');
    tokens.service = serviceToken;
    const [h, p, s] = tokens.reader.split('.');
    badTokens = [
      randomBytes(32).toString('base64url'),
      `${h}.${p}.${s.slice(0, -8)}${'A'.repeat(8)}`,
      `${h}.${Buffer.from('{"sub":"mallory","https://krishiv/roles":["admin"]}').toString('base64url')}.${s}`,
      `${serviceToken.slice(0, -1)}x`,
    ];
    const admin = new RestApi(coordinator.httpUrl, serviceToken);
    expectStatus(
      await admin.query('CREATE TABLE soak_data AS SELECT range AS v FROM range(10000)'),
      200,
    );
    for (const stream of STREAMS) {
      await createStream(admin, stream, [
        { name: 'client', type: 'INTEGER' },
        { name: 'n', type: 'INTEGER' },
        { name: 'note', type: 'VARCHAR' },
      ]);
    }
    for (let i = 0; i < GRPC_CHANNELS; i++) {
      const set: Record<string, grpc.Client> = {};
      for (const name of ['AuthService', 'QueryService', 'JobService', 'StreamService']) {
        // A local subchannel pool per set gives each its own connection.
        set[name] = new services[name](coordinator.grpcAddress, grpc.credentials.createInsecure(), {
          'grpc.use_local_subchannel_pool': 1,
        });
      }
      grpcClients.push(set);
    }
  });

  afterAll(async () => {
    for (const set of grpcClients) for (const c of Object.values(set)) c.close();
    if (coordinator) {
      expectNoSecretsIn(coordinator.logs(), [...Object.values(tokens), ...badTokens]);
      await coordinator.stop();
    }
    await oidc?.stop();
  });

  it(
    'answers every request as the permission table says, with no 5xx, and keeps memory flat',
    async () => {
      const samples: Sample[] = [];
      const jobIds: string[] = [];
      const resources: {
        t: number;
        rssBytes: number;
        heapUsedBytes: number;
        heapTotalBytes: number;
        externalBytes: number;
        engineBytes: number;
        eventLoopLagSecs: number;
      }[] = [];
      const admin = new RestApi(coordinator.httpUrl, serviceToken);
      const started = performance.now();
      const deadline = started + DURATION_SECS * 1000;
      const elapsedSecs = () => (performance.now() - started) / 1000;

      const rest = async (op: Operation, ctx: OpContext, token: string): Promise<string> => {
        const call = op.rest(ctx);
        const headers: Record<string, string> = {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
        };
        if (call.body !== undefined) headers['content-type'] = 'application/json';
        const response = await fetch(coordinator.httpUrl + call.path, {
          method: call.method,
          headers,
          body: call.body === undefined ? undefined : JSON.stringify(call.body),
        });
        const text = await response.text();
        if (op.kind === 'job-submit' && response.status === 202) {
          jobIds.push((JSON.parse(text) as { id: string }).id);
        }
        return String(response.status);
      };

      const rpc = (op: Operation, ctx: OpContext, token: string): Promise<string> => {
        const call = op.grpc(ctx);
        const client = grpcClients[ctx.client % GRPC_CHANNELS][call.service] as any;
        const metadata = new grpc.Metadata();
        metadata.set('authorization', `Bearer ${token}`);
        const method = call.method.charAt(0).toLowerCase() + call.method.slice(1);
        return new Promise((resolve) => {
          client[method](
            call.request,
            metadata,
            { deadline: Date.now() + 30_000 },
            (err: grpc.ServiceError | null, response: any) => {
              if (!err && op.kind === 'job-submit') jobIds.push(response.id);
              resolve(grpc.status[err ? err.code : grpc.status.OK]);
            },
          );
        });
      };

      const expectedOf = (op: Operation, transport: Transport, principal: Principal): string[] => {
        if (principal === 'bad') {
          // The auth-failure throttle may answer instead of the verifier; both refuse.
          return transport === 'rest' ? ['401', '429'] : ['UNAUTHENTICATED', 'RESOURCE_EXHAUSTED'];
        }
        const allowed = roleAllows(ROLE_OF[principal], requiredRole(op.action));
        if (transport === 'rest') return [allowed ? String(op.restOk) : '403'];
        return [allowed ? 'OK' : 'PERMISSION_DENIED'];
      };

      const client = async (index: number) => {
        const ctx: OpContext = {
          client: index,
          jobId: () => jobIds[Math.floor(Math.random() * jobIds.length)],
        };
        while (performance.now() < deadline) {
          let op = pick(OPERATIONS, (o) => o.weight);
          if (op.kind === 'job-get' && jobIds.length === 0) op = OPERATIONS[0];
          const transport: Transport = index % 2 === 0 ? 'rest' : 'grpc';
          const principal: Principal =
            Math.random() < BAD_TOKEN_SHARE
              ? 'bad'
              : pick<Principal>(['reader', 'writer', 'admin', 'service'], () => 1);
          const token =
            principal === 'bad'
              ? badTokens[Math.floor(Math.random() * badTokens.length)]
              : tokens[principal];
          const t0 = performance.now();
          let status: string;
          try {
            status = transport === 'rest' ? await rest(op, ctx, token) : await rpc(op, ctx, token);
          } catch (err) {
            status = `error: ${(err as Error).message}`;
          }
          samples.push({
            kind: op.kind,
            transport,
            principal,
            status,
            ms: performance.now() - t0,
            expected: expectedOf(op, transport, principal).includes(status),
          });
        }
      };

      const sampler = (async () => {
        while (performance.now() < deadline) {
          const metrics = await scrape(coordinator.httpUrl);
          // The engine's own buffer memory, to tell its caching apart from the process's heap.
          const engine = await admin.query(
            'SELECT sum(memory_usage_bytes)::BIGINT AS bytes FROM duckdb_memory()',
          );
          resources.push({
            t: elapsedSecs(),
            rssBytes: metricValue(metrics, 'krishiv_process_resident_memory_bytes') ?? NaN,
            heapUsedBytes: metricValue(metrics, 'krishiv_nodejs_heap_size_used_bytes') ?? NaN,
            heapTotalBytes: metricValue(metrics, 'krishiv_nodejs_heap_size_total_bytes') ?? NaN,
            externalBytes: metricValue(metrics, 'krishiv_nodejs_external_memory_bytes') ?? NaN,
            engineBytes: Number(engine.body?.rows?.[0]?.[0] ?? NaN),
            eventLoopLagSecs: metricValue(metrics, 'krishiv_nodejs_eventloop_lag_seconds') ?? NaN,
          });
          await new Promise((r) => setTimeout(r, SAMPLE_EVERY_MS));
        }
      })();

      await Promise.all([...Array.from({ length: CLIENTS }, (_, i) => client(i)), sampler]);
      const seconds = elapsedSecs();
      const final = await scrape(coordinator.httpUrl);

      // ── report ──────────────────────────────────────────────────────────────────────────────
      const byKind: Record<string, Record<string, number>> = {};
      for (const s of samples) {
        const key = `${s.transport} ${s.kind}`;
        byKind[key] ??= {};
        byKind[key][s.status] = (byKind[key][s.status] ?? 0) + 1;
      }
      const latency = (list: Sample[]) => ({
        count: list.length,
        p50Ms: Number(
          percentile(
            list.map((s) => s.ms),
            50,
          ).toFixed(1),
        ),
        p99Ms: Number(
          percentile(
            list.map((s) => s.ms),
            99,
          ).toFixed(1),
        ),
      });
      const kinds = [...new Set(samples.map((s) => `${s.transport} ${s.kind}`))].sort();
      const median = (values: number[]) => percentile(values, 50);
      const inWindow = (from: number, to: number) =>
        resources.filter((r) => r.t >= from && r.t < to);
      const early = inWindow(WARMUP_SECS, WARMUP_SECS + WINDOW_SECS);
      const late = inWindow(seconds - WINDOW_SECS, seconds + 1);
      const retainedOf = (w: typeof resources) =>
        median(w.map((r) => r.rssBytes - r.heapTotalBytes)) +
        Math.min(...w.map((r) => r.heapUsedBytes));
      // RSS follows a sawtooth (V8 grows and shrinks its heap by tens of MiB): a value in a short
      // window depends on where in the cycle it falls, so RSS is compared by its high-water
      // mark: the second part of the run (from WARMUP_SECS) against the half-minute before it.
      const peak = (w: typeof resources) => Math.max(...w.map((r) => r.rssBytes));
      const afterWarmup = peak(inWindow(WARMUP_SECS / 2, WARMUP_SECS));
      const atEnd = peak(inWindow(WARMUP_SECS, seconds + 1));
      const growth = (atEnd - afterWarmup) / afterWarmup;
      const retainedGrowth = (retainedOf(late) - retainedOf(early)) / retainedOf(early);
      const unexpected = samples.filter((s) => !s.expected);
      const mib = (bytes: number) => Number((bytes / 2 ** 20).toFixed(1));
      const report = {
        clients: CLIENTS,
        durationSecs: Number(seconds.toFixed(1)),
        requests: samples.length,
        requestsPerSec: Number((samples.length / seconds).toFixed(1)),
        badTokenRequests: samples.filter((s) => s.principal === 'bad').length,
        latency: {
          all: latency(samples),
          ...Object.fromEntries(
            kinds.map((k) => [k, latency(samples.filter((s) => `${s.transport} ${s.kind}` === k))]),
          ),
        },
        statusByKind: byKind,
        unexpected: unexpected.length,
        unexpectedExamples: unexpected.slice(0, 10),
        eventLoop: {
          lagP50Secs: metricValue(final, 'krishiv_nodejs_eventloop_lag_p50_seconds'),
          lagP99Secs: metricValue(final, 'krishiv_nodejs_eventloop_lag_p99_seconds'),
          lagMaxSecs: metricValue(final, 'krishiv_nodejs_eventloop_lag_max_seconds'),
          sampledLagMaxSecs: Math.max(...resources.map((r) => r.eventLoopLagSecs)),
        },
        rss: {
          warmupSecs: WARMUP_SECS,
          afterWarmupMiB: Number((afterWarmup / 2 ** 20).toFixed(1)),
          atEndMiB: Number((atEnd / 2 ** 20).toFixed(1)),
          growthPercent: Number((growth * 100).toFixed(2)),
          retainedAfterWarmupMiB: mib(retainedOf(early)),
          retainedAtEndMiB: mib(retainedOf(late)),
          retainedGrowthPercent: Number((retainedGrowth * 100).toFixed(2)),
          maxRssGrowthPercent: FULL ? MAX_RSS_GROWTH * 100 : null,
          maxRetainedGrowthPercent: MAX_RETAINED_GROWTH * 100,
          samples: resources.map((r) => ({
            t: Number(r.t.toFixed(1)),
            rssMiB: mib(r.rssBytes),
            heapUsedMiB: mib(r.heapUsedBytes),
            heapTotalMiB: mib(r.heapTotalBytes),
            externalMiB: mib(r.externalBytes),
            engineMiB: mib(r.engineBytes),
          })),
        },
      };
      mkdirSync(join(REPO_ROOT, 'test-output'), { recursive: true });
      writeFileSync(REPORT, JSON.stringify(report, null, 2));
      const table = kinds
        .map((k) => {
          const l = report.latency[k as keyof typeof report.latency] as ReturnType<typeof latency>;
          return `  ${k.padEnd(20)} ${String(l.count).padStart(7)}  p50 ${String(l.p50Ms).padStart(7)} ms  p99 ${String(l.p99Ms).padStart(7)} ms  ${JSON.stringify(byKind[k])}`;
        })
        .join('\n');
      console.log(
        `soak: ${report.requests} requests in ${report.durationSecs} s (${report.requestsPerSec}/s) from ${CLIENTS} clients, ` +
          `${report.badTokenRequests} with bad tokens; p50 ${report.latency.all.p50Ms} ms, p99 ${report.latency.all.p99Ms} ms\n${table}\n` +
          `event loop lag p99 ${report.eventLoop.lagP99Secs} s (max ${report.eventLoop.lagMaxSecs} s); ` +
          `RSS peak ${report.rss.afterWarmupMiB} MiB before ${WARMUP_SECS} s → ${report.rss.atEndMiB} MiB after (${report.rss.growthPercent}%); ` +
          `retained ${report.rss.retainedAfterWarmupMiB} → ${report.rss.retainedAtEndMiB} MiB (${report.rss.retainedGrowthPercent}%)\n` +
          `report: ${REPORT}`,
      );

      // ── assertions ──────────────────────────────────────────────────────────────────────────
      expect(unexpected.slice(0, 10)).toEqual([]);
      expect(
        samples.filter((s) => /^5\d\d$|^(INTERNAL|UNKNOWN|UNAVAILABLE|DATA_LOSS)$/.test(s.status)),
      ).toEqual([]);
      // Load enough to mean something, with every kind exercised on both transports.
      expect(samples.length).toBeGreaterThan(CLIENTS * DURATION_SECS);
      expect(kinds.length).toBe(OPERATIONS.length * 2);
      expect(report.badTokenRequests).toBeGreaterThan(0);
      expect(coordinator.process.exitCode).toBeNull();
      expect(Number.isFinite(growth) && Number.isFinite(retainedGrowth)).toBe(true);
      expect(retainedGrowth).toBeLessThan(MAX_RETAINED_GROWTH);
      if (FULL) expect(growth).toBeLessThan(MAX_RSS_GROWTH);
    },
    (DURATION_SECS + 60) * 1000,
  );
});
