/**
 * True when every segment of a three-part token is base64url without padding and spelled the
 * one canonical way (RFC 7515 §2, RFC 4648 §3.5). Base64 decoders ignore a final character's
 * unused low bits and skip stray characters, so without this one signature would verify under
 * many spellings of the same token: each a different string to caches, logs and revocation lists.
 */
export function isCanonicalCompactJws(token: string): boolean {
  const segments = token.split('.');
  if (segments.length !== 3) return false;
  return segments.every(
    (segment) =>
      /^[A-Za-z0-9_-]*$/.test(segment) &&
      Buffer.from(segment, 'base64url').toString('base64url') === segment,
  );
}
