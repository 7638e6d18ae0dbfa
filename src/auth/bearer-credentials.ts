import { UnauthenticatedError } from '../common/errors/coordinator.error';

export const MAX_TOKEN_BYTES = 16 * 1024;

/**
 * Extracts the bearer token from an `Authorization` header or gRPC `authorization` metadata
 * value (RFC 6750 §2.1; the scheme is case-insensitive). Returns `undefined` when no credentials
 * were sent, so anonymous development mode can tell "none" from "wrong".
 */
export function parseBearer(header: string | string[] | undefined): string | undefined {
  if (Array.isArray(header)) {
    if (header.length > 1) throw new UnauthenticatedError('send exactly one Authorization header');
    header = header[0];
  }
  if (header === undefined || header.trim() === '') return undefined;
  if (header.length > MAX_TOKEN_BYTES + 7) {
    throw new UnauthenticatedError(`token is larger than ${MAX_TOKEN_BYTES} bytes`);
  }
  const trimmed = header.trim();
  const space = trimmed.search(/\s/);
  const scheme = space === -1 ? trimmed : trimmed.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer') {
    // Name the scheme only when it looks like one; a bare token must not be echoed back.
    const named = /^[A-Za-z][A-Za-z0-9-]{0,15}$/.test(scheme) && space !== -1 ? ` "${scheme}"` : '';
    throw new UnauthenticatedError(
      `unsupported authorization scheme${named}; send "Authorization: Bearer <token>"`,
    );
  }
  const token = space === -1 ? '' : trimmed.slice(space).trim();
  if (token === '') throw new UnauthenticatedError('empty bearer token');
  if (Buffer.byteLength(token) > MAX_TOKEN_BYTES) {
    throw new UnauthenticatedError(`token is larger than ${MAX_TOKEN_BYTES} bytes`);
  }
  return token;
}
