import { Principal } from '../access/principal';
import { VerifiedTokenCache } from './verified-token-cache';

const NOW = Date.parse('2030-01-01T00:00:00Z');

function principal(
  subject: string,
  expiresAt: string | undefined = '2030-01-01T01:00:00Z',
): Principal {
  return { subject, role: 'reader', method: 'oidc', issuer: 'https://idp.example.com', expiresAt };
}

describe('VerifiedTokenCache', () => {
  it('returns a cached principal until the token expires', () => {
    const cache = new VerifiedTokenCache();
    const alice = principal('alice', '2030-01-01T00:10:00Z');
    cache.set('digest-a', alice, 1);
    expect(cache.get('digest-a', 1, NOW)).toBe(alice);
    expect(cache.get('digest-a', 1, Date.parse('2030-01-01T00:09:59.999Z'))).toBe(alice);
  });

  it('never returns a principal at or after the token expiry, and forgets it', () => {
    const cache = new VerifiedTokenCache();
    cache.set('digest-a', principal('alice', '2030-01-01T00:10:00Z'), 1);
    expect(cache.get('digest-a', 1, Date.parse('2030-01-01T00:10:00Z'))).toBeUndefined();
    // The expired entry is gone: asking again with an earlier clock does not revive it.
    expect(cache.get('digest-a', 1, NOW)).toBeUndefined();
  });

  it('does not cache a principal without an expiry', () => {
    const cache = new VerifiedTokenCache();
    const { expiresAt: _unused, ...forever } = principal('alice');
    expect(_unused).toBeDefined();
    cache.set('digest-a', forever, 1);
    expect(cache.get('digest-a', 1, NOW)).toBeUndefined();
  });

  it('drops an entry when the key set changed (generation)', () => {
    const cache = new VerifiedTokenCache();
    cache.set('digest-a', principal('alice'), 1);
    expect(cache.get('digest-a', 2, NOW)).toBeUndefined();
    // Dropped, not merely hidden: the old generation does not bring it back.
    expect(cache.get('digest-a', 1, NOW)).toBeUndefined();
  });

  it('keeps entries apart by digest', () => {
    const cache = new VerifiedTokenCache();
    const alice = principal('alice');
    const bob = principal('bob');
    cache.set('digest-a', alice, 1);
    cache.set('digest-b', bob, 1);
    expect(cache.get('digest-a', 1, NOW)).toBe(alice);
    expect(cache.get('digest-b', 1, NOW)).toBe(bob);
    expect(cache.get('digest-c', 1, NOW)).toBeUndefined();
  });

  it('evicts the oldest entry when full', () => {
    const cache = new VerifiedTokenCache(2);
    cache.set('digest-a', principal('alice'), 1);
    cache.set('digest-b', principal('bob'), 1);
    cache.set('digest-c', principal('carol'), 1);
    expect(cache.get('digest-a', 1, NOW)).toBeUndefined();
    expect(cache.get('digest-b', 1, NOW)?.subject).toBe('bob');
    expect(cache.get('digest-c', 1, NOW)?.subject).toBe('carol');
  });

  it('never grows beyond its bound', () => {
    const cache = new VerifiedTokenCache(10);
    for (let i = 0; i < 100; i++) cache.set(`digest-${i}`, principal(`user-${i}`), 1);
    let present = 0;
    for (let i = 0; i < 100; i++) if (cache.get(`digest-${i}`, 1, NOW)) present++;
    expect(present).toBe(10);
    expect(cache.get('digest-99', 1, NOW)?.subject).toBe('user-99');
  });

  it('forgets everything on clear', () => {
    const cache = new VerifiedTokenCache();
    cache.set('digest-a', principal('alice'), 1);
    cache.clear();
    expect(cache.get('digest-a', 1, NOW)).toBeUndefined();
  });
});
