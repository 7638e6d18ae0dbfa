export const ROLES = ['reader', 'writer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export type AuthMethod = 'oidc' | 'service-token' | 'ui-token' | 'anonymous';

export interface Principal {
  subject: string;
  role: Role | null;
  method: AuthMethod;
  issuer?: string;
  /** RFC 3339; only for tokens that expire. */
  expiresAt?: string;
}

const RANK: Record<Role, number> = { reader: 0, writer: 1, admin: 2 };

export function roleAllows(actual: Role | null, required: Role | null): boolean {
  if (required === null) return true;
  if (actual === null) return false;
  return RANK[actual] >= RANK[required];
}

export function highestRole(roles: Iterable<Role>): Role | null {
  let best: Role | null = null;
  for (const role of roles) {
    if (best === null || RANK[role] > RANK[best]) best = role;
  }
  return best;
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
