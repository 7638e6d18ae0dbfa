import { UnauthenticatedError } from '../common/errors/coordinator.error';
import { MAX_TOKEN_BYTES, parseBearer } from './bearer-credentials';

function rejection(header: string | string[]): UnauthenticatedError {
  try {
    parseBearer(header);
  } catch (err) {
    expect(err).toBeInstanceOf(UnauthenticatedError);
    return err as UnauthenticatedError;
  }
  throw new Error(`expected ${JSON.stringify(header).slice(0, 80)} to be rejected`);
}

describe('parseBearer', () => {
  it.each([undefined, '', '   ', '\t'])('treats %p as "no credentials"', (header) => {
    expect(parseBearer(header)).toBeUndefined();
  });

  it('treats an empty list of headers as "no credentials"', () => {
    expect(parseBearer([])).toBeUndefined();
  });

  it.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer abc', 'abc'],
    ['BEARER abc', 'abc'],
    ['BeArEr abc', 'abc'],
    ['  Bearer    abc   ', 'abc'],
    ['Bearer\tabc', 'abc'],
    ['Bearer abc==', 'abc=='],
  ])('reads %p as %p', (header, token) => {
    expect(parseBearer(header)).toBe(token);
  });

  it('reads a single header given as a list', () => {
    expect(parseBearer(['Bearer abc'])).toBe('abc');
  });

  it('refuses more than one Authorization header', () => {
    expect(rejection(['Bearer abc', 'Bearer def']).httpStatus).toBe(401);
  });

  it.each(['Basic dXNlcjpwYXNz', 'Token abc', 'Bearerabc', 'abc'])(
    'refuses another scheme: %p',
    (header) => {
      const err = rejection(header);
      expect(err.httpStatus).toBe(401);
      expect(err.credentialsPresent).toBe(true);
      expect(err.message).toMatch(/scheme/);
    },
  );

  it.each(['Bearer', 'Bearer ', 'bearer    '])('refuses an empty token: %p', (header) => {
    const err = rejection(header);
    expect(err.credentialsPresent).toBe(true);
    expect(err.message).toMatch(/empty/);
  });

  it('accepts a token of exactly the maximum size', () => {
    const token = 'a'.repeat(MAX_TOKEN_BYTES);
    expect(parseBearer(`Bearer ${token}`)).toBe(token);
  });

  it('refuses a token one byte over the maximum size', () => {
    expect(MAX_TOKEN_BYTES).toBe(16 * 1024);
    const err = rejection(`Bearer ${'a'.repeat(MAX_TOKEN_BYTES + 1)}`);
    expect(err.httpStatus).toBe(401);
    expect(err.message).toMatch(/larger/);
  });

  it('measures the size in bytes, not characters', () => {
    const token = 'é'.repeat(MAX_TOKEN_BYTES / 2 + 1); // two bytes each in UTF-8
    expect(token.length).toBeLessThan(MAX_TOKEN_BYTES);
    expect(rejection(`Bearer ${token}`).message).toMatch(/larger/);
  });

  it('refuses a huge header before looking at it', () => {
    expect(rejection(`Bearer ${'a'.repeat(1024 * 1024)}`).message).toMatch(/larger/);
  });

  it('never repeats the token in an error message', () => {
    const token = 'sEcReT-'.repeat(3000);
    expect(rejection(`Bearer ${token}`).message).not.toContain('sEcReT');
    expect(rejection(`Basic ${token}`).message).not.toContain('sEcReT');
  });
});
