import { createPublicKey, KeyObject } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { JwksClient } from 'jwks-rsa';
import { OidcConfig } from '../config/app-config';
import { UnauthenticatedError } from '../common/errors/coordinator.error';
import { MetricsService } from '../metrics/metrics.service';
import { fetchBoundedJson, JwksFailureReason, JwksFetchError } from './jwks-fetch';

export interface CachedKey {
  kid?: string;
  key: KeyObject;
  /** The JWK's own `alg`, when it pins one. */
  alg?: string;
}

type FetchTrigger = 'startup' | 'refresh' | 'unknown-kid';

const MAX_BACKOFF_MS = 60_000;
/** Real key sets are a few KiB; anything near this is a fault, not keys to parse. */
export const MAX_JWKS_BYTES = 1024 * 1024;
/** Curves of the ES256/ES384/ES512 algorithms; other EC keys can verify nothing we accept. */
const SUPPORTED_CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

/**
 * The OIDC provider's signing keys as ready-to-use `KeyObject`s.
 *
 * - Keys are refreshed every `refreshSecs`; a failed refresh keeps the last good keys.
 * - An unknown `kid` triggers at most one fetch per cooldown window, and concurrent misses share
 *   the fetch in flight (the single-flight/cooldown pair that Envoy, Trino and Temporal lack).
 * - Until the first successful fetch, retries back off from 1 s to 60 s; callers never trigger
 *   fetches of their own then, so the provider sees at most one attempt per backoff step.
 * - A caller never waits longer than the fetch timeout, which bounds the whole fetch (discovery,
 *   connect, headers and body); bodies over `MAX_JWKS_BYTES` are dropped unread.
 * - Keys of types no accepted algorithm can use are ignored; a set with none left is a failure,
 *   and the last good keys stay.
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
    // Before the first success the backoff schedule owns the retries.
    this.refreshTimer = setInterval(() => {
      if (this.ready) void this.fetch('refresh');
    }, this.oidc.refreshSecs * 1000);
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
      await this.boundedWait(this.inFlight);
    } else if (this.mayFetchForUnknownKid()) {
      await this.boundedWait(this.fetch('unknown-kid'));
    }
    const after = this.lookup(kid);
    if (after) return after;
    throw this.unknownKeyError(kid);
  }

  /**
   * The refusal `keyFor` would give at once, without a fetch to wait for: the `kid` is unknown,
   * no fetch is under way and the cooldown forbids another. Lets a flood of made-up key ids be
   * refused before any signature work.
   */
  public immediateRefusal(kid: string | undefined): UnauthenticatedError | undefined {
    if (this.lookup(kid) || this.inFlight || this.mayFetchForUnknownKid()) return undefined;
    return this.unknownKeyError(kid);
  }

  private mayFetchForUnknownKid(): boolean {
    return this.ready && Date.now() - this.lastFetchStartedAt >= this.oidc.cooldownSecs * 1000;
  }

  private unknownKeyError(kid: string | undefined): UnauthenticatedError {
    if (!this.ready) {
      return new UnauthenticatedError(
        'signing keys of the identity provider are not available yet; retry shortly',
      );
    }
    return new UnauthenticatedError(
      kid === undefined
        ? 'token has no kid and the provider publishes several keys'
        : `token is signed by key "${kid.slice(0, 64)}", which the identity provider does not publish`,
    );
  }

  /** A fetch ends by the timeout anyway; a caller that joins one late waits no longer either. */
  private async boundedWait(fetch: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.oidc.fetchTimeoutMs);
    });
    try {
      await Promise.race([fetch, timeout]);
    } finally {
      clearTimeout(timer);
    }
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
    // One deadline for the whole attempt, discovery included.
    const signal = AbortSignal.timeout(this.oidc.fetchTimeoutMs);
    if (this.jwksUri === undefined) this.jwksUri = await this.discover(signal);
    const client = new JwksClient({
      jwksUri: this.jwksUri,
      cache: false,
      rateLimit: false,
      fetcher: async (uri: string) => {
        const document = (await fetchBoundedJson(uri, signal, MAX_JWKS_BYTES)) as {
          keys?: unknown;
        } | null;
        if (typeof document !== 'object' || document === null || !Array.isArray(document.keys)) {
          throw new JwksFetchError(
            'invalid_document',
            'answered with a document that has no keys array',
          );
        }
        return { keys: document.keys };
      },
    });
    let signingKeys: Awaited<ReturnType<JwksClient['getSigningKeys']>>;
    try {
      signingKeys = await client.getSigningKeys();
    } catch (err) {
      if (err instanceof JwksFetchError) throw err;
      throw new JwksFetchError('no_usable_keys', 'published no usable signing keys');
    }
    const keys: CachedKey[] = [];
    let ignored = 0;
    for (const signingKey of signingKeys) {
      // `oct` keys never reach here (jwks-rsa skips them), so HS* can never verify.
      const key = supportedKey(signingKey.getPublicKey());
      if (!key) {
        ignored++;
        continue;
      }
      keys.push({ kid: signingKey.kid, key, alg: (signingKey as { alg?: string }).alg });
    }
    if (keys.length === 0) {
      throw new JwksFetchError(
        'no_usable_keys',
        `published no usable signing keys (${ignored} of unsupported types ignored)`,
      );
    }
    return keys;
  }

  /** OpenID Connect Discovery 1.0 §4: `<issuer>/.well-known/openid-configuration`. */
  private async discover(signal: AbortSignal): Promise<string> {
    const issuer = this.oidc.issuer as string;
    const document = (await fetchBoundedJson(
      `${issuer}/.well-known/openid-configuration`,
      signal,
      MAX_JWKS_BYTES,
    )) as { issuer?: unknown; jwks_uri?: unknown } | null;
    if (typeof document !== 'object' || document === null || typeof document.jwks_uri !== 'string')
      throw new JwksFetchError('invalid_document', 'served a discovery document without jwks_uri');
    if (typeof document.issuer === 'string' && document.issuer.replace(/\/+$/, '') !== issuer) {
      throw new JwksFetchError(
        'invalid_document',
        `served a discovery document naming issuer "${document.issuer}", expected "${issuer}"`,
      );
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
    const reason: JwksFailureReason =
      err instanceof JwksFetchError ? err.reason : 'invalid_document';
    this.metrics.jwksFetchFailures.inc({ reason });
    const message = err instanceof Error ? err.message : String(err);
    // One log line per failure episode, not per attempt; recovery logs once too.
    if (!this.failing) {
      this.logger.warn(
        `JWKS fetch from ${this.source} failed (${reason}): the provider ${message}; ` +
          `${this.ready ? 'keeping the last good keys' : 'retrying with backoff'}`,
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

/** The key as a KeyObject when an accepted algorithm (RS*, PS*, ES* on its own curve) can use it. */
function supportedKey(pem: string): KeyObject | undefined {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    return undefined;
  }
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      return key;
    case 'ec':
      return SUPPORTED_CURVES.has(key.asymmetricKeyDetails?.namedCurve ?? '') ? key : undefined;
    default:
      return undefined;
  }
}
