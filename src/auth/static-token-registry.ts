import { timingSafeEqual } from 'node:crypto';
import { Role } from '../access/principal';
import { tokenDigest } from './token-fingerprint';

export type StaticTokenKind = 'service' | 'ui';

interface Entry {
  digest: Buffer;
  kind: StaticTokenKind;
}

/**
 * Service and UI tokens, held only as SHA-256 digests. A lookup compares the presented token's
 * digest with every stored digest in constant time and never stops early, so response timing
 * reveals neither a prefix nor which token matched.
 */
export class StaticTokenRegistry {
  private service: Entry[] = [];
  private ui: Entry[] = [];
  private serviceRejectAll = false;
  public uiRole: Role = 'reader';

  /** An empty list with `rejectAll` set means a configured source yielded nothing: fail closed. */
  public setServiceTokens(tokens: string[], rejectAll: boolean): void {
    this.service = dedupe(tokens).map((t) => ({ digest: tokenDigest(t), kind: 'service' }));
    this.serviceRejectAll = rejectAll;
  }

  public setUiToken(token: string | undefined, role: Role): void {
    this.ui = token ? [{ digest: tokenDigest(token), kind: 'ui' }] : [];
    this.uiRole = role;
  }

  public get serviceTokenCount(): number {
    return this.serviceRejectAll ? 0 : this.service.length;
  }

  public get hasUiToken(): boolean {
    return this.ui.length > 0;
  }

  public match(token: string): StaticTokenKind | undefined {
    return this.matchDigest(tokenDigest(token));
  }

  /** `match` for a token whose SHA-256 digest the caller already has. */
  public matchDigest(digest: Buffer): StaticTokenKind | undefined {
    let found: StaticTokenKind | undefined;
    for (const entry of this.service) {
      if (timingSafeEqual(digest, entry.digest) && found === undefined) found = entry.kind;
    }
    for (const entry of this.ui) {
      if (timingSafeEqual(digest, entry.digest) && found === undefined) found = entry.kind;
    }
    if (found === 'service' && this.serviceRejectAll) return undefined;
    return found;
  }
}

function dedupe(tokens: string[]): string[] {
  return [...new Set(tokens.map((t) => t.trim()).filter((t) => t !== ''))];
}
