import { InvalidArgumentError } from './errors/coordinator.error';

/** An optional filter that must be one of `allowed`; absent or empty means no filter. */
export function oneOf<T extends string>(
  name: string,
  value: unknown,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`${name} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/**
 * Page tokens of the list endpoints: the position (a sequence number) and a fingerprint of the
 * filters the token was issued for, so a token is never replayed against another listing.
 */
export function pageToken(seq: number, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ v: 1, s: seq, f: fingerprint })).toString('base64url');
}

/** The position a page token carries; a 400 when it is garbled or belongs to other filters. */
export function readPageToken(token: string, fingerprint: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      v?: number;
      s?: number;
      f?: string;
    };
    if (parsed.v === 1 && Number.isSafeInteger(parsed.s) && parsed.f === fingerprint)
      return parsed.s as number;
  } catch {
    // falls through to the error below
  }
  throw new InvalidArgumentError(
    'pageToken does not belong to this listing; start again without it',
  );
}
