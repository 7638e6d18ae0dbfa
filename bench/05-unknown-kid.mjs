// #5 Requests carrying random unknown key ids (10,000 within 10 s) while valid traffic runs,
// against the same valid traffic alone. The JWKS comes from a small counting server, so every key
// fetch the coordinator makes is seen.
import { randomUUID } from 'node:crypto';
import { metricValue, SERVICE_TOKEN, startCoordinator } from './lib/coordinator.mjs';
import { check, figure, interleave, medianOf } from './lib/harness.mjs';
import { bearer, expectJson } from './lib/http.mjs';
import { pacedLoad } from './lib/load.mjs';
import { mintToken, rsaKey, startJwksServer, unknownKidToken } from './lib/oidc.mjs';
import { ratio } from './lib/stats.mjs';

export const id = 5;
export const title = 'Unknown-kid flood beside valid traffic';
export const goal = 'JWKS fetches ≤ 1 per cooldown window; valid p99 ≤ 1.5× of valid traffic alone';

const AUDIENCE = 'krishiv-bench';
const COOLDOWN_SECS = 30;

export async function run({ quick, rounds, log }) {
  const seconds = quick ? 1 : 10;
  const attackRate = 1_000;
  const attackAmount = attackRate * seconds; // 10,000 within 10 s in the full run
  const validRate = 2_000;
  const key = await rsaKey();
  const jwks = await startJwksServer([key.jwk]);
  const coordinator = await startCoordinator({
    name: 'b5',
    env: {
      KRISHIV_OIDC_ISSUER: jwks.issuer,
      KRISHIV_OIDC_JWKS_URI: jwks.jwksUri,
      KRISHIV_OIDC_AUDIENCE: AUDIENCE,
      KRISHIV_OIDC_JWKS_COOLDOWN_SECS: String(COOLDOWN_SECS),
    },
  });
  try {
    const claims = { iss: jwks.issuer, aud: AUDIENCE, sub: `user-${randomUUID()}`, 'https://krishiv/roles': ['reader'] };
    const valid = await mintToken(key, claims);
    const whoami = `${coordinator.httpUrl}/api/v1/auth/whoami`;
    await expectJson(whoami, { headers: bearer(valid) });
    const probe = await (await fetch(whoami, { headers: bearer(unknownKidToken({ ...claims, exp: 4102444800 })) })).status;
    if (probe !== 401) throw new Error(`an unknown-kid token answered ${probe}, expected 401`);

    const validLoad = (r) =>
      pacedLoad({ url: whoami, headers: bearer(valid), rate: validRate, seconds: r < 0 ? seconds / 4 : seconds });
    // Minted before the loads start: making 10,000 tokens takes the load generator ~60 ms, which
    // inside the measured window would delay the valid requests scheduled meanwhile.
    const floodTokens = (amount) => {
      const now = Math.floor(Date.now() / 1000);
      return Array.from({ length: amount }, () => unknownKidToken({ ...claims, iat: now, exp: now + 3600 }));
    };
    const attack = (tokens) =>
      pacedLoad({
        url: whoami,
        rate: attackRate,
        amount: tokens.length,
        headersFor: (i) => ({ authorization: `Bearer ${tokens[i]}` }),
      });
    const fetchesNow = async () => ({
      served: jwks.requests(),
      counted: await metricValue(coordinator.httpUrl, 'krishiv_jwks_fetches_total', { trigger: 'unknown-kid' }),
    });
    const started = Date.now();
    const before = await fetchesNow();
    const results = await interleave({
      rounds,
      log,
      variants: [
        { key: 'alone', run: validLoad },
        {
          // The control: as many extra requests as the flood, but valid ones. It tells the cost
          // of 1,000 more requests per second on these two cores from the cost of refusing them.
          key: 'control',
          run: async (r) => {
            const amount = r < 0 ? Math.round(attackAmount / 4) : attackAmount;
            const [v] = await Promise.all([
              validLoad(r),
              pacedLoad({ url: whoami, headers: bearer(valid), rate: attackRate, amount }),
            ]);
            return { p99: v.p99, rps: v.rps };
          },
        },
        {
          key: 'flood',
          run: async (r) => {
            const amount = r < 0 ? Math.round(attackAmount / 4) : attackAmount;
            const tokens = floodTokens(amount);
            const f0 = await fetchesNow();
            const [v, a] = await Promise.all([validLoad(r), attack(tokens)]);
            const f1 = await fetchesNow();
            return {
              p99: v.p99,
              rps: v.rps,
              validNon2xx: v.non2xx,
              attackSent: a.total,
              attack401: a.statusCodes['401'] ?? 0,
              attackSeconds: a.activeSeconds,
              jwksFetches: f1.served - f0.served,
              unknownKidFetches: f1.counted - f0.counted,
            };
          },
        },
      ],
    });
    const after = await fetchesNow();
    const throttled = await throttledFlood({ jwks, key, claims, seconds, attackRate, validRate, rounds, log });
    const elapsedSecs = (Date.now() - started) / 1000;
    const windows = Math.ceil(elapsedSecs / COOLDOWN_SECS);
    const totalFetches = after.served - before.served;
    const worstRound = Math.max(...results.flood.map((x) => x.jwksFetches));
    const worstAttackSecs = Math.max(...results.flood.map((x) => x.attackSeconds));
    const wrong = results.flood.filter((x) => x.attack401 !== x.attackSent || x.validNon2xx);
    return {
      figures: {
        throttledP99: figure('throttle on, one address: valid traffic during the flood: p99', 'ms', throttled.rounds.map((x) => x.p99), 'lower'),
        throttledAuditRows: figure('throttle on, one address: audit rows stored per flood', 'rows', throttled.rounds.map((x) => x.auditRows), 'lower'),
        aloneP99: figure('valid traffic alone: p99', 'ms', results.alone.map((x) => x.p99), 'lower'),
        floodP99: figure('valid traffic during the flood: p99', 'ms', results.flood.map((x) => x.p99), 'lower'),
        controlP99: figure('valid traffic beside 1,000 req/s more valid traffic (control): p99', 'ms', results.control.map((x) => x.p99), 'lower'),
        aloneRps: figure('valid traffic alone: answered', 'req/s', results.alone.map((x) => x.rps)),
        floodRps: figure('valid traffic during the flood: answered', 'req/s', results.flood.map((x) => x.rps)),
        attackSeconds: figure('flood duration', 's', results.flood.map((x) => x.attackSeconds), 'lower'),
        jwksFetches: figure('JWKS fetches per flood', 'fetches', results.flood.map((x) => x.jwksFetches), 'lower'),
      },
      checks: [
        check(
          `JWKS fetches in one flood (≤ ${Math.ceil(worstAttackSecs / COOLDOWN_SECS)} window of ${COOLDOWN_SECS} s), worst round`,
          worstRound,
          '<=',
          Math.ceil(worstAttackSecs / COOLDOWN_SECS),
        ),
        check(`JWKS fetches over the whole run (${windows} windows of ${COOLDOWN_SECS} s)`, totalFetches, '<=', windows),
        check('valid p99 during flood / alone', ratio(medianOf(results.flood, 'p99'), medianOf(results.alone, 'p99')), '<=', 1.5),
        check('throttle on, one address: valid requests refused during its flood, worst round', throttled.worstValidRefused, '<=', 0),
        check(
          `throttle on, one address: audit rows stored per flood of ${throttled.attackAmount.toLocaleString('en-US')} bad tokens, worst round`,
          throttled.worstAuditRows,
          '<=',
          throttled.auditRowBound,
        ),
      ],
      info: {
        'unknown-kid fetches counted by krishiv_jwks_fetches_total': after.counted - before.counted,
        'valid p99 beside as many extra valid requests (control) / alone': ratio(medianOf(results.control, 'p99'), medianOf(results.alone, 'p99')),
        'valid p99 during flood / control': ratio(medianOf(results.flood, 'p99'), medianOf(results.control, 'p99')),
        'valid throughput during flood / alone': ratio(medianOf(results.flood, 'rps'), medianOf(results.alone, 'rps')),
      },
      notes: [
        `Valid traffic: one RS256 token reused, ${validRate} req/s for ${seconds} s. Flood: ${attackAmount.toLocaleString('en-US')} requests at ${attackRate} req/s, each with a new random kid and a random signature. KRISHIV_OIDC_JWKS_COOLDOWN_SECS=${COOLDOWN_SECS} (the default).`,
        'Both are open-loop loads at a fixed arrival rate (bench/lib/load.mjs pacedLoad, node:http keep-alive pool), latency taken from each request\'s scheduled send time, in microsecond resolution. autocannon is not used here: its rate limit sends each connection\'s per-second quota back to back at the start of every second (and overshoots the set rate with few connections), so its p99 would measure that burst rather than the flood.',
        'JWKS fetches are counted by the JWKS server itself.',
        `Throttle on: a second coordinator with KRISHIV_AUTH_FAILURE_EXEMPT_LOOPBACK=0 and the default failure limit (${throttled.limit} per ${throttled.windowSecs} s), so the valid traffic and the flood come from one address, as every user does behind a reverse proxy. Audit rows are the deny events the coordinator stored during the flood, counted through GET /api/v1/audit; valid answers: ${throttled.rounds.map((x) => JSON.stringify(x.validCodes)).join(', ')}; flood answers: ${throttled.rounds.map((x) => JSON.stringify(x.attackCodes)).join(', ')}.`,
        ...(wrong.length
          ? [`Unexpected answers in ${wrong.length} round(s): ${wrong.map((x) => `${x.attack401}/${x.attackSent} flood requests 401, ${x.validNon2xx} valid non-2xx`).join('; ')}`]
          : ['Every flood request was answered 401 and every valid request 200.']),
      ],
      raw: { ...results, throttled: throttled.rounds },
    };
  } finally {
    await coordinator.stop();
    await jwks.close();
  }
}

/**
 * The flood again, but with the failure throttle on for loopback: valid traffic and bad tokens
 * share one client address. A credential that verifies must never be refused by the throttle, and
 * the refusals must be summarised in the audit trail rather than stored one row per request.
 */
async function throttledFlood({ jwks, key, claims, seconds, attackRate, validRate, rounds, log }) {
  const limit = 20;
  const windowSecs = 60;
  const coordinator = await startCoordinator({
    name: 'b5-throttled',
    env: {
      KRISHIV_OIDC_ISSUER: jwks.issuer,
      KRISHIV_OIDC_JWKS_URI: jwks.jwksUri,
      KRISHIV_OIDC_AUDIENCE: AUDIENCE,
      KRISHIV_AUTH_FAILURE_EXEMPT_LOOPBACK: '0',
      KRISHIV_AUTH_FAILURE_LIMIT: String(limit),
      KRISHIV_AUTH_FAILURE_WINDOW_SECS: String(windowSecs),
      KRISHIV_COORDINATOR_BEARER_TOKEN: SERVICE_TOKEN,
    },
  });
  try {
    const admin = SERVICE_TOKEN;
    const valid = await mintToken(key, claims);
    const whoami = `${coordinator.httpUrl}/api/v1/auth/whoami`;
    await expectJson(whoami, { headers: bearer(valid) });
    const attackAmount = attackRate * seconds;
    const out = [];
    // Every round shares the address's window: the first records the failures before the throttle
    // starts, the later ones only refusals while it holds.
    for (let r = 0; r < Math.min(rounds, 3); r++) {
      // A bad signature under the known key: each one is a failed authentication.
      const tokens = Array.from({ length: attackAmount }, () => `${valid.slice(0, valid.lastIndexOf('.'))}.${randomUUID().replace(/-/g, '')}`);
      const since = new Date(Date.now() - 1000).toISOString();
      const [v, a] = await Promise.all([
        pacedLoad({ url: whoami, headers: bearer(valid), rate: validRate, seconds }),
        pacedLoad({ url: whoami, rate: attackRate, amount: tokens.length, headersFor: (i) => ({ authorization: `Bearer ${tokens[i]}` }) }),
      ]);
      // Batched writes reach the store within a fraction of a second; summaries at the end of a window.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      // An admin refused by the throttle cannot count them: the round then misses its check.
      const auditRows = await countDenials(coordinator.httpUrl, admin, since).catch(() => Number.NaN);
      out.push({ p99: v.p99, validRefused: v.total - (v.statusCodes['200'] ?? 0), validCodes: v.statusCodes, attackCodes: a.statusCodes, auditRows });
      log(`throttled round ${r + 1}: valid refused ${out.at(-1).validRefused}, audit rows ${auditRows}`);
    }
    return {
      rounds: out,
      limit,
      windowSecs,
      attackAmount,
      worstValidRefused: Math.max(...out.map((x) => x.validRefused)),
      worstAuditRows: Math.max(...out.map((x) => x.auditRows)),
      // The failures before the address is throttled are each recorded, then a few summary rows.
      auditRowBound: limit + 10,
    };
  } finally {
    await coordinator.stop();
  }
}

async function countDenials(httpUrl, token, since) {
  let count = 0;
  let pageToken;
  do {
    const query = new URLSearchParams({ decision: 'deny', since, pageSize: '500', ...(pageToken ? { pageToken } : {}) });
    const page = await expectJson(`${httpUrl}/api/v1/audit?${query}`, { headers: bearer(token) });
    count += page.events.length;
    pageToken = page.nextPageToken;
  } while (pageToken);
  return count;
}
