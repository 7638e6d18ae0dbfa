import { highestRole, isRole, Role } from '../access/principal';

export interface RoleResolution {
  role: Role | null;
  /** The claim the role came from, or undefined when none of the configured claims was present. */
  claim?: string;
}

const ROLE_PREFIXES = ['krishiv-', 'krishiv:'];

/**
 * Maps token claims to a role (CONTRACT §3). Only the configured claims are read; `sub` and
 * other claims never grant a role, which closes the "sub = admin:x" escalation.
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
      return { role: highestRole(this.rolesIn(value)), claim };
    }
    return { role: null };
  }

  private *rolesIn(value: unknown): Iterable<Role> {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (typeof item !== 'string') continue;
      // Whole value first so a mapped group name may contain spaces, then scope-style words.
      const words = [item, ...item.split(/\s+/).filter((w) => w !== '' && w !== item)];
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
