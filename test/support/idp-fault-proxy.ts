import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * What the proxy does to each request:
 * - `pass`: forwards to the provider unchanged;
 * - `down`: the port is closed, so connections are refused;
 * - `slow`: answers 200 at once, then trickles the real body over 10 s;
 * - `invalid-json`: answers 200 with a body that is not JSON;
 * - `unsupported-keys`: answers a well-formed JWKS holding only keys no accepted algorithm uses;
 * - `huge`: answers the real JWKS padded to 5 MiB (valid JSON, so only a size cap refuses it).
 */
export type FaultMode = 'pass' | 'down' | 'slow' | 'invalid-json' | 'unsupported-keys' | 'huge';

export interface IdpFaultProxy {
  /** Base URL of the proxy; the provider's paths are served below it unchanged. */
  url: string;
  setMode(mode: FaultMode): Promise<void>;
  /** Requests that reached the proxy (a refused connection never does). */
  requests(): number;
  close(): Promise<void>;
}

export const SLOW_RESPONSE_MS = 10_000;
export const HUGE_BODY_BYTES = 5 * 1024 * 1024;

/**
 * Keys of types no accepted algorithm uses: Ed25519 and secp256k1 (both of which jwks-rsa would
 * happily import), an `oct` secret, and an RSA key published for encryption.
 */
export function unsupportedKeys(): object[] {
  const jwk = (key: KeyObject) => key.export({ format: 'jwk' });
  return [
    { ...jwk(generateKeyPairSync('ed25519').publicKey), kid: 'unsupported-okp', use: 'sig' },
    {
      ...jwk(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey),
      kid: 'unsupported-k256',
      use: 'sig',
    },
    { kty: 'oct', kid: 'unsupported-oct', use: 'sig', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0' },
    {
      ...jwk(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey),
      kid: 'unsupported-enc',
      use: 'enc',
    },
  ];
}

/**
 * A fault-injecting HTTP proxy in front of the test OIDC provider, switchable at runtime. `down`
 * really closes the listening socket (connection refused) and reopens it on the same port.
 */
export async function startIdpFaultProxy(upstream: string): Promise<IdpFaultProxy> {
  let mode: FaultMode = 'pass';
  let count = 0;
  let server: Server | undefined;
  let port = 0;
  const timers = new Set<NodeJS.Timeout>();
  const unsupported = JSON.stringify({ keys: unsupportedKeys() });

  const upstreamBody = async (req: IncomingMessage): Promise<Response> =>
    fetch(new URL(req.url ?? '/', upstream), { headers: { accept: 'application/json' } });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    count++;
    switch (mode) {
      case 'invalid-json':
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end('{"keys": [ this is not json');
      case 'unsupported-keys': {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(unsupported);
      }
      case 'huge': {
        const real = (await (await upstreamBody(req)).json()) as object;
        const head = JSON.stringify(real).slice(0, -1);
        const filler = HUGE_BODY_BYTES - head.length - 16;
        // No content-length: the cap must hold while the body streams in, not only up front.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(`${head},"padding":"`);
        const chunk = 'x'.repeat(64 * 1024);
        for (let sent = 0; sent < filler; sent += chunk.length) {
          if (!res.write(chunk.slice(0, Math.min(chunk.length, filler - sent)))) {
            await new Promise((r) => res.once('drain', r));
          }
          if (res.destroyed) return;
        }
        return res.end('"}');
      }
      case 'slow': {
        const text = await (await upstreamBody(req)).text();
        res.writeHead(200, { 'content-type': 'application/json' });
        const steps = 40;
        const slice = Math.ceil(text.length / steps);
        for (let i = 0; i < steps && !res.destroyed; i++) {
          res.write(text.slice(i * slice, (i + 1) * slice));
          await new Promise<void>((r) => {
            const t = setTimeout(() => {
              timers.delete(t);
              r();
            }, SLOW_RESPONSE_MS / steps);
            timers.add(t);
          });
        }
        return res.end();
      }
      default: {
        const response = await upstreamBody(req);
        const text = await response.text();
        res.writeHead(response.status, {
          'content-type': response.headers.get('content-type') ?? 'application/json',
        });
        return res.end(text);
      }
    }
  };

  const listen = async () => {
    server = createServer((req, res) => {
      handle(req, res).catch(() => res.destroy());
    });
    server.keepAliveTimeout = 500;
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(port, '127.0.0.1', () => resolve());
    });
    port = (server.address() as AddressInfo).port;
  };
  const unlisten = async () => {
    const s = server;
    server = undefined;
    if (!s) return;
    for (const t of timers) clearTimeout(t);
    timers.clear();
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  await listen();
  return {
    url: `http://127.0.0.1:${port}`,
    setMode: async (next) => {
      if (next === 'down' && server) await unlisten();
      if (next !== 'down' && !server) await listen();
      mode = next;
    },
    requests: () => count,
    close: unlisten,
  };
}
