import {
  constants,
  createHmac,
  generateKeyPair,
  KeyObject,
  randomBytes,
  sign as cryptoSign,
} from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { base64url, exportJWK, JWK, JWTPayload, SignJWT } from 'jose';

/**
 * A stand-in OIDC provider for end-to-end tests: a loopback HTTP server that publishes a JWKS at
 * `/jwks.json` and a discovery document at `/.well-known/openid-configuration`. The key list can
 * be swapped at runtime (rotation, removal) and every request is counted, so tests can assert how
 * often the coordinator fetched keys.
 */
export interface JwksServer {
  /** The issuer URL (`http://127.0.0.1:<port>`, no trailing slash); discovery lives below it. */
  issuer: string;
  jwksUri: string;
  discoveryUri: string;
  /** Replaces the published key list; takes effect on the next fetch. */
  setKeys(keys: JWK[]): void;
  keys(): JWK[];
  /** Requests served so far, for one path or in total. */
  requests(path?: string): number;
  /** Answer every request with this HTTP status instead (e.g. 503), or `undefined` to recover. */
  failWith(status: number | undefined): void;
  close(): Promise<void>;
}

export const JWKS_PATH = '/jwks.json';
export const DISCOVERY_PATH = '/.well-known/openid-configuration';

export async function startJwksServer(initialKeys: JWK[] = []): Promise<JwksServer> {
  let published = [...initialKeys];
  let failure: number | undefined;
  const counts = new Map<string, number>();
  let issuer = '';

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        'cache-control': 'no-store',
      });
      res.end(text);
    };
    if (failure !== undefined) return send(failure, { error: 'unavailable' });
    if (req.method !== 'GET') return send(405, { error: 'method not allowed' });
    if (path === JWKS_PATH) return send(200, { keys: published });
    if (path === DISCOVERY_PATH) {
      return send(200, {
        issuer,
        jwks_uri: `${issuer}${JWKS_PATH}`,
        id_token_signing_alg_values_supported: ['RS256', 'PS256', 'ES256'],
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
      });
    }
    return send(404, { error: 'not found' });
  });
  server.keepAliveTimeout = 1000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  issuer = `http://127.0.0.1:${port}`;

  return {
    issuer,
    jwksUri: `${issuer}${JWKS_PATH}`,
    discoveryUri: `${issuer}${DISCOVERY_PATH}`,
    setKeys: (keys) => {
      published = [...keys];
    },
    keys: () => [...published],
    requests: (path) =>
      path === undefined
        ? [...counts.values()].reduce((a, b) => a + b, 0)
        : (counts.get(path) ?? 0),
    failWith: (status) => {
      failure = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A signing key pair plus the public JWK a provider would publish for it. */
export interface TestKey {
  kid: string;
  /** The algorithm tokens signed by this key use unless told otherwise. */
  alg: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public JWK (with `kid`, `use`, and `alg` when pinned). */
  jwk: JWK;
}

export interface KeyOptions {
  /** Pins `alg` in the published JWK (providers may, and then only that algorithm fits). */
  pinAlg?: string;
  /** `use` of the published JWK; `sig` unless told otherwise, `null` to omit it. */
  use?: string | null;
}

const generateKeyPairAsync = promisify(generateKeyPair);

async function toTestKey(
  kid: string,
  alg: string,
  pair: { publicKey: KeyObject; privateKey: KeyObject },
  options: KeyOptions,
): Promise<TestKey> {
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid };
  if (options.use !== null) jwk.use = options.use ?? 'sig';
  if (options.pinAlg) jwk.alg = options.pinAlg;
  return { kid, alg: options.pinAlg ?? alg, ...pair, jwk };
}

export async function generateRsaKey(kid: string, options: KeyOptions = {}): Promise<TestKey> {
  const pair = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  return toTestKey(kid, 'RS256', pair, options);
}

export async function generateEcKey(
  kid: string,
  curve: 'P-256' | 'P-384' | 'P-521' = 'P-256',
  options: KeyOptions = {},
): Promise<TestKey> {
  const pair = await generateKeyPairAsync('ec', { namedCurve: curve });
  const alg = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' }[curve];
  return toTestKey(kid, alg, pair, options);
}

/** A symmetric secret published as an `oct` JWK (which must never verify anything). */
export function generateOctKey(kid: string): { kid: string; secret: Buffer; jwk: JWK } {
  const secret = randomBytes(32);
  return { kid, secret, jwk: { kty: 'oct', kid, k: base64url.encode(secret), use: 'sig' } };
}

/** A well-formed token signed with jose's `SignJWT`; the header gets `kid` and `typ: JWT`. */
export function mintJwt(
  key: TestKey,
  claims: JWTPayload,
  header: { alg?: string; kid?: string | null; [name: string]: unknown } = {},
): Promise<string> {
  const { alg = key.alg, kid = key.kid, ...rest } = header;
  const protectedHeader = { typ: 'JWT', ...rest, alg, ...(kid === null ? {} : { kid }) };
  return new SignJWT(claims).setProtectedHeader(protectedHeader).sign(key.privateKey);
}

export const b64url = (data: string | Uint8Array): string => base64url.encode(data);

/**
 * Assembles a compact JWS by hand, for tokens no well-behaved library would produce: any header
 * value (objects, arrays, strings), a raw payload string, and a signature computed with
 * `signAlg` and `key` (independent of what the header claims), or none at all.
 */
export function compactJws(
  header: unknown,
  payload: unknown,
  signing?: { alg: string; key: KeyObject | Buffer | string },
): string {
  const encodedHeader = b64url(typeof header === 'string' ? header : JSON.stringify(header));
  const encodedPayload = b64url(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const input = `${encodedHeader}.${encodedPayload}`;
  if (!signing) return `${input}.`;
  return `${input}.${b64url(signJws(signing.alg, input, signing.key))}`;
}

/** The raw JWS signature over `input` (RFC 7518 §3): HS*, RS*, PS* and ES* (IEEE P1363 form). */
export function signJws(alg: string, input: string, key: KeyObject | Buffer | string): Buffer {
  const match = /^(HS|RS|PS|ES)(256|384|512)$/.exec(alg);
  if (!match) throw new Error(`cannot sign with ${alg}`);
  const digest = `sha${match[2]}`;
  const data = Buffer.from(input);
  switch (match[1]) {
    case 'HS':
      return createHmac(digest, key as Buffer | string | KeyObject)
        .update(data)
        .digest();
    case 'RS':
      return cryptoSign(digest, data, key as KeyObject);
    case 'PS':
      return cryptoSign(digest, data, {
        key: key as KeyObject,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
      });
    default:
      return cryptoSign(digest, data, { key: key as KeyObject, dsaEncoding: 'ieee-p1363' });
  }
}

/** Splits a compact JWS into its decoded header and payload objects and the raw segments. */
export function decodeCompact(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  segments: string[];
} {
  const segments = token.split('.');
  const parse = (s: string) =>
    JSON.parse(Buffer.from(base64url.decode(s)).toString('utf8')) as Record<string, unknown>;
  return { header: parse(segments[0]), payload: parse(segments[1]), segments };
}
