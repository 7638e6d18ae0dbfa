import { isCanonicalCompactJws } from './compact-jws';

const segment = (text: string) => Buffer.from(text).toString('base64url');
// 2 bytes encode to 3 characters whose last one carries 2 unused low bits.
const signature = Buffer.from([0xab, 0xcd]).toString('base64url');
const token = `${segment('{"alg":"RS256"}')}.${segment('{"sub":"a"}')}.${signature}`;

describe('isCanonicalCompactJws', () => {
  it('accepts a canonical three-part token, and an empty signature segment', () => {
    expect(isCanonicalCompactJws(token)).toBe(true);
    expect(isCanonicalCompactJws(`${segment('{}')}.${segment('{}')}.`)).toBe(true);
  });

  it('refuses a signature whose unused low bits differ (same bytes, other spelling)', () => {
    const last = signature[signature.length - 1];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const flipped = alphabet[alphabet.indexOf(last) ^ 1];
    const variant = `${token.slice(0, -1)}${flipped}`;
    expect(Buffer.from(variant.split('.')[2], 'base64url')).toEqual(Buffer.from([0xab, 0xcd]));
    expect(isCanonicalCompactJws(variant)).toBe(false);
  });

  it.each([
    ['padding', `${token}=`],
    ['standard base64 characters', token.replace(/.$/, '+')],
    ['a stray character the decoder would skip', token.replace('.', '.!')],
    ['whitespace', token.replace('.', '. ')],
    ['two segments', token.split('.').slice(0, 2).join('.')],
    ['four segments', `${token}.${signature}`],
  ])('refuses %s', (_, value) => {
    expect(isCanonicalCompactJws(value)).toBe(false);
  });
});
