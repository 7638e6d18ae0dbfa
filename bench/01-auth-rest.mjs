// #1 GET /api/v1/auth/whoami over REST with a real RS256 OIDC token (one token reused) and with a
// service token, against bare Fastify 5 answering a constant JSON, and bare Fastify verifying the
// JWT with jose.jwtVerify and a local key on every request.
import { randomUUID } from 'node:crypto';
import { startBareFastify } from './lib/baselines.mjs';
import { SERVICE_TOKEN, startCoordinator } from './lib/coordinator.mjs';
import { check, figure, interleave, medianOf } from './lib/harness.mjs';
import { bearer, expectJson } from './lib/http.mjs';
import { httpLoad } from './lib/load.mjs';
import { mintToken, rsaKey, startOidcProvider } from './lib/oidc.mjs';
import { ratio } from './lib/stats.mjs';

export const id = 1;
export const title = 'REST whoami: OIDC RS256 token and service token';
export const goal = '≥ 0.6 of bare Fastify throughput; p99 ≤ 2×';

export async function run({ quick, rounds, log }) {
  const duration = quick ? 1 : 4;
  const connections = 32;
  const oidc = await startOidcProvider();
  const coordinator = await startCoordinator({
    name: 'b1',
    env: {
      KRISHIV_OIDC_ISSUER: oidc.issuer,
      KRISHIV_OIDC_AUDIENCE: oidc.audience,
      KRISHIV_COORDINATOR_BEARER_TOKEN: SERVICE_TOKEN,
    },
  });
  const localKey = await rsaKey();
  const localIssuer = 'https://issuer.bench.invalid';
  const bare = await startBareFastify('constant');
  const bareJose = await startBareFastify('jose', {
    BENCH_JWK: JSON.stringify(localKey.jwk),
    BENCH_ISSUER: localIssuer,
    BENCH_AUDIENCE: 'krishiv-bench',
  });
  try {
    const oidcToken = await oidc.token('admin-client');
    const localToken = await mintToken(localKey, {
      iss: localIssuer,
      aud: 'krishiv-bench',
      sub: `user-${randomUUID()}`,
      'https://krishiv/roles': ['admin'],
    });
    const whoami = `${coordinator.httpUrl}/api/v1/auth/whoami`;
    const me = await expectJson(whoami, { headers: bearer(oidcToken) });
    if (me.method !== 'oidc') throw new Error(`whoami with the OIDC token answered ${JSON.stringify(me)}`);
    await expectJson(`${bareJose.url}/whoami`, { headers: bearer(localToken) });

    const load = (url, headers) => (r) => httpLoad({ url, headers, connections, duration: r < 0 ? duration / 2 : duration });
    const results = await interleave({
      rounds,
      log,
      variants: [
        { key: 'oidc', run: load(whoami, bearer(oidcToken)) },
        { key: 'bare', run: load(`${bare.url}/whoami`, {}) },
        { key: 'service', run: load(whoami, bearer(SERVICE_TOKEN)) },
        { key: 'bareJose', run: load(`${bareJose.url}/whoami`, bearer(localToken)) },
      ],
    });
    const failures = Object.entries(results).flatMap(([key, rs]) =>
      rs.filter((r) => r.non2xx || r.errors).map((r) => `${key}: ${r.non2xx} non-2xx, ${r.errors} errors`),
    );
    const rps = (k) => medianOf(results[k], 'rps');
    const p99 = (k) => medianOf(results[k], 'p99');
    return {
      figures: {
        oidcRps: figure('coordinator whoami, OIDC RS256 token', 'req/s', results.oidc.map((r) => r.rps)),
        serviceRps: figure('coordinator whoami, service token', 'req/s', results.service.map((r) => r.rps)),
        bareRps: figure('bare Fastify, constant JSON', 'req/s', results.bare.map((r) => r.rps)),
        bareJoseRps: figure('bare Fastify + jose.jwtVerify', 'req/s', results.bareJose.map((r) => r.rps)),
        oidcP99: figure('coordinator whoami OIDC p99', 'ms', results.oidc.map((r) => r.p99), 'lower'),
        serviceP99: figure('coordinator whoami service-token p99', 'ms', results.service.map((r) => r.p99), 'lower'),
        bareP99: figure('bare Fastify p99', 'ms', results.bare.map((r) => r.p99), 'lower'),
        bareJoseP99: figure('bare Fastify + jose p99', 'ms', results.bareJose.map((r) => r.p99), 'lower'),
      },
      checks: [
        check('OIDC throughput / bare Fastify', ratio(rps('oidc'), rps('bare')), '>=', 0.6),
        check('service-token throughput / bare Fastify', ratio(rps('service'), rps('bare')), '>=', 0.6),
        check('OIDC p99 / bare Fastify p99', ratio(p99('oidc'), p99('bare')), '<=', 2),
        check('service-token p99 / bare Fastify p99', ratio(p99('service'), p99('bare')), '<=', 2),
      ],
      info: {
        'OIDC throughput / bare Fastify + jose': ratio(rps('oidc'), rps('bareJose')),
        'bare Fastify + jose / bare Fastify': ratio(rps('bareJose'), rps('bare')),
      },
      notes: [
        `autocannon, ${connections} connections, ${duration} s per run, pipelining 1; latencies of every response (sub-millisecond, from autocannon's response events).`,
        'The OIDC token comes from the project\'s OpenID Provider (client credentials, RFC 9068 access token) and is reused for every request, so the coordinator\'s verified-token cache is in play; bare Fastify + jose verifies the signature on every request.',
        ...(failures.length ? [`Failed requests: ${failures.join('; ')}`] : []),
      ],
      raw: results,
    };
  } finally {
    await Promise.all([coordinator.stop(), bare.stop(), bareJose.stop(), oidc.stop()]);
  }
}
