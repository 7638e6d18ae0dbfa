import { Role } from '../../src/access/principal';
import { Action, PERMISSIONS } from '../../src/access/permissions';
import type { OidcClient } from './oidc';

export type Credentials = 'none' | 'invalid' | 'valid';

/** A kind of caller the permission matrix checks every operation with, on every transport. */
export interface PrincipalCase {
  name: string;
  credentials: Credentials;
  /** The role the coordinator must grant (README, Authentication); null = authenticated with no role. */
  role: Role | null;
  /** Who the coordinator must say the caller is. */
  subject?: string;
  method?: 'oidc' | 'service-token' | 'ui-token';
  client?: OidcClient;
}

export const PRINCIPALS: PrincipalCase[] = [
  { name: 'no token', credentials: 'none', role: null },
  { name: 'garbage token', credentials: 'invalid', role: null },
  { name: 'OIDC reader', credentials: 'valid', role: 'reader', client: 'reader-client' },
  { name: 'OIDC writer', credentials: 'valid', role: 'writer', client: 'writer-client' },
  { name: 'OIDC admin', credentials: 'valid', role: 'admin', client: 'admin-client' },
  { name: 'OIDC token without a role', credentials: 'valid', role: null, client: 'norole-client' },
  {
    name: 'service token',
    credentials: 'valid',
    role: 'admin',
    subject: 'service',
    method: 'service-token',
  },
  { name: 'UI token', credentials: 'valid', role: 'reader', subject: 'ui', method: 'ui-token' },
];

const RANK: Record<Role, number> = { reader: 0, writer: 1, admin: 2 };

export type Outcome = 'unauthenticated' | 'invalid-token' | 'forbidden' | 'ok';

/** What the permission table says must happen; never written per cell. */
export function expectedOutcome(principal: PrincipalCase, action: Action): Outcome {
  if (principal.credentials === 'none') return 'unauthenticated';
  if (principal.credentials === 'invalid') return 'invalid-token';
  const required: Role | null = PERMISSIONS[action];
  if (required === null) return 'ok';
  if (principal.role === null) return 'forbidden';
  return RANK[principal.role] >= RANK[required] ? 'ok' : 'forbidden';
}
