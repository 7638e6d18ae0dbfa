import { randomBytes, randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { generateKeyPair, KeyLike, SignJWT } from 'jose';
import { Coordinator, startCoordinator } from './support/coordinator';
import { callGrpc, closeGrpcClients } from './support/grpc';
import { FaultMode, IdpFaultProxy, startIdpFaultProxy } from './support/idp-fault-proxy';
import { OIDC_AUDIENCE, OidcProvider, startOidcProvider } from './support/oidc';
import { expectNoSecretsIn } from './support/secrets';

/** Short enough to keep the suite quick; the 5 s default is checked in jwks-key-cache.spec.ts. */
const FETCH_TIMEOUT_MS = 1500;
const COOLDOWN_MS = 1000;
/** Scheduling slack on a busy 2-core machine, on top of the fetch timeout. */
const SLACK_MS = 1000;
const FAILED_LINE = /JWKS fetch from \S+ failed/;
const RECOVERED_LINE = /JWKS fetch from \S+ recovered/;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function pollUntil<T>(
  probe: () => Promise<T | undefined>,
  deadlineMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not within ${deadlineMs} ms`);
    await sleep(100);
  }
}

describe('identity provider faults', () => {
  const serviceToken = randomBytes(32).toString('base64url');
  const secretsUsed = new Set<string>([serviceToken]);
  /** Every REST status and gRPC code any caller saw, for the "never a 5xx" check. */
  const outcomes: { rest: number[]; grpc: status[] } = { rest: [], grpc: [] };
  let oidc: OidcProvider;
  let proxy: IdpFaultProxy;
  let coordinator: Coordinator;
  let forger: KeyLike;

  beforeAll(async () => {
    oidc = await startOidcProvider();
    proxy = await startIdpFaultProxy(oidc.issuer);
    await proxy.setMode('down');
    ({ privateKey: forger } = await generateKeyPair('RS256'));
    coordinator = await startCoordinator({
      waitFor: 'live',
      env: {
        KRISHIV_OIDC_ISSUER: oidc.issuer,
        KRISHIV_OIDC_JWKS_URI: `${proxy.url}${new URL(oidc.jwksUri).pathname}`,
        KRISHIV_OIDC_AUDIENCE: OIDC_AUDIENCE,
        KRISHIV_OIDC_JWKS_COOLDOWN_SECS: String(COOLDOWN_MS / 1000),
        KRISHIV_OIDC_JWKS_TIMEOUT_MS: String(FETCH_TIMEOUT_MS),
        KRISHIV_COORDINATOR_BEARER_TOKEN: serviceToken,
      },
    });
  });

  afterAll(async () => {
    closeGrpcClients();
    await coordinator?.stop();
    await proxy?.close();
    await oidc?.stop();
  });

  const token = async () => {
    const t = await oidc.token('reader-client');
    secretsUsed.add(t);
    return t;
  };

  /** Right issuer, audience and role, unexpired: only the key id is one the provider never had. */
  const forged = () =>
    new SignJWT({ 'https://krishiv/roles': ['admin'] })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: `unknown-${randomUUID()}` })
      .setIssuer(oidc.issuer)
      .setAudience(OIDC_AUDIENCE)
      .setSubject('forger')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(forger);

  async function rest(bearer: string) {
    const started = Date.now();
    const response = await fetch(`${coordinator.httpUrl}/api/v1/auth/whoami`, {
      headers: { authorization: `Bearer ${bearer}` },
    });
    const body = (await response.json()) as { message?: string };
    outcomes.rest.push(response.status);
    return { status: response.status, body, elapsed: Date.now() - started };
  }

  async function grpc(bearer: string) {
    const started = Date.now();
    const result = await callGrpc(coordinator.grpcAddress, 'AuthService', 'WhoAmI', {}, bearer);
    outcomes.grpc.push(result.code);
    return { code: result.code, message: result.message, elapsed: Date.now() - started };
  }

  async function metric(name: string, labels: string): Promise<number> {
    const text = await (await fetch(`${coordinator.httpUrl}/metrics`)).text();
    const escaped = labels.replace(/[{}"]/g, (c) => `\\${c}`);
    const match = new RegExp(`^${name}${escaped} (\\S+)$`, 'm').exec(text);
    return match ? Number(match[1]) : 0;
  }

  const readyz = async () => {
    const response = await fetch(`${coordinator.httpUrl}/readyz`);
    return { status: response.status, body: (await response.json()) as any };
  };

  const logLines = (from = 0) => coordinator.logs().slice(from).split('\n');

  /** Log lines reach us through a pipe, after the answers they go with: wait for them. */
  const waitForLines = (pattern: RegExp, count: number, from = 0) =>
    pollUntil(
      async () =>
        logLines(from).filter((l) => pattern.test(l)).length >= count ? true : undefined,
      5000,
      `${count} log line(s) matching ${pattern}`,
    );

  /** Concurrent unknown-kid requests over both transports; all refused, none waits too long. */
  async function expectForgedRefusedFast(count: number) {
    const results = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const t = await forged();
        if (i % 2 === 0) {
          const r = await rest(t);
          expect(r.status).toBe(401);
          return r.elapsed;
        }
        const r = await grpc(t);
        expect(r.code).toBe(status.UNAUTHENTICATED);
        return r.elapsed;
      }),
    );
    expect(Math.max(...results)).toBeLessThan(FETCH_TIMEOUT_MS + SLACK_MS);
    return results;
  }

  it('starts while the provider is down, backs off its retries, and becomes ready on its own', async () => {
    const notReady = await readyz();
    expect(notReady.status).toBe(503);
    expect(notReady.body.checks.oidcKeys).toBe('not fetched yet');

    // Service tokens do not depend on the provider.
    expect((await rest(serviceToken)).status).toBe(200);
    expect((await grpc(serviceToken)).code).toBe(status.OK);

    // A provider token is refused with a reason, quickly, and never with a 5xx.
    const early = await rest(await token());
    expect(early.status).toBe(401);
    expect(early.body.message).toMatch(/not available yet/);
    expect(early.elapsed).toBeLessThan(FETCH_TIMEOUT_MS + SLACK_MS);
    const earlyGrpc = await grpc(await token());
    expect(earlyGrpc.code).toBe(status.UNAUTHENTICATED);

    // Watch the start-up attempts: 0 s, 1 s, 3 s, 7 s… never more than one per second, growing.
    const failures = () =>
      metric('krishiv_jwks_fetches_total', '{trigger="startup",result="failure"}');
    const seen: { n: number; at: number }[] = [];
    const watchStart = Date.now();
    await pollUntil(
      async () => {
        const n = await failures();
        if (seen.length === 0 || seen[seen.length - 1].n !== n) seen.push({ n, at: Date.now() });
        return n >= 4 ? n : undefined;
      },
      15_000,
      'four start-up attempts',
    );
    const increments = seen.filter((s, i) => i > 0 && s.n === seen[i - 1].n + 1);
    const gaps = increments.slice(1).map((s, i) => s.at - increments[i].at);
    expect(gaps.length).toBeGreaterThanOrEqual(1);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(900);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThan(gaps[i - 1]);
    // Attempts ≤ elapsed seconds + the first one.
    const elapsedSecs = (Date.now() - watchStart) / 1000 + 1;
    expect(await failures()).toBeLessThanOrEqual(Math.ceil(elapsedSecs) + 1);
    expect(await metric('krishiv_jwks_fetch_failures_total', '{reason="unreachable"}')).toBe(
      await failures(),
    );
    // Requests did not add attempts of their own while not ready.
    expect(
      await metric('krishiv_jwks_fetches_total', '{trigger="unknown-kid",result="failure"}'),
    ).toBe(0);
    // One warning for the whole episode, however many attempts failed.
    await waitForLines(FAILED_LINE, 1);
    expect(logLines().filter((l) => FAILED_LINE.test(l))).toHaveLength(1);

    await proxy.setMode('pass');
    await pollUntil(
      async () => ((await readyz()).status === 200 ? true : undefined),
      20_000,
      'ready after the provider returned',
    );
    expect((await rest(await token())).status).toBe(200);
    expect((await grpc(await token())).code).toBe(status.OK);
    await waitForLines(RECOVERED_LINE, 1);
    expect(logLines().filter((l) => RECOVERED_LINE.test(l))).toHaveLength(1);
  }, 60_000);

  it('keeps verifying with cached keys while the provider is down, and recovers by itself', async () => {
    await proxy.setMode('down');
    const fresh = await token();
    expect((await rest(fresh)).status).toBe(200);
    expect((await grpc(await token())).code).toBe(status.OK);

    const refusedBefore = await metric(
      'krishiv_jwks_fetch_failures_total',
      '{reason="unreachable"}',
    );
    await sleep(COOLDOWN_MS + 100);
    await expectForgedRefusedFast(8);
    expect(
      await metric('krishiv_jwks_fetch_failures_total', '{reason="unreachable"}'),
    ).toBeGreaterThan(refusedBefore);
    expect((await readyz()).status).toBe(200);
    expect((await rest(await token())).status).toBe(200);

    // The provider returns with a new signing key: its tokens verify without a restart.
    await proxy.setMode('pass');
    await oidc.rotate();
    const rotated = await token();
    await pollUntil(
      async () => ((await rest(rotated)).status === 200 ? true : undefined),
      COOLDOWN_MS + 5000,
      'a token of the rotated key verified',
    );
    // This episode is over too (start-up was the first); later cases count from here.
    await waitForLines(RECOVERED_LINE, 2);
  });

  const faults: [FaultMode, string][] = [
    ['slow', 'timeout'],
    ['invalid-json', 'invalid_json'],
    ['unsupported-keys', 'no_usable_keys'],
    ['huge', 'too_large'],
  ];

  it.each(faults)(
    'provider %s: last good keys kept, failure counted as %s and logged once, never a 5xx',
    async (mode, reason) => {
      const logFrom = coordinator.logs().length;
      const before = await metric('krishiv_jwks_fetch_failures_total', `{reason="${reason}"}`);
      await proxy.setMode(mode);

      // Two failed fetches in one episode, each triggered by unknown kids after the cooldown.
      for (let attempt = 0; attempt < 2; attempt++) {
        await sleep(COOLDOWN_MS + 100);
        await expectForgedRefusedFast(6);
        // A token of a cached key keeps working throughout.
        expect((await rest(await token())).status).toBe(200);
      }
      expect(
        await metric('krishiv_jwks_fetch_failures_total', `{reason="${reason}"}`),
      ).toBeGreaterThanOrEqual(before + 2);
      expect((await readyz()).status).toBe(200);
      await waitForLines(FAILED_LINE, 1, logFrom);
      expect(logLines(logFrom).filter((l) => FAILED_LINE.test(l))).toHaveLength(1);

      // Back to normal: the next fetch succeeds and says so once.
      await proxy.setMode('pass');
      await sleep(COOLDOWN_MS + 100);
      expect((await rest(await forged())).status).toBe(401);
      await waitForLines(RECOVERED_LINE, 1, logFrom);
      expect(logLines(logFrom).filter((l) => RECOVERED_LINE.test(l))).toHaveLength(1);
      expect((await grpc(await token())).code).toBe(status.OK);
    },
    30_000,
  );

  it('never answered a 5xx or a gRPC server error to any caller', () => {
    expect(outcomes.rest.length).toBeGreaterThan(30);
    expect(outcomes.rest.filter((s) => s >= 500)).toEqual([]);
    const serverCodes = [status.INTERNAL, status.UNKNOWN, status.UNAVAILABLE, status.DATA_LOSS];
    expect(outcomes.grpc.filter((c) => serverCodes.includes(c))).toEqual([]);
  });

  it('never logs a token', () => {
    expectNoSecretsIn(coordinator.logs(), secretsUsed);
  });
});
