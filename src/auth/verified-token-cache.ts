import { Principal } from '../access/principal';

interface Entry {
  principal: Principal;
  expiresAtMs: number;
  generation: number;
}

/**
 * Principals of JWTs that already passed verification, keyed by the token's SHA-256 digest.
 * An entry never outlives the token's `exp`, and a change of the provider's key set (generation)
 * invalidates it. This turns the per-request cost of a reused token from an RSA verification plus
 * passport machinery into one hash and one map lookup.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = 10_000) {}

  public get(digest: string, generation: number, nowMs = Date.now()): Principal | undefined {
    const entry = this.entries.get(digest);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= nowMs || entry.generation !== generation) {
      this.entries.delete(digest);
      return undefined;
    }
    return entry.principal;
  }

  public set(digest: string, principal: Principal, generation: number): void {
    if (!principal.expiresAt) return;
    if (this.entries.size >= this.maxEntries) {
      // Maps iterate in insertion order: dropping the first entry drops the oldest.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(digest, {
      principal,
      expiresAtMs: Date.parse(principal.expiresAt),
      generation,
    });
  }

  public clear(): void {
    this.entries.clear();
  }
}
