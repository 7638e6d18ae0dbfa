import { createHash } from 'node:crypto';

/** SHA-256 of a token: the only form in which tokens are stored, compared or logged. */
export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** A short, non-reversible label for log lines ("which token was it?" without the token). */
export function tokenFingerprint(token: string): string {
  return tokenDigest(token).toString('hex').slice(0, 12);
}
