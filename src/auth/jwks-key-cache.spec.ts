import { generateKeyPairSync } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { OidcConfig } from '../config/app-config';
import { loadConfig } from '../config/env.schema';
import { MetricsService } from '../metrics/metrics.service';
import { JwksKeyCache, MAX_JWKS_BYTES } from './jwks-key-cache';

type Mode = 'keys' | 'hang' | 'declared-huge' | 'ed25519-only';

const rsa = {
  ...generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }),
  kid: 'rsa-1',
  use: 'sig',
};
const ed25519 = {
  ...generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }),
  kid: 'ed-1',
  use: 'sig',
};

describe('JwksKeyCache', () => {
  let server: Server;
  let url: string;
  let mode: Mode = 'keys';
  let cache: JwksKeyCache | undefined;
  let metrics: MetricsService;

  beforeAll(async () => {
    server = createServer((_req: IncomingMessage, res: ServerResponse) => {
      if (mode === 'hang') return; // never answers
      if (mode === 'declared-huge') {
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-length': String(5 * 1024 * 1024),
        });
        return res.write('{"keys":[');
      }
      const keys = mode === 'keys' ? [rsa] : [ed25519];
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    mode = 'keys';
    metrics = new MetricsService();
  });

  afterEach(() => {
    cache?.stop();
    server.closeAllConnections();
  });

  function oidcConfig(env: Record<string, string> = {}): OidcConfig {
    const result = loadConfig({
      KRISHIV_OIDC_JWKS_URI: url,
      KRISHIV_OIDC_JWKS_COOLDOWN_SECS: '0',
      ...env,
    });
    if (!result.ok) throw new Error(result.problems.join('\n'));
    return result.config.oidc!;
  }

  async function readyCache(oidc: OidcConfig): Promise<JwksKeyCache> {
    cache = new JwksKeyCache(oidc, metrics);
    cache.start();
    const deadline = Date.now() + 5000;
    while (!cache.ready) {
      if (Date.now() > deadline) throw new Error('JWKS never fetched');
      await new Promise((r) => setTimeout(r, 20));
    }
    return cache;
  }

  const failures = async (reason: string) =>
    (await metrics.jwksFetchFailures.get()).values.find((v) => v.labels.reason === reason)?.value ??
    0;

  it('never keeps a caller longer than the default 5 s fetch timeout', async () => {
    const oidc = oidcConfig();
    expect(oidc.fetchTimeoutMs).toBe(5000);
    const keys = await readyCache(oidc);
    mode = 'hang';
    const started = Date.now();
    await expect(keys.keyFor('not-published')).rejects.toThrow(/does not publish/);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(4900);
    expect(elapsed).toBeLessThan(6500);
    expect(await failures('timeout')).toBe(1);
    // The cached key is still there.
    expect((await keys.keyFor('rsa-1')).kid).toBe('rsa-1');
  }, 15_000);

  it('drops a body whose declared length is over the cap without waiting for it', async () => {
    const keys = await readyCache(oidcConfig());
    mode = 'declared-huge';
    const started = Date.now();
    await expect(keys.keyFor('not-published')).rejects.toThrow(/does not publish/);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await failures('too_large')).toBe(1);
    expect(MAX_JWKS_BYTES).toBeLessThan(5 * 1024 * 1024);
    expect(keys.keyCount).toBe(1);
  });

  it('ignores key types no accepted algorithm uses and keeps the last good keys', async () => {
    const keys = await readyCache(oidcConfig());
    mode = 'ed25519-only';
    await expect(keys.keyFor('ed-1')).rejects.toThrow(/does not publish/);
    expect(await failures('no_usable_keys')).toBe(1);
    expect((await keys.keyFor('rsa-1')).kid).toBe('rsa-1');
  });

  it('refuses an unknown kid at once only while the cooldown forbids a fetch', async () => {
    const keys = await readyCache(oidcConfig({ KRISHIV_OIDC_JWKS_COOLDOWN_SECS: '60' }));
    // The start-up fetch began the cooldown: no fetch for an unknown kid now.
    expect(keys.immediateRefusal('rsa-1')).toBeUndefined();
    expect(keys.immediateRefusal('made-up')?.message).toMatch(/"made-up".*does not publish/);
    await expect(keys.keyFor('made-up')).rejects.toThrow(/does not publish/);
    keys.stop();

    const open = await readyCache(oidcConfig());
    // Cooldown 0: the unknown kid may trigger a fetch, so the refusal must wait for it.
    expect(open.immediateRefusal('made-up')).toBeUndefined();
  });

  it('does not fetch on behalf of callers before the first success', async () => {
    mode = 'hang';
    cache = new JwksKeyCache(oidcConfig({ KRISHIV_OIDC_JWKS_TIMEOUT_MS: '200' }), metrics);
    cache.start();
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    await expect(cache.keyFor('rsa-1')).rejects.toThrow(/not available yet/);
    expect(Date.now() - started).toBeLessThan(100);
    expect(cache.immediateRefusal('rsa-1')?.message).toMatch(/not available yet/);
    const fetches = (await metrics.jwksFetches.get()).values;
    expect(fetches.filter((v) => v.labels.trigger === 'unknown-kid')).toEqual([]);
  });
});
