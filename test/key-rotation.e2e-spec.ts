import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { generateKeyPair, KeyLike, SignJWT } from 'jose';
import { Coordinator, startCoordinator } from './support/coordinator';
import { callGrpc, closeGrpcClients } from './support/grpc';
import { OIDC_AUDIENCE, OidcProvider, startOidcProvider } from './support/oidc';
import { expectNoSecretsIn } from './support/secrets';

function kidOf(token: string): string {
  return JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')).kid;
}

function whoami(coordinator: Coordinator, token: string): Promise<Response> {
  return fetch(`${coordinator.httpUrl}/api/v1/auth/whoami`, {
    headers: { authorization: `Bearer ${token}` },
  });
}

/** Retries until `probe` answers true; the deadline, not a fixed sleep, bounds the wait. */
async function pollUntil(probe: () => Promise<boolean>, deadlineMs: number, intervalMs = 100) {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`condition not met within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

describe('OIDC key rotation', () => {
  const COOLDOWN_SECS = 1;
  let oidc: OidcProvider;
  let coordinator: Coordinator;
  const secretsUsed = new Set<string>();

  beforeAll(async () => {
    oidc = await startOidcProvider();
    coordinator = await startCoordinator({
      env: {
        KRISHIV_OIDC_JWKS_URI: oidc.jwksUri,
        KRISHIV_OIDC_ISSUER: oidc.issuer,
        KRISHIV_OIDC_AUDIENCE: OIDC_AUDIENCE,
        KRISHIV_OIDC_JWKS_COOLDOWN_SECS: String(COOLDOWN_SECS),
      },
    });
  });

  afterAll(async () => {
    closeGrpcClients();
    await coordinator?.stop();
    await oidc?.stop();
  });

  it('accepts tokens of the new key without a restart, and old tokens keep working', async () => {
    const before = await oidc.token('writer-client');
    secretsUsed.add(before);
    expect((await whoami(coordinator, before)).status).toBe(200);

    await oidc.rotate();
    const after = await oidc.token('writer-client');
    secretsUsed.add(after);
    expect(kidOf(after)).not.toBe(kidOf(before));
    expect(await oidc.kids()).toEqual([kidOf(after), kidOf(before)]);

    // The first sight of the new kid may fall inside the cooldown of the start-up fetch; within
    // a cooldown window plus slack the coordinator must have fetched the new key.
    const rotatedAt = Date.now();
    await pollUntil(
      async () => (await whoami(coordinator, after)).status === 200,
      COOLDOWN_SECS * 1000 + 5000,
    );
    expect(Date.now() - rotatedAt).toBeLessThan(COOLDOWN_SECS * 1000 + 5000);

    const response = await whoami(coordinator, after);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      subject: 'writer-client',
      role: 'writer',
      method: 'oidc',
    });
    const grpc = await callGrpc(coordinator.grpcAddress, 'AuthService', 'WhoAmI', {}, after);
    expect(grpc.code).toBe(status.OK);

    // The old key is still published beside the new one: its tokens verify until they expire.
    expect((await whoami(coordinator, before)).status).toBe(200);
    const old = await callGrpc(coordinator.grpcAddress, 'AuthService', 'WhoAmI', {}, before);
    expect(old.code).toBe(status.OK);
  });

  it('never logs a token', () => {
    expectNoSecretsIn(coordinator.logs(), secretsUsed);
  });
});

describe('unknown-kid flood', () => {
  const COOLDOWN_SECS = 3;
  const BURST = 200;
  let oidc: OidcProvider;
  let coordinator: Coordinator;
  let forger: KeyLike;
  const secretsUsed = new Set<string>();

  beforeAll(async () => {
    oidc = await startOidcProvider();
    coordinator = await startCoordinator({
      env: {
        KRISHIV_OIDC_ISSUER: oidc.issuer,
        KRISHIV_OIDC_AUDIENCE: OIDC_AUDIENCE,
        KRISHIV_OIDC_JWKS_COOLDOWN_SECS: String(COOLDOWN_SECS),
      },
    });
    ({ privateKey: forger } = await generateKeyPair('RS256'));
  });

  afterAll(async () => {
    closeGrpcClients();
    await coordinator?.stop();
    await oidc?.stop();
  });

  /** Well-formed, unexpired, right issuer and audience, admin role: only the kid is unknown. */
  const forgedToken = () =>
    new SignJWT({ 'https://krishiv/roles': ['admin'], client_id: 'forger' })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: `unknown-${randomUUID()}` })
      .setIssuer(oidc.issuer)
      .setAudience(OIDC_AUDIENCE)
      .setSubject('forger')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(forger);

  /** One request per token, alternating transports; resolves with the statuses (REST) and codes (gRPC). */
  async function fire(tokens: string[]) {
    return Promise.all(
      tokens.map(async (token, i) => {
        if (i % 2 === 0) {
          const response = await whoami(coordinator, token);
          return { transport: 'rest', outcome: response.status };
        }
        const result = await callGrpc(coordinator.grpcAddress, 'AuthService', 'WhoAmI', {}, token);
        return { transport: 'grpc', outcome: result.code };
      }),
    );
  }

  it('rejects every forged token and fetches the JWKS at most once per cooldown window', async () => {
    const valid = await oidc.token('reader-client');
    secretsUsed.add(valid);
    expect((await whoami(coordinator, valid)).status).toBe(200);

    const fetchesBefore = await oidc.jwksRequestCount();
    const started = Date.now();
    let sent = 0;
    // One burst of BURST concurrent requests, then smaller bursts until more than one cooldown
    // window has passed, so at least one miss must reach the provider and the bound is tested
    // across a window boundary.
    for (let burst = 0; Date.now() - started < COOLDOWN_SECS * 1000 + 500; burst++) {
      const size = burst === 0 ? BURST : 20;
      const tokens = await Promise.all(Array.from({ length: size }, forgedToken));
      tokens.forEach((t) => secretsUsed.add(t));
      const [outcomes, legit] = await Promise.all([
        fire(tokens),
        Promise.all([
          whoami(coordinator, valid).then((r) => r.status),
          callGrpc(coordinator.grpcAddress, 'AuthService', 'WhoAmI', {}, valid).then((r) => r.code),
        ]),
      ]);
      sent += size;
      const unexpected = outcomes.filter(
        (o) => o.outcome !== (o.transport === 'rest' ? 401 : status.UNAUTHENTICATED),
      );
      expect(unexpected).toEqual([]);
      // Valid tokens keep working while forged ones are refused, even during a fetch.
      expect(legit).toEqual([200, status.OK]);
      if (burst > 0) await new Promise((r) => setTimeout(r, 50));
    }
    const elapsedMs = Date.now() - started;
    const fetches = (await oidc.jwksRequestCount()) - fetchesBefore;

    // A fetch may start at most once per cooldown window; concurrent misses share one fetch.
    const windowsStarted = Math.floor(elapsedMs / (COOLDOWN_SECS * 1000)) + 1;
    expect(sent).toBeGreaterThanOrEqual(BURST);
    expect(fetches).toBeGreaterThanOrEqual(1);
    expect(fetches).toBeLessThanOrEqual(windowsStarted);
  });

  it('answers a forged token with invalid_token naming the unknown key', async () => {
    const token = await forgedToken();
    secretsUsed.add(token);
    const response = await whoami(coordinator, token);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(
      /^Bearer realm="krishiv", error="invalid_token", error_description="[^"]*does not publish[^"]*"$/,
    );
  });

  it('never logs a token', () => {
    expectNoSecretsIn(coordinator.logs(), secretsUsed);
  });
});
