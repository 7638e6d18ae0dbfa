// OIDC for the benchmarks: the project's real OpenID Provider (test/support/oidc-provider.mjs, run
// as its own process) for RS256 access tokens, and a small in-process JWKS server with locally
// minted tokens where the benchmark must count key fetches or hand out forged tokens.
import { generateKeyPair, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, tmpPath } from './paths.mjs';
import { readyLine, spawnNode, stopChild } from './procs.mjs';

const require = createRequire(join(REPO_ROOT, 'package.json'));
const { SignJWT, exportJWK, base64url } = require('jose');

export const OIDC_AUDIENCE = 'krishiv-test';

/** The project's OpenID Provider (oidc-provider) on a free loopback port. */
export async function startOidcProvider() {
  const child = spawnNode([join(REPO_ROOT, 'test', 'support', 'oidc-provider.mjs'), '0'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    cwd: REPO_ROOT,
    logFile: tmpPath('logs', `oidc-provider-${Date.now().toString(36)}.log`),
    pipeStdout: true,
  });
  const ready = await readyLine(child, 30_000, 'OIDC provider');
  const control = async (path) => (await fetch(`${ready.issuer}/__control/${path}`)).json();
  return {
    issuer: ready.issuer,
    jwksUri: ready.jwksUri,
    audience: ready.audience ?? OIDC_AUDIENCE,
    /** A fresh access token (client-credentials grant); `admin-client` carries role admin. */
    token: async (client = 'admin-client') => {
      const response = await fetch(`${ready.issuer}/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${client}:${client}-secret`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource: ready.resource }).toString(),
      });
      const body = await response.json();
      if (!response.ok || typeof body.access_token !== 'string') {
        throw new Error(`token for ${client}: HTTP ${response.status} ${JSON.stringify(body)}`);
      }
      return body.access_token;
    },
    jwksRequestCount: async () => (await control('stats')).jwksRequests,
    stop: () => stopChild(child, 5_000),
  };
}

const generateKeyPairAsync = promisify(generateKeyPair);

/** An RSA-2048 signing key with its public JWK. */
export async function rsaKey(kid = `k-${randomUUID()}`) {
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, publicKey, privateKey, jwk };
}

/** An RS256 JWT with `kid`, signed by `key`. */
export function mintToken(key, claims, ttlSecs = 3600) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSecs)
    .sign(key.privateKey);
}

/**
 * A well-formed RS256 token naming a random key id that no JWKS publishes, with a random
 * signature: what an attacker (or a client of another deployment) sends. Cheap to make in bulk.
 */
export function unknownKidToken(claims) {
  const header = base64url.encode(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: `unknown-${randomUUID()}` }));
  const payload = base64url.encode(JSON.stringify(claims));
  return `${header}.${payload}.${base64url.encode(randomBytes(256))}`;
}

/** A JWKS endpoint on 127.0.0.1 that counts its requests. */
export async function startJwksServer(keys) {
  let requests = 0;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/jwks.json') {
      requests++;
      const body = JSON.stringify({ keys });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    res.writeHead(404).end();
  });
  server.keepAliveTimeout = 1000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const issuer = `http://127.0.0.1:${server.address().port}`;
  return {
    issuer,
    jwksUri: `${issuer}/jwks.json`,
    requests: () => requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
