import { lookupClaim, RoleResolver } from './role-resolver';

const DEFAULT_CLAIMS = ['https://krishiv/roles', 'groups'];

const resolver = (
  claims = DEFAULT_CLAIMS,
  roleMap: Record<string, 'reader' | 'writer' | 'admin'> = {},
) => new RoleResolver(claims, roleMap);

describe('lookupClaim', () => {
  it('finds a top-level key, even one containing dots and slashes', () => {
    expect(lookupClaim({ 'https://krishiv/roles': ['admin'] }, 'https://krishiv/roles')).toEqual([
      'admin',
    ]);
    expect(lookupClaim({ 'realm_access.roles': 'x' }, 'realm_access.roles')).toBe('x');
  });

  it('prefers the top-level key over the dot path', () => {
    const payload = { 'realm_access.roles': 'top', realm_access: { roles: 'nested' } };
    expect(lookupClaim(payload, 'realm_access.roles')).toBe('top');
  });

  it('follows a dot path through nested objects', () => {
    const payload = { resource_access: { krishiv: { roles: ['writer'] } } };
    expect(lookupClaim(payload, 'resource_access.krishiv.roles')).toEqual(['writer']);
  });

  it('returns undefined for a missing path or a path through a non-object', () => {
    expect(lookupClaim({}, 'groups')).toBeUndefined();
    expect(lookupClaim({ a: { b: 1 } }, 'a.c')).toBeUndefined();
    expect(lookupClaim({ a: 'text' }, 'a.length')).toBeUndefined();
    expect(lookupClaim({ a: ['x'] }, 'a.0')).toBeUndefined();
    expect(lookupClaim({ a: null }, 'a.b')).toBeUndefined();
  });

  it('never reads inherited properties', () => {
    expect(lookupClaim({}, 'constructor')).toBeUndefined();
    expect(lookupClaim({}, 'toString')).toBeUndefined();
    expect(lookupClaim({}, '__proto__')).toBeUndefined();
    expect(lookupClaim({ a: {} }, 'a.constructor.name')).toBeUndefined();
  });
});

describe('RoleResolver', () => {
  it('reads a role from a string', () => {
    expect(resolver().resolve({ groups: 'writer' })).toEqual({ role: 'writer', claim: 'groups' });
  });

  it('reads a role from an array of strings', () => {
    expect(resolver().resolve({ groups: ['staff', 'reader'] })).toEqual({
      role: 'reader',
      claim: 'groups',
    });
  });

  it('reads a role from a space-separated string', () => {
    expect(resolver(['scope']).resolve({ scope: 'openid profile writer email' }).role).toBe(
      'writer',
    );
  });

  it.each(['SharePoint admin team', 'admin team', 'not krishiv:admin', 'reader admin'])(
    'never word-splits the group name %p into roles',
    (value) => {
      expect(resolver().resolve({ groups: [value] })).toEqual({ role: null, claim: 'groups' });
      expect(resolver().resolve({ groups: value })).toEqual({ role: null, claim: 'groups' });
    },
  );

  it('never comma-splits a group name either', () => {
    expect(resolver().resolve({ groups: ['Sales, admin'] }).role).toBeNull();
  });

  it('does not word-split role claims other than scope and scp', () => {
    expect(resolver().resolve({ 'https://krishiv/roles': 'reader admin' }).role).toBeNull();
    expect(resolver(['roles']).resolve({ roles: 'super admin' }).role).toBeNull();
  });

  it('space-splits the scope-like claims scope and scp', () => {
    expect(resolver(['scp']).resolve({ scp: 'openid krishiv:writer' }).role).toBe('writer');
    expect(resolver(['scp']).resolve({ scp: ['openid', 'krishiv:admin'] }).role).toBe('admin');
  });

  it('comma-splits a role claim holding several roles in one string', () => {
    expect(resolver().resolve({ 'https://krishiv/roles': 'reader,admin' })).toEqual({
      role: 'admin',
      claim: 'https://krishiv/roles',
    });
    expect(resolver().resolve({ 'https://krishiv/roles': ['reader, writer'] }).role).toBe('writer');
    expect(
      resolver(['realm_access.roles']).resolve({ realm_access: { roles: 'a,krishiv-admin' } }).role,
    ).toBe('admin');
  });

  it('tries a mapped whole value before comma-splitting it', () => {
    const r = resolver(['https://krishiv/roles'], { 'ops, on call': 'writer' });
    expect(r.resolve({ 'https://krishiv/roles': 'ops, on call' }).role).toBe('writer');
  });

  it.each([
    ['admin', 'admin'],
    ['ADMIN', 'admin'],
    ['Writer', 'writer'],
    ['krishiv-admin', 'admin'],
    ['krishiv:writer', 'writer'],
    ['KRISHIV-Reader', 'reader'],
    ['Krishiv:ADMIN', 'admin'],
  ])('recognises %p as %p', (value, role) => {
    expect(resolver().resolve({ groups: [value] }).role).toBe(role);
  });

  it.each([
    'administrator',
    'readers',
    'super-admin',
    'other:admin',
    'krishiv_admin',
    'admin!',
    '',
  ])('ignores %p', (value) => {
    expect(resolver().resolve({ groups: [value] })).toEqual({ role: null, claim: 'groups' });
  });

  it('lets the highest recognised role win', () => {
    expect(resolver().resolve({ groups: ['reader', 'admin', 'writer'] }).role).toBe('admin');
    expect(resolver().resolve({ groups: ['writer', 'reader'] }).role).toBe('writer');
    expect(resolver(['scope']).resolve({ scope: 'reader krishiv:admin writer' }).role).toBe(
      'admin',
    );
  });

  it('maps configured values to roles', () => {
    const r = resolver(['groups'], { 'data-team': 'writer', 'Platform Admins': 'admin' });
    expect(r.resolve({ groups: ['data-team'] }).role).toBe('writer');
    expect(r.resolve({ groups: 'Platform Admins' }).role).toBe('admin');
    expect(r.resolve({ groups: ['data-team', 'reader'] }).role).toBe('writer');
    expect(r.resolve({ groups: ['marketing'] }).role).toBeNull();
  });

  it('does not let a role map entry match a value of another claim', () => {
    const r = resolver(['groups'], { 'data-team': 'admin' });
    expect(r.resolve({ department: 'data-team', groups: ['reader'] }).role).toBe('reader');
  });

  it('takes the first configured claim that is present, even if it holds no recognised role', () => {
    const r = resolver(['https://krishiv/roles', 'groups']);
    expect(r.resolve({ groups: ['admin'] })).toEqual({ role: 'admin', claim: 'groups' });
    expect(r.resolve({ 'https://krishiv/roles': ['reader'], groups: ['admin'] })).toEqual({
      role: 'reader',
      claim: 'https://krishiv/roles',
    });
    expect(r.resolve({ 'https://krishiv/roles': ['staff'], groups: ['admin'] })).toEqual({
      role: null,
      claim: 'https://krishiv/roles',
    });
  });

  it('reads a claim by its top-level key before its dot path', () => {
    const r = resolver(['realm_access.roles']);
    const payload = { 'realm_access.roles': ['reader'], realm_access: { roles: ['admin'] } };
    expect(r.resolve(payload).role).toBe('reader');
    expect(r.resolve({ realm_access: { roles: ['admin'] } }).role).toBe('admin');
  });

  it.each<[string, unknown]>([
    ['a number', 2],
    ['a boolean', true],
    ['an object', { admin: true }],
    ['an array of non-strings', [1, true, { role: 'admin' }, ['admin'], null]],
    ['null', null],
  ])('gives no role for a claim holding %s', (_name, value) => {
    expect(resolver().resolve({ 'https://krishiv/roles': value })).toEqual({
      role: null,
      claim: 'https://krishiv/roles',
    });
  });

  it('still reads the strings of a mixed array', () => {
    expect(resolver().resolve({ groups: [1, 'writer', { x: 1 }] }).role).toBe('writer');
  });

  it('never derives a role from sub or any claim that is not configured', () => {
    const payload = {
      sub: 'admin',
      scope: 'admin',
      roles: ['admin'],
      role: 'admin',
      name: 'krishiv:admin',
      email: 'admin@example.com',
    };
    expect(resolver().resolve(payload)).toEqual({ role: null });
    expect(resolver().resolve({ sub: 'krishiv-admin' })).toEqual({ role: null });
  });

  it('gives no role when no configured claim is present', () => {
    expect(resolver().resolve({})).toEqual({ role: null });
  });
});
