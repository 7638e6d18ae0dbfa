import { highestRole, isRole, Role } from '../access/principal';

export interface RoleResolution {
  role: Role | null;
  /** The claim the role came from, or undefined when none of the configured claims was present. */
  claim?: string;
}

const ROLE_PREFIXES = ['krishiv-', 'krishiv:'];
/** OAuth scope claims: one space-separated string of scopes (RFC 8693 §4.2, RFC 9068). */
const SCOPE_CLAIMS = new Set(['scope', 'scp']);

type Split = 'none' | 'space' | 'comma';

/**
 * How a string value of a claim is read. The whole value is always tried first; then
 * - `scope` and `scp` are split on whitespace;
 * - `groups` (also `x.groups`, `…/groups`) is never split: a group name is one whole value, and
 *   "SharePoint admin team" must not grant admin;
 * - every other claim is split on commas, for providers that join several roles ("reader,admin").
 */
export function splitRuleFor(claim: string): Split {
  if (SCOPE_CLAIMS.has(claim)) return 'space';
  if (/(^|[./])groups$/.test(claim)) return 'none';
  return 'comma';
}

/**
 * Maps token claims to a role. Only the configured claims are read; `sub` and other claims never
 * grant a role, which closes the "sub = admin:x" escalation. A value grants a role only when it
 * is, whole (after the `krishiv-`/`krishiv:` prefixes, case-insensitive), a role name or a key of
 * the role map; see `splitRuleFor` for the values a string is split into.
 */
export class RoleResolver {
  constructor(
    public readonly claims: string[],
    private readonly roleMap: Record<string, Role>,
  ) {}

  public resolve(payload: Record<string, unknown>): RoleResolution {
    for (const claim of this.claims) {
      const value = lookupClaim(payload, claim);
      if (value === undefined) continue;
      return { role: highestRole(this.rolesIn(value, splitRuleFor(claim))), claim };
    }
    return { role: null };
  }

  private *rolesIn(value: unknown, split: Split): Iterable<Role> {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (typeof item !== 'string') continue;
      const separator = split === 'space' ? /\s+/ : split === 'comma' ? /,/ : undefined;
      const parts = separator ? item.split(separator).map((w) => w.trim()) : [];
      const words = [item, ...parts.filter((w) => w !== '' && w !== item)];
      for (const word of words) {
        const role = this.roleOf(word);
        if (role) yield role;
      }
    }
  }

  private roleOf(word: string): Role | undefined {
    if (Object.prototype.hasOwnProperty.call(this.roleMap, word)) return this.roleMap[word];
    let name = word.toLowerCase();
    for (const prefix of ROLE_PREFIXES) {
      if (name.startsWith(prefix)) name = name.slice(prefix.length);
    }
    return isRole(name) ? name : undefined;
  }
}

/** A top-level key (e.g. `https://krishiv/roles`) first, then a dot path (`realm_access.roles`). */
export function lookupClaim(payload: Record<string, unknown>, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(payload, name)) return payload[name];
  let current: unknown = payload;
  for (const part of name.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
