import { randomBytes } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { JWTPayload } from 'jose';
import { Coordinator, startCoordinator } from './support/coordinator';
import { callGrpc, closeGrpcClients, GrpcOutcome } from './support/grpc';
import {
  b64url,
  compactJws,
  decodeCompact,
  DISCOVERY_PATH,
  generateEcKey,
  generateOctKey,
  generateRsaKey,
  JWKS_PATH,
  JwksServer,
  mintJwt,
  startJwksServer,
  TestKey,
} from './support/jwks-server';
import { expectNoSecretsIn } from './support/secrets';

/**
 * Malformed and adversarial credentials against one coordinator, each sent on both transports to
 * an unprivileged route (whoami) and a reader route (query). Every one must end in 401 /
 * UNAUTHENTICATED, or 403 / PERMISSION_DENIED on the query route for a valid token that carries no
 * role: never a 5xx, never another gRPC code, never a crash. Positive controls in the same table
 * prove the rejections are caused by the defect under test and not by the setup.
 */

const AUDIENCE = 'krishiv-test';
const ROLE_CLAIM = 'https://krishiv/roles';
const LEEWAY_SECS = 30;
const MAX_TOKEN_BYTES = 16 * 1024;

interface Expectation {
  rest: { whoami: number; query: number };
  grpc: { whoami: status; query: status };
  /** For accepted callers: the principal whoami reports. */
  principal?: { role: string | null; method: string };
}

/** Invalid credentials: 401 / UNAUTHENTICATED everywhere. */
const REJECTED: Expectation = {
  rest: { whoami: 401, query: 401 },
  grpc: { whoami: status.UNAUTHENTICATED, query: status.UNAUTHENTICATED },
};
/** A valid token without a recognised role: whoami answers, the query is forbidden. */
const NO_ROLE: Expectation = {
  rest: { whoami: 200, query: 403 },
  grpc: { whoami: status.OK, query: status.PERMISSION_DENIED },
  principal: { role: null, method: 'oidc' },
};
/** Positive control: a valid reader token passes both routes. */
const READER: Expectation = {
  rest: { whoami: 200, query: 200 },
  grpc: { whoami: status.OK, query: status.OK },
  principal: { role: 'reader', method: 'oidc' },
};
const SERVICE: Expectation = {
  rest: { whoami: 200, query: 200 },
  grpc: { whoami: status.OK, query: status.OK },
  principal: { role: 'admin', method: 'service-token' },
};

interface Fixture {
  issuer: string;
  serviceToken: string;
  /** RS256, published. */
  rsa: TestKey;
  /** A second published RSA key (rotation: both verify). */
  rsa2: TestKey;
  /** ES256 on P-256, published. */
  ec: TestKey;
  /** RSA, published with `alg: RS256` pinned in the JWK. */
  pinned: TestKey;
  /** RSA, published with `use: enc`: not a signing key. */
  enc: TestKey;
  /** RSA, never published, but carrying the kid of `rsa`. */
  impostor: TestKey;
  /** A symmetric secret published as an `oct` JWK. */
  oct: { kid: string; secret: Buffer };
  /** Another JWKS server the coordinator must never be steered to (jku). */
  attacker: JwksServer;
  /** Standard claims of a valid reader token, issued now; `extra` overrides or adds. */
  claims(extra?: Record<string, unknown>): JWTPayload;
  /** A valid RS256 reader token. */
  valid(extra?: Record<string, unknown>): Promise<string>;
}

interface Case {
  name: string;
  /** The whole `Authorization` value (REST header and gRPC metadata alike). */
  authorization: (f: Fixture) => string | Promise<string>;
  expect: Expectation;
  /** False when the value holds no bearer token, so a 401 need not say `invalid_token`. */
  tokenSent?: boolean;
}

const isAlive = (c: Coordinator) => c.process.exitCode === null && c.process.signalCode === null;
const nowSecs = () => Math.floor(Date.now() / 1000);
const bearer = (token: string) => `Bearer ${token}`;
const withoutKeys = (claims: JWTPayload, ...names: string[]): JWTPayload =>
  Object.fromEntries(Object.entries(claims).filter(([name]) => !names.includes(name)));

/** Replaces the header segment of a signed token, keeping payload and signature. */
async function swapHeader(token: Promise<string>, header: unknown): Promise<string> {
  const [, payload, signature] = (await token).split('.');
  return `${b64url(JSON.stringify(header))}.${payload}.${signature}`;
}

const CASES: Case[] = [
  // ── positive controls ───────────────────────────────────────────────────────────────────────
  {
    name: 'control: exp inside the 30 s leeway is accepted',
    authorization: async (f) => bearer(await f.valid({ exp: nowSecs() - 10 })),
    expect: READER,
  },
  {
    name: 'control: lowercase "bearer" scheme is accepted',
    authorization: async (f) => `bearer ${await f.valid()}`,
    expect: READER,
  },
  {
    // No trailing whitespace here: HTTP/1.1 parsers strip it, but HTTP/2 forbids it in field values
    // (RFC 9113 §8.2.1) and the gRPC server drops such a header before the coordinator sees it.
    name: 'control: upper-case scheme and extra spaces before the token are accepted',
    authorization: async (f) => `BEARER    ${await f.valid()}`,
    expect: READER,
  },
  {
    name: 'control: ES256 by the published EC key is accepted',
    authorization: async (f) => bearer(await mintJwt(f.ec, f.claims())),
    expect: READER,
  },
  {
    name: 'control: PS256 by an RSA key whose JWK pins no alg is accepted',
    authorization: async (f) => bearer(await mintJwt(f.rsa, f.claims(), { alg: 'PS256' })),
    expect: READER,
  },
  {
    name: 'control: RS256 by the second published key (rotation) is accepted',
    authorization: async (f) => bearer(await mintJwt(f.rsa2, f.claims())),
    expect: READER,
  },
  {
    name: 'control: aud array that includes ours is accepted',
    authorization: async (f) => bearer(await f.valid({ aud: ['other', AUDIENCE] })),
    expect: READER,
  },
  {
    name: 'control: the static service token is accepted',
    authorization: (f) => bearer(f.serviceToken),
    expect: SERVICE,
  },

  // ── valid tokens that must not carry a role ────────────────────────────────────────────────
  {
    name: 'role claim of type number: authenticated with no role',
    authorization: async (f) => bearer(await f.valid({ [ROLE_CLAIM]: 3 })),
    expect: NO_ROLE,
  },
  {
    name: 'role claim of type object: authenticated with no role',
    authorization: async (f) => bearer(await f.valid({ [ROLE_CLAIM]: { role: 'admin' } })),
    expect: NO_ROLE,
  },
  {
    name: 'sub "admin:x" without a role claim: no role, never admin',
    authorization: async (f) =>
      bearer(await mintJwt(f.rsa, withoutKeys(f.claims({ sub: 'admin:x' }), ROLE_CLAIM))),
    expect: NO_ROLE,
  },
  {
    name: 'krishiv_role "admin" (not a configured claim): no role',
    authorization: async (f) =>
      bearer(
        await mintJwt(
          f.rsa,
          withoutKeys(f.claims({ krishiv_role: 'admin', role: 'admin' }), ROLE_CLAIM),
        ),
      ),
    expect: NO_ROLE,
  },
  {
    name: 'realm_access.roles ["admin"] (not a configured claim): no role',
    authorization: async (f) =>
      bearer(
        await mintJwt(
          f.rsa,
          withoutKeys(f.claims({ realm_access: { roles: ['admin'] } }), ROLE_CLAIM),
        ),
      ),
    expect: NO_ROLE,
  },
  {
    name: 'role claim with unrecognised values only: no role',
    authorization: async (f) => bearer(await f.valid({ [ROLE_CLAIM]: ['superuser', 'root', ''] })),
    expect: NO_ROLE,
  },

  // ── algorithm attacks ──────────────────────────────────────────────────────────────────────
  {
    name: 'alg "none", unsigned',
    authorization: (f) => bearer(compactJws({ alg: 'none', typ: 'JWT' }, f.claims())),
    expect: REJECTED,
  },
  {
    name: 'alg "NONE", unsigned',
    authorization: (f) => bearer(compactJws({ alg: 'NONE', typ: 'JWT' }, f.claims())),
    expect: REJECTED,
  },
  {
    name: 'alg "None", unsigned',
    authorization: (f) => bearer(compactJws({ alg: 'None', typ: 'JWT' }, f.claims())),
    expect: REJECTED,
  },
  {
    name: 'alg "none" with a published kid, original signature kept',
    authorization: async (f) =>
      bearer(await swapHeader(f.valid(), { alg: 'none', typ: 'JWT', kid: f.rsa.kid })),
    expect: REJECTED,
  },
  {
    name: 'alg missing from the header (RS256 signature)',
    authorization: (f) =>
      bearer(
        compactJws({ typ: 'JWT', kid: f.rsa.kid }, f.claims(), {
          alg: 'RS256',
          key: f.rsa.privateKey,
        }),
      ),
    expect: REJECTED,
  },
  {
    name: 'HS256 with the RSA public key PEM as HMAC secret (algorithm confusion)',
    authorization: (f) =>
      bearer(
        compactJws({ alg: 'HS256', typ: 'JWT', kid: f.rsa.kid }, f.claims(), {
          alg: 'HS256',
          key: f.rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string,
        }),
      ),
    expect: REJECTED,
  },
  {
    name: 'HS256 with the RSA public key PEM as HMAC secret, no kid',
    authorization: (f) =>
      bearer(
        compactJws({ alg: 'HS256', typ: 'JWT' }, f.claims(), {
          alg: 'HS256',
          key: f.rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string,
        }),
      ),
    expect: REJECTED,
  },
  {
    name: 'HS256 with a random secret',
    authorization: (f) =>
      bearer(
        compactJws({ alg: 'HS256', typ: 'JWT', kid: f.rsa.kid }, f.claims(), {
          alg: 'HS256',
          key: randomBytes(32),
        }),
      ),
    expect: REJECTED,
  },
  {
    name: 'HS256 with the secret of the published oct JWK and its kid',
    authorization: (f) =>
      bearer(
        compactJws({ alg: 'HS256', typ: 'JWT', kid: f.oct.kid }, f.claims(), {
          alg: 'HS256',
          key: f.oct.secret,
        }),
      ),
    expect: REJECTED,
  },
  {
    name: 'RS256 by a key published with use "enc"',
    authorization: async (f) => bearer(await mintJwt(f.enc, f.claims())),
    expect: REJECTED,
  },
  {
    name: 'ES256 (signed by the EC key) whose kid names an RSA key',
    authorization: async (f) => bearer(await mintJwt(f.ec, f.claims(), { kid: f.rsa.kid })),
    expect: REJECTED,
  },
  {
    name: 'RS256 (signed by an RSA key) whose kid names the EC key',
    authorization: async (f) => bearer(await mintJwt(f.rsa, f.claims(), { kid: f.ec.kid })),
    expect: REJECTED,
  },
  {
    name: 'PS256 by the key whose JWK pins RS256',
    authorization: async (f) => bearer(await mintJwt(f.pinned, f.claims(), { alg: 'PS256' })),
    expect: REJECTED,
  },
  {
    name: 'ES384 header over a P-256 key (curve mismatch)',
    authorization: (f) =>
      bearer(
        compactJws({ alg: 'ES384', typ: 'JWT', kid: f.ec.kid }, f.claims(), {
          alg: 'ES384',
          key: f.ec.privateKey,
        }),
      ),
    expect: REJECTED,
  },
  {
    name: 'alg "RS256 " with trailing whitespace',
    authorization: (f) =>
      bearer(
        compactJws({ alg: 'RS256 ', typ: 'JWT', kid: f.rsa.kid }, f.claims(), {
          alg: 'RS256',
          key: f.rsa.privateKey,
        }),
      ),
    expect: REJECTED,
  },

  // ── claims ─────────────────────────────────────────────────────────────────────────────────
  {
    name: 'wrong aud',
    authorization: async (f) => bearer(await f.valid({ aud: 'another-service' })),
    expect: REJECTED,
  },
  {
    name: 'aud array without ours',
    authorization: async (f) => bearer(await f.valid({ aud: ['a', 'b', `${AUDIENCE}-evil`] })),
    expect: REJECTED,
  },
  {
    name: 'aud missing while an audience is configured',
    authorization: async (f) => bearer(await mintJwt(f.rsa, withoutKeys(f.claims(), 'aud'))),
    expect: REJECTED,
  },
  {
    name: 'wrong iss',
    authorization: async (f) => bearer(await f.valid({ iss: 'https://evil.example' })),
    expect: REJECTED,
  },
  {
    name: 'iss missing while an issuer is configured',
    authorization: async (f) => bearer(await mintJwt(f.rsa, withoutKeys(f.claims(), 'iss'))),
    expect: REJECTED,
  },
  {
    name: 'expired beyond the leeway',
    authorization: async (f) =>
      bearer(await f.valid({ iat: nowSecs() - 600, exp: nowSecs() - LEEWAY_SECS - 90 })),
    expect: REJECTED,
  },
  {
    name: 'nbf in the future beyond the leeway',
    authorization: async (f) => bearer(await f.valid({ nbf: nowSecs() + LEEWAY_SECS + 90 })),
    expect: REJECTED,
  },
  {
    name: 'iat far in the future',
    authorization: async (f) =>
      bearer(await f.valid({ iat: nowSecs() + 3600, exp: nowSecs() + 7200 })),
    expect: REJECTED,
  },
  {
    name: 'exp missing',
    authorization: async (f) => bearer(await mintJwt(f.rsa, withoutKeys(f.claims(), 'exp'))),
    expect: REJECTED,
  },
  {
    name: 'exp as a string',
    authorization: async (f) => bearer(await f.valid({ exp: String(nowSecs() + 300) })),
    expect: REJECTED,
  },
  {
    name: 'nbf as a string',
    authorization: async (f) => bearer(await f.valid({ nbf: String(nowSecs() - 60) })),
    expect: REJECTED,
  },
  {
    name: 'sub, client_id and azp all missing',
    authorization: async (f) => bearer(await mintJwt(f.rsa, withoutKeys(f.claims(), 'sub'))),
    expect: REJECTED,
  },

  // ── signatures and keys ────────────────────────────────────────────────────────────────────
  {
    name: 'payload tampered (role admin), signature kept',
    authorization: async (f) => {
      const { segments, payload } = decodeCompact(await f.valid());
      const forged = b64url(JSON.stringify({ ...payload, [ROLE_CLAIM]: ['admin'] }));
      return bearer(`${segments[0]}.${forged}.${segments[2]}`);
    },
    expect: REJECTED,
  },
  {
    name: 'signature bytes flipped',
    authorization: async (f) => {
      const { segments } = decodeCompact(await f.valid());
      const signature = Buffer.from(segments[2], 'base64url');
      for (let i = 0; i < signature.length; i += 16) signature[i] ^= 0xff;
      return bearer(`${segments[0]}.${segments[1]}.${signature.toString('base64url')}`);
    },
    expect: REJECTED,
  },
  {
    name: 'signature stripped (RS256 header, empty third segment)',
    authorization: async (f) => {
      const { segments } = decodeCompact(await f.valid());
      return bearer(`${segments[0]}.${segments[1]}.`);
    },
    expect: REJECTED,
  },
  {
    name: 'unknown kid',
    authorization: async (f) =>
      bearer(await mintJwt(f.rsa, f.claims(), { kid: 'never-published' })),
    expect: REJECTED,
  },
  {
    name: 'kid missing while the provider publishes several keys',
    authorization: async (f) => bearer(await mintJwt(f.rsa, f.claims(), { kid: null })),
    expect: REJECTED,
  },
  {
    name: 'kid that is not a string',
    authorization: (f) =>
      bearer(
        compactJws({ alg: 'RS256', typ: 'JWT', kid: 1 }, f.claims(), {
          alg: 'RS256',
          key: f.rsa.privateKey,
        }),
      ),
    expect: REJECTED,
  },
  {
    name: 'published kid, signed by an unpublished key',
    authorization: async (f) => bearer(await mintJwt(f.impostor, f.claims())),
    expect: REJECTED,
  },
  {
    name: 'embedded jwk header carrying the signing key (CVE-2018-0114 style)',
    authorization: async (f) =>
      bearer(await mintJwt(f.impostor, f.claims(), { jwk: f.impostor.jwk })),
    expect: REJECTED,
  },
  {
    name: 'jku header pointing at another JWKS that holds the signing key',
    authorization: async (f) =>
      bearer(
        await mintJwt(f.impostor, f.claims(), {
          kid: 'attacker-key',
          jku: f.attacker.jwksUri,
          x5u: f.attacker.jwksUri,
        }),
      ),
    expect: REJECTED,
  },
  {
    name: `oversize signed token (> ${MAX_TOKEN_BYTES} bytes)`,
    authorization: async (f) => {
      const token = await f.valid({ padding: 'p'.repeat(MAX_TOKEN_BYTES) });
      expect(token.length).toBeGreaterThan(MAX_TOKEN_BYTES);
      return bearer(token);
    },
    expect: REJECTED,
  },

  // ── structure ──────────────────────────────────────────────────────────────────────────────
  {
    name: 'two segments',
    authorization: async (f) => bearer((await f.valid()).split('.').slice(0, 2).join('.')),
    expect: REJECTED,
  },
  {
    name: 'four segments',
    authorization: async (f) => bearer(`${await f.valid()}.${b64url('extra')}`),
    expect: REJECTED,
  },
  {
    name: 'five segments (JWE shape)',
    authorization: async (f) => bearer(`${await f.valid()}.x.y`),
    expect: REJECTED,
  },
  {
    name: 'non-base64url segments',
    authorization: () => bearer('e!y*.J~h%.s@g$'),
    expect: REJECTED,
  },
  {
    name: 'header is a JSON string',
    authorization: (f) =>
      bearer(compactJws('"x"', f.claims(), { alg: 'RS256', key: f.rsa.privateKey })),
    expect: REJECTED,
  },
  {
    name: 'header is a JSON array',
    authorization: (f) =>
      bearer(compactJws('[]', f.claims(), { alg: 'RS256', key: f.rsa.privateKey })),
    expect: REJECTED,
  },
  {
    name: 'header is JSON null',
    authorization: (f) =>
      bearer(compactJws('null', f.claims(), { alg: 'RS256', key: f.rsa.privateKey })),
    expect: REJECTED,
  },
  {
    name: 'header is not JSON',
    authorization: (f) =>
      bearer(compactJws('{alg:RS256', f.claims(), { alg: 'RS256', key: f.rsa.privateKey })),
    expect: REJECTED,
  },
  {
    name: 'payload is not JSON (validly signed)',
    authorization: (f) =>
      bearer(
        compactJws({ alg: 'RS256', kid: f.rsa.kid }, 'not json at all', {
          alg: 'RS256',
          key: f.rsa.privateKey,
        }),
      ),
    expect: REJECTED,
  },
  {
    name: 'payload is not JSON, header typ JWT (validly signed)',
    authorization: (f) =>
      bearer(
        compactJws({ alg: 'RS256', typ: 'JWT', kid: f.rsa.kid }, '{"sub":', {
          alg: 'RS256',
          key: f.rsa.privateKey,
        }),
      ),
    expect: REJECTED,
  },
  {
    name: 'payload is a JSON array, header typ JWT (validly signed)',
    authorization: (f) =>
      bearer(
        compactJws({ alg: 'RS256', typ: 'JWT', kid: f.rsa.kid }, '[]', {
          alg: 'RS256',
          key: f.rsa.privateKey,
        }),
      ),
    expect: REJECTED,
  },
  {
    name: 'payload is JSON null, header typ JWT (validly signed)',
    authorization: (f) =>
      bearer(
        compactJws({ alg: 'RS256', typ: 'JWT', kid: f.rsa.kid }, 'null', {
          alg: 'RS256',
          key: f.rsa.privateKey,
        }),
      ),
    expect: REJECTED,
  },

  // ── the Authorization value itself ─────────────────────────────────────────────────────────
  {
    name: '"Basic" scheme',
    authorization: () => `Basic ${Buffer.from('admin:admin').toString('base64')}`,
    expect: REJECTED,
    tokenSent: false,
  },
  {
    name: '"Bearer " with an empty token',
    authorization: () => 'Bearer ',
    expect: REJECTED,
    tokenSent: false,
  },
  {
    name: '"Bearer" with no token at all',
    authorization: () => 'Bearer',
    expect: REJECTED,
    tokenSent: false,
  },
  {
    name: 'two valid tokens separated by a space',
    authorization: async (f) => bearer(`${await f.valid()} ${await f.valid({ sub: 'bob' })}`),
    expect: REJECTED,
  },
  {
    name: 'valid token without any scheme',
    authorization: (f) => f.valid(),
    expect: REJECTED,
  },
  {
    name: 'service token without any scheme',
    authorization: (f) => f.serviceToken,
    expect: REJECTED,
  },
  {
    name: 'service token with one character appended',
    authorization: (f) => bearer(`${f.serviceToken}x`),
    expect: REJECTED,
  },
  {
    name: 'service token missing its last character',
    authorization: (f) => bearer(f.serviceToken.slice(0, -1)),
    expect: REJECTED,
  },
  {
    name: 'service token twice, separated by a space',
    authorization: (f) => bearer(`${f.serviceToken} ${f.serviceToken}`),
    expect: REJECTED,
  },
];

describe('adversarial bearer tokens on REST and gRPC', () => {
  let jwks: JwksServer;
  let attacker: JwksServer;
  let coordinator: Coordinator;
  let env: Record<string, string>;
  let fixture: Fixture;
  /** Coordinators that died during a case, and the case that killed each. */
  const crashed: { testName: string; coordinator: Coordinator }[] = [];
  /** Every credential sent to the coordinator, for the "never logged" check at the end. */
  const sent = new Set<string>();

  beforeAll(async () => {
    const [rsa, rsa2, ec, pinned, enc, impostor] = await Promise.all([
      generateRsaKey('rsa-1'),
      generateRsaKey('rsa-2'),
      generateEcKey('ec-1'),
      generateRsaKey('rsa-pinned', { pinAlg: 'RS256' }),
      generateRsaKey('rsa-enc', { use: 'enc' }),
      generateRsaKey('rsa-1'),
    ]);
    const oct = generateOctKey('oct-1');
    jwks = await startJwksServer([rsa.jwk, rsa2.jwk, ec.jwk, pinned.jwk, enc.jwk, oct.jwk]);
    attacker = await startJwksServer([{ ...impostor.jwk, kid: 'attacker-key' }]);
    const serviceToken = randomBytes(32).toString('base64url');
    const issuer = jwks.issuer;
    const claims = (extra: Record<string, unknown> = {}): JWTPayload => ({
      iss: issuer,
      aud: AUDIENCE,
      sub: 'alice',
      iat: nowSecs(),
      exp: nowSecs() + 300,
      [ROLE_CLAIM]: ['reader'],
      ...extra,
    });
    fixture = {
      issuer,
      serviceToken,
      rsa,
      rsa2,
      ec,
      pinned,
      enc,
      impostor,
      oct,
      attacker,
      claims,
      valid: (extra) => mintJwt(rsa, claims(extra)),
    };
    sent.add(serviceToken);
    env = {
      // JWKS URI left unset: discovered from <issuer>/.well-known/openid-configuration.
      KRISHIV_OIDC_ISSUER: issuer,
      KRISHIV_OIDC_AUDIENCE: AUDIENCE,
      KRISHIV_OIDC_JWKS_COOLDOWN_SECS: '1',
      KRISHIV_COORDINATOR_BEARER_TOKEN: serviceToken,
    };
    coordinator = await startCoordinator({ env });
  });

  // A case that kills the coordinator fails by itself; the next case gets a fresh process so the
  // rest of the table still means something, and the liveness test below names the culprit.
  beforeEach(async () => {
    if (coordinator && !isAlive(coordinator)) coordinator = await startCoordinator({ env });
  });

  afterAll(async () => {
    closeGrpcClients();
    await coordinator?.stop();
    for (const dead of crashed) await dead.coordinator.stop();
    await jwks?.close();
    await attacker?.close();
  });

  interface RestOutcome {
    status: number;
    wwwAuthenticate: string | null;
    body: any;
    text: string;
  }

  async function rest(path: string, authorization: string, body?: object): Promise<RestOutcome> {
    const headers: Record<string, string> = { authorization, accept: 'application/json' };
    if (body) headers['content-type'] = 'application/json';
    const response = await fetch(`${coordinator.httpUrl}${path}`, {
      method: body ? 'POST' : 'GET',
      headers,
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return {
      status: response.status,
      wwwAuthenticate: response.headers.get('www-authenticate'),
      body: parsed,
      text,
    };
  }

  /** The four calls of one case: whoami and a SELECT 1 query, on REST and on gRPC. */
  async function callAll(authorization: string) {
    sent.add(authorization);
    const token = authorization.replace(/^\S+\s*/, '').trim();
    if (token.length > 0) sent.add(token);
    const calls = Promise.all([
      rest('/api/v1/auth/whoami', authorization),
      rest('/api/v1/query', authorization, { sql: 'SELECT 1 AS one' }),
      callGrpc(coordinator.grpcAddress, 'AuthService', 'WhoAmI', {}, undefined, authorization),
      callGrpc(
        coordinator.grpcAddress,
        'QueryService',
        'ExecuteQuery',
        { sql: 'SELECT 1 AS one' },
        undefined,
        authorization,
      ),
    ]);
    const [whoami, query, grpcWhoami, grpcQuery] = await calls.catch(async (err: unknown) => {
      throw (await coordinatorExit()) ?? err;
    });
    return { whoami, query, grpcWhoami, grpcQuery };
  }

  /** When a call failed because the coordinator died: an error saying so, with its last words. */
  async function coordinatorExit(): Promise<Error | undefined> {
    const deadline = Date.now() + 2000;
    while (isAlive(coordinator)) {
      if (Date.now() > deadline) return undefined;
      await new Promise((r) => setTimeout(r, 20));
    }
    if (!crashed.some((c) => c.coordinator === coordinator)) {
      crashed.push({ testName: expect.getState().currentTestName ?? '?', coordinator });
    }
    const code = coordinator.process.exitCode ?? coordinator.process.signalCode;
    return new Error(
      `the coordinator process exited (${code}) while handling this credential; its last output:\n` +
        coordinator.logs().slice(-1500),
    );
  }

  interface RejectionChecks {
    /** A bearer token was sent, so the challenge must say `error="invalid_token"`. */
    tokenSent: boolean;
    /**
     * Both transports received the same value. Not so when it has surrounding whitespace: HTTP/1.1
     * strips it, while HTTP/2 (RFC 9113 §8.2.1) forbids it and the gRPC server drops the header.
     */
    sameInput: boolean;
    secrets: string[];
  }

  function expectRejected(outcome: RestOutcome, grpcOutcome: GrpcOutcome, checks: RejectionChecks) {
    expect(outcome.wwwAuthenticate).toMatch(/^Bearer realm="krishiv"/);
    if (checks.tokenSent) expect(outcome.wwwAuthenticate).toContain('error="invalid_token"');
    expect(outcome.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: expect.any(String),
    });
    expect(outcome.body.message).not.toBe('');
    // The same message on both transports.
    if (checks.sameInput) expect(grpcOutcome.message).toBe(outcome.body.message);
    for (const secret of checks.secrets.filter((s) => s.length >= 8)) {
      expect(outcome.text).not.toContain(secret);
      expect(outcome.wwwAuthenticate).not.toContain(secret);
      expect(grpcOutcome.message).not.toContain(secret);
    }
  }

  it('accepts a well-formed reader token on both transports (so the rejections mean something)', async () => {
    const token = await fixture.valid();
    const { whoami, query, grpcWhoami, grpcQuery } = await callAll(bearer(token));
    expect(whoami.status).toBe(200);
    expect(whoami.body).toEqual({
      subject: 'alice',
      role: 'reader',
      method: 'oidc',
      issuer: fixture.issuer,
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(query.status).toBe(200);
    expect(query.body.rows).toEqual([[1]]);
    expect(grpcWhoami.code).toBe(status.OK);
    expect(grpcWhoami.response).toMatchObject({ subject: 'alice', role: 'reader', method: 'oidc' });
    expect(grpcQuery.code).toBe(status.OK);
    // The keys were found through OpenID discovery.
    expect(jwks.requests(DISCOVERY_PATH)).toBeGreaterThanOrEqual(1);
    expect(jwks.requests(JWKS_PATH)).toBeGreaterThanOrEqual(1);
  });

  it(`covers at least 30 rejected cases`, () => {
    expect(CASES.filter((c) => c.expect === REJECTED).length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES)('$name', async (c) => {
    const authorization = await c.authorization(fixture);
    const { whoami, query, grpcWhoami, grpcQuery } = await callAll(authorization);

    expect({
      rest: { whoami: whoami.status, query: query.status },
      grpc: { whoami: grpcWhoami.code, query: grpcQuery.code },
    }).toEqual({ rest: c.expect.rest, grpc: c.expect.grpc });

    const checks: RejectionChecks = {
      tokenSent: c.tokenSent ?? true,
      sameInput: authorization === authorization.trim(),
      secrets: [authorization, authorization.replace(/^\S+\s*/, '').trim()],
    };
    if (c.expect.rest.whoami === 401) expectRejected(whoami, grpcWhoami, checks);
    if (c.expect.rest.query === 401) expectRejected(query, grpcQuery, checks);
    if (c.expect.principal) {
      expect(whoami.body).toMatchObject(c.expect.principal);
      expect(grpcWhoami.response).toMatchObject({
        role: c.expect.principal.role ?? '',
        method: c.expect.principal.method,
      });
    }
    if (c.expect.rest.query === 403) {
      expect(query.wwwAuthenticate).toContain('error="insufficient_scope"');
      expect(query.body).toEqual({
        statusCode: 403,
        error: 'Forbidden',
        message: expect.stringContaining(ROLE_CLAIM),
        requiredRole: 'reader',
      });
      expect(grpcQuery.message).toBe(query.body.message);
    }
    if (c.expect.rest.query === 200) {
      expect(query.body.rows).toEqual([[1]]);
    }
  });

  it('shares one JWKS fetch among a burst of unknown kids (cooldown), and rejects them all', async () => {
    // Let the cooldown window of earlier unknown-kid cases pass, so the burst may fetch once.
    await new Promise((r) => setTimeout(r, 1100));
    const before = jwks.requests(JWKS_PATH);
    const tokens = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        mintJwt(fixture.rsa, fixture.claims(), {
          kid: `burst-${i}-${randomBytes(4).toString('hex')}`,
        }),
      ),
    );
    tokens.forEach((t) => sent.add(t));
    const outcomes = await Promise.all(
      tokens.flatMap((t) => [
        rest('/api/v1/auth/whoami', bearer(t)).then((o) => o.status),
        callGrpc(coordinator.grpcAddress, 'AuthService', 'WhoAmI', {}, t).then((o) => o.code),
      ]),
    );
    expect(outcomes.filter((_, i) => i % 2 === 0)).toEqual(tokens.map(() => 401));
    expect(outcomes.filter((_, i) => i % 2 === 1)).toEqual(
      tokens.map(() => status.UNAUTHENTICATED),
    );
    const fetched = jwks.requests(JWKS_PATH) - before;
    expect(fetched).toBeGreaterThanOrEqual(1);
    expect(fetched).toBeLessThanOrEqual(2);
  });

  it('never follows a jku/x5u header to another key server', () => {
    expect(attacker.requests()).toBe(0);
  });

  it('is still alive and healthy, and counted the invalid credentials', async () => {
    expect(crashed.map((c) => c.testName)).toEqual([]);
    expect(isAlive(coordinator)).toBe(true);
    const health = await fetch(`${coordinator.httpUrl}/healthz`);
    expect(health.status).toBe(200);
    const metrics = await (await fetch(`${coordinator.httpUrl}/metrics`)).text();
    const invalid = [...metrics.matchAll(/^krishiv_auth_decisions_total\{([^}]*)\}\s+(\S+)$/gm)]
      .filter(([, labels]) => labels.includes('result="invalid"'))
      .reduce((sum, [, , value]) => sum + Number(value), 0);
    expect(invalid).toBeGreaterThan(0);
    // Each rejected case sent four requests; at least one per case carried a credential.
    expect(invalid).toBeGreaterThanOrEqual(CASES.filter((c) => c.expect === REJECTED).length);
    // No request of this suite ended in a server error (the start-up /readyz polls aside).
    const outcomes = [
      ...metrics.matchAll(/^krishiv_request_duration_seconds_count\{([^}]*)\}/gm),
    ].map(([, labels]) => labels);
    expect(outcomes.length).toBeGreaterThan(0);
    expect(
      outcomes.filter(
        (labels) =>
          !labels.includes('operation="GET /readyz"') &&
          /status="(5\d\d|INTERNAL|UNKNOWN|UNAVAILABLE|DATA_LOSS)"/.test(labels),
      ),
    ).toEqual([]);
  });

  it('never wrote any of the credentials to its logs', () => {
    expect(sent.size).toBeGreaterThan(CASES.length);
    const logs = [...crashed.map((c) => c.coordinator.logs()), coordinator.logs()].join('\n');
    expectNoSecretsIn(logs, sent);
  });
});
