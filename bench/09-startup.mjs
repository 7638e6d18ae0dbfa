// #9 Start to /readyz 200, and RSS once idle: with the embedded defaults (a generated dev token)
// and with OIDC (a JWKS to fetch before ready) plus a service token.
import { SERVICE_TOKEN, startCoordinator } from './lib/coordinator.mjs';
import { check, figure, interleave } from './lib/harness.mjs';
import { sleep } from './lib/http.mjs';
import { rsaKey, startJwksServer } from './lib/oidc.mjs';
import { summarize } from './lib/stats.mjs';

export const id = 9;
export const title = 'Start to ready; idle RSS';
export const goal = 'start → /readyz 200 ≤ 2 s; idle RSS ≤ 200 MiB';

const MiB = 2 ** 20;

export async function run({ quick, rounds, log }) {
  const idleMs = quick ? 500 : 3_000;
  const key = await rsaKey();
  const jwks = await startJwksServer([key.jwk]);
  const start = (name, env) => async () => {
    const c = await startCoordinator({ name, env });
    try {
      await sleep(idleMs);
      const mem = c.memory();
      return { readyMs: c.readyMs, idleRssMiB: mem.rss / MiB, peakRssMiB: mem.peak / MiB };
    } finally {
      await c.stop();
    }
  };
  try {
    const results = await interleave({
      rounds,
      log,
      variants: [
        { key: 'embedded', run: start('b9-embedded', {}) },
        {
          key: 'oidc',
          run: start('b9-oidc', {
            KRISHIV_OIDC_ISSUER: jwks.issuer,
            KRISHIV_OIDC_JWKS_URI: jwks.jwksUri,
            KRISHIV_OIDC_AUDIENCE: 'krishiv-bench',
            KRISHIV_COORDINATOR_BEARER_TOKEN: SERVICE_TOKEN,
          }),
        },
      ],
    });
    const worst = (k, f) => summarize(results[k].map((x) => x[f])).max;
    const med = (k, f) => summarize(results[k].map((x) => x[f])).median;
    return {
      figures: {
        embeddedReady: figure('embedded defaults: spawn → /readyz 200', 'ms', results.embedded.map((x) => x.readyMs), 'lower'),
        oidcReady: figure('OIDC + service token: spawn → /readyz 200', 'ms', results.oidc.map((x) => x.readyMs), 'lower'),
        embeddedRss: figure(`embedded defaults: RSS ${idleMs / 1000} s after ready`, 'MiB', results.embedded.map((x) => x.idleRssMiB), 'lower'),
        oidcRss: figure(`OIDC + service token: RSS ${idleMs / 1000} s after ready`, 'MiB', results.oidc.map((x) => x.idleRssMiB), 'lower'),
        embeddedPeak: figure('embedded defaults: peak RSS while starting', 'MiB', results.embedded.map((x) => x.peakRssMiB), 'lower'),
      },
      checks: [
        check('embedded: start → ready (ms, median)', med('embedded', 'readyMs'), '<=', 2000),
        check('OIDC: start → ready (ms, median)', med('oidc', 'readyMs'), '<=', 2000),
        check('embedded: idle RSS (MiB, worst round)', worst('embedded', 'idleRssMiB'), '<=', 200),
        check('OIDC: idle RSS (MiB, worst round)', worst('oidc', 'idleRssMiB'), '<=', 200),
      ],
      info: {},
      notes: [
        'Timed from spawning `node dist/main.js` (fresh data dir each time) to the first 200 from /readyz, polled every 10 ms; RSS (VmRSS) read after the coordinator sat idle.',
      ],
      raw: results,
    };
  } finally {
    await jwks.close();
  }
}
