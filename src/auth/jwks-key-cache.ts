import { createPublicKey, KeyObject } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { JwksClient } from 'jwks-rsa';
import { OidcConfig } from '../config/app-config';
import { UnauthenticatedError } from '../common/errors/coordinator.error';
import { MetricsService } from '../metrics/metrics.service';

export interface CachedKey {
  kid?: string;
  key: KeyObject;
  /** The JWK's own `alg`, when it pins one. */
  alg?: string;
}

type FetchTrigger = 'startup' | 'refresh' | 'unknown-kid';

const MAX_BACKOFF_MS = 60_000;

/**
 * The OIDC provider's signing keys as ready-to-use `KeyObject`s.
 *
 * - Keys are refreshed every `refreshSecs`; a failed refresh keeps the last good keys.
 * - An unknown `kid` triggers at most one fetch per cooldown window, and concurrent misses share
 *   the fetch in flight (the single-flight/cooldown pair that Envoy, Trino and Temporal lack).
 * - Until the first successful fetch, retries back off from 1 s to 60 s.
 */
export class JwksKeyCache {
  private readonly logger = new Logger(JwksKeyCache.name);
  private keys = new Map<string, CachedKey>();
  private unnamed: CachedKey[] = [];
  private inFlight: Promise<void> | undefined;
  private lastFetchStartedAt = 0;
  private lastSuccessAt = 0;
  private failing = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private backoffMs = 1000;
  private jwksUri: string | undefined;
  private client: JwksClient | undefined;
  private stopped = false;
  /** Bumped whenever the key set changes, so verified-token caches can drop stale entries. */
  public generation = 0;

  constructor(
    private readonly oidc: OidcConfig,
    private readonly metrics: MetricsService,
  ) {
    this.jwksUri = oidc.jwksUri;
  }

  public get ready(): boolean {
    return this.lastSuccessAt > 0;
  }

  public get keyCount(): number {
    return this.keys.size + this.unnamed.length;
  }

  public get source(): string | undefined {
    return this.jwksUri ?? this.oidc.issuer;
  }

  public start(): void {
    void this.fetch('startup');
    this.refreshTimer = setInterval(() => void this.fetch('refresh'), this.oidc.refreshSecs * 1000);
    this.refreshTimer.unref();
  }

  public stop(): void {
    this.stopped = true;
    clearInterval(this.refreshTimer);
    clearTimeout(this.retryTimer);
  }

  /** The key for a token header, fetching the JWKS again when the `kid` is new to us. */
  public async keyFor(kid: string | undefined): Promise<CachedKey> {
    const found = this.lookup(kid);
    if (found) return found;
    if (this.inFlight) {
      await this.inFlight;
    } else if (Date.now() - this.lastFetchStartedAt >= this.oidc.cooldownSecs * 1000) {
      await this.fetch('unknown-kid');
    }
    const after = this.lookup(kid);
    if (after) return after;
    if (!this.ready) {
      throw new UnauthenticatedError(
        'signing keys of the identity provider are not available yet; retry shortly',
      );
    }
    throw new UnauthenticatedError(
      kid === undefined
        ? 'token has no kid and the provider publishes several keys'
        : `token is signed by key "${kid.slice(0, 64)}", which the identity provider does not publish`,
    );
  }

  private lookup(kid: string | undefined): CachedKey | undefined {
    if (kid !== undefined) return this.keys.get(kid);
    const all = [...this.keys.values(), ...this.unnamed];
    return all.length === 1 ? all[0] : undefined;
  }

  private fetch(trigger: FetchTrigger): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.inFlight) return this.inFlight;
    this.lastFetchStartedAt = Date.now();
    this.inFlight = this.load()
      .then(
        (keys) => this.install(keys, trigger),
        (err: unknown) => this.recordFailure(err, trigger),
      )
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }

  private async load(): Promise<CachedKey[]> {
    if (this.jwksUri === undefined) this.jwksUri = await this.discover();
    this.client ??= new JwksClient({
      jwksUri: this.jwksUri,
      cache: false,
      rateLimit: false,
      timeout: this.oidc.fetchTimeoutMs,
    });
    const signingKeys = await this.client.getSigningKeys();
    const keys: CachedKey[] = [];
    for (const signingKey of signingKeys) {
      const key = createPublicKey(signingKey.getPublicKey());
      // `oct` keys never reach here (jwks-rsa skips them), so HS* can never verify.
      keys.push({ kid: signingKey.kid, key, alg: (signingKey as { alg?: string }).alg });
    }
    if (keys.length === 0) throw new Error('the JWKS holds no usable signing keys');
    return keys;
  }

  /** OpenID Connect Discovery 1.0 §4: `<issuer>/.well-known/openid-configuration`. */
  private async discover(): Promise<string> {
    const issuer = this.oidc.issuer as string;
    const response = await fetch(`${issuer}/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(this.oidc.fetchTimeoutMs),
      headers: { accept: 'application/json' },
    });
    if (!response.ok) throw new Error(`discovery document answered HTTP ${response.status}`);
    const document = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
    if (typeof document.jwks_uri !== 'string')
      throw new Error('discovery document has no jwks_uri');
    if (typeof document.issuer === 'string' && document.issuer.replace(/\/+$/, '') !== issuer) {
      throw new Error(`discovery document names issuer "${document.issuer}", expected "${issuer}"`);
    }
    return document.jwks_uri;
  }

  private install(keys: CachedKey[], trigger: FetchTrigger): void {
    const named = new Map<string, CachedKey>();
    const unnamed: CachedKey[] = [];
    for (const k of keys) {
      if (k.kid === undefined) unnamed.push(k);
      else named.set(k.kid, k);
    }
    if (!sameKeys(this.keys, named) || this.unnamed.length !== unnamed.length) this.generation++;
    this.keys = named;
    this.unnamed = unnamed;
    this.lastSuccessAt = Date.now();
    this.backoffMs = 1000;
    this.metrics.jwksFetches.inc({ trigger, result: 'success' });
    this.metrics.jwksKeys.set(this.keyCount);
    this.metrics.jwksLastSuccess.set(this.lastSuccessAt / 1000);
    if (this.failing)
      this.logger.log(`JWKS fetch from ${this.source} recovered (${this.keyCount} keys)`);
    this.failing = false;
  }

  private recordFailure(err: unknown, trigger: FetchTrigger): void {
    this.metrics.jwksFetches.inc({ trigger, result: 'failure' });
    const message = err instanceof Error ? err.message : String(err);
    // One log line per failure episode, not per attempt.
    if (!this.failing) {
      this.logger.warn(
        `JWKS fetch from ${this.source} failed: ${message}; ${this.ready ? 'keeping the last good keys' : 'will retry'}`,
      );
    }
    this.failing = true;
    if (!this.ready && !this.stopped) {
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => void this.fetch('startup'), this.backoffMs);
      this.retryTimer.unref();
      this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    }
  }
}

function sameKeys(a: Map<string, CachedKey>, b: Map<string, CachedKey>): boolean {
  if (a.size !== b.size) return false;
  for (const [kid, entry] of a) {
    const other = b.get(kid);
    if (!other || !other.key.equals(entry.key)) return false;
  }
  return true;
}
