import { StaticTokenRegistry } from './static-token-registry';

const SERVICE = 'svc-3f1c9a0b7d2e4f6a8b0c1d2e3f4a5b6c';
const NEXT_SERVICE = 'svc-next-0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const UI = 'ui-7e6d5c4b3a291807f6e5d4c3b2a19080';

describe('StaticTokenRegistry', () => {
  let registry: StaticTokenRegistry;

  beforeEach(() => {
    registry = new StaticTokenRegistry();
  });

  it('matches nothing when empty', () => {
    expect(registry.match(SERVICE)).toBeUndefined();
    expect(registry.match('')).toBeUndefined();
    expect(registry.serviceTokenCount).toBe(0);
    expect(registry.hasUiToken).toBe(false);
  });

  it('matches a configured service token', () => {
    registry.setServiceTokens([SERVICE], false);
    expect(registry.match(SERVICE)).toBe('service');
    expect(registry.serviceTokenCount).toBe(1);
  });

  it('never matches a prefix, an extension or a variation of a token', () => {
    registry.setServiceTokens([SERVICE], false);
    registry.setUiToken(UI, 'reader');
    for (const token of [SERVICE, UI]) {
      expect(registry.match(token.slice(0, -1))).toBeUndefined();
      expect(registry.match(token.slice(0, 8))).toBeUndefined();
      expect(registry.match(token.slice(1))).toBeUndefined();
      expect(registry.match(`${token}x`)).toBeUndefined();
      expect(registry.match(`${token}${token}`)).toBeUndefined();
      expect(registry.match(token.toUpperCase())).toBeUndefined();
      expect(registry.match(`${token}\0`)).toBeUndefined();
    }
  });

  it('never matches an empty token, even when an empty one was configured', () => {
    registry.setServiceTokens(['', '   '], false);
    registry.setUiToken('', 'admin');
    expect(registry.serviceTokenCount).toBe(0);
    expect(registry.hasUiToken).toBe(false);
    expect(registry.match('')).toBeUndefined();
    expect(registry.match('   ')).toBeUndefined();
  });

  it('accepts every token of a rotation window and drops one removed later', () => {
    registry.setServiceTokens([SERVICE, NEXT_SERVICE], false);
    expect(registry.match(SERVICE)).toBe('service');
    expect(registry.match(NEXT_SERVICE)).toBe('service');
    expect(registry.serviceTokenCount).toBe(2);

    registry.setServiceTokens([NEXT_SERVICE], false);
    expect(registry.match(SERVICE)).toBeUndefined();
    expect(registry.match(NEXT_SERVICE)).toBe('service');
    expect(registry.serviceTokenCount).toBe(1);
  });

  it('counts duplicate tokens once', () => {
    registry.setServiceTokens([SERVICE, SERVICE, ` ${SERVICE} `], false);
    expect(registry.serviceTokenCount).toBe(1);
  });

  it('rejects every service token when a configured source yielded none (fail closed)', () => {
    registry.setServiceTokens([SERVICE], true);
    registry.setUiToken(UI, 'reader');
    expect(registry.match(SERVICE)).toBeUndefined();
    expect(registry.serviceTokenCount).toBe(0);
    // The UI token is a separate source and keeps working.
    expect(registry.match(UI)).toBe('ui');
  });

  it('accepts service tokens again once the source yields one', () => {
    registry.setServiceTokens([SERVICE], true);
    registry.setServiceTokens([SERVICE], false);
    expect(registry.match(SERVICE)).toBe('service');
  });

  it('matches the UI token and remembers its role', () => {
    registry.setServiceTokens([SERVICE], false);
    registry.setUiToken(UI, 'writer');
    expect(registry.match(UI)).toBe('ui');
    expect(registry.uiRole).toBe('writer');
    expect(registry.hasUiToken).toBe(true);
    expect(registry.match(SERVICE)).toBe('service');
  });

  it('grants the UI token the reader role unless told otherwise', () => {
    expect(registry.uiRole).toBe('reader');
  });

  it('forgets the UI token when it is removed', () => {
    registry.setUiToken(UI, 'reader');
    registry.setUiToken(undefined, 'reader');
    expect(registry.match(UI)).toBeUndefined();
    expect(registry.hasUiToken).toBe(false);
  });

  it('never holds a token in clear text', () => {
    registry.setServiceTokens([SERVICE], false);
    registry.setUiToken(UI, 'reader');
    const dump = JSON.stringify(registry);
    expect(dump).not.toContain(SERVICE);
    expect(dump).not.toContain(UI);
  });
});
