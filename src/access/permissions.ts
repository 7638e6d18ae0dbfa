import { Role } from './principal';

/**
 * The one permission table. Guards, `can-i`, the OpenAPI document and the permission tests all
 * read it; a route or RPC names its action and never a role directly.
 */
export const PERMISSIONS = {
  'auth:whoami': null,
  'auth:can-i': null,
  'query:read': 'reader',
  'query:write': 'writer',
  'jobs:list': 'reader',
  'jobs:read': 'reader',
  'jobs:submit': 'writer',
  'jobs:cancel': 'admin',
  'jobs:savepoint': 'admin',
  'jobs:restore': 'admin',
  'executors:list': 'reader',
  'executors:manage': 'admin',
  'streams:list': 'reader',
  'streams:write': 'writer',
  'audit:read': 'admin',
} as const satisfies Record<string, Role | null>;

export type Action = keyof typeof PERMISSIONS;

export const ACTIONS = Object.keys(PERMISSIONS) as Action[];

export function isAction(value: string): value is Action {
  return Object.prototype.hasOwnProperty.call(PERMISSIONS, value);
}

/** Minimum role for an action; `null` means any authenticated caller, even one with no role. */
export function requiredRole(action: Action): Role | null {
  return PERMISSIONS[action];
}
