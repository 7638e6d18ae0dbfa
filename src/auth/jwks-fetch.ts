/** Why a JWKS (or discovery) fetch failed: the `reason` label of the failure counter. */
export type JwksFailureReason =
  | 'unreachable'
  | 'timeout'
  | 'http_status'
  | 'too_large'
  | 'invalid_json'
  | 'invalid_document'
  | 'no_usable_keys';

export class JwksFetchError extends Error {
  constructor(
    public readonly reason: JwksFailureReason,
    message: string,
  ) {
    super(message);
    this.name = 'JwksFetchError';
  }
}

/**
 * GETs a JSON document from the identity provider, bounded in time (the caller's signal covers
 * connect, headers and body, so a provider that trickles bytes cannot outlast it) and in size (the
 * body is counted while it streams in and dropped past `maxBytes`, never buffered whole).
 */
export async function fetchBoundedJson(
  url: string,
  signal: AbortSignal,
  maxBytes: number,
): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { signal, headers: { accept: 'application/json' } });
  } catch (err) {
    throw transportError(err, signal);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new JwksFetchError('http_status', `answered HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (response.body) {
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > maxBytes) {
          await reader.cancel().catch(() => undefined);
          throw tooLarge(maxBytes);
        }
        chunks.push(value);
      }
    } catch (err) {
      if (err instanceof JwksFetchError) throw err;
      throw transportError(err, signal);
    }
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new JwksFetchError('invalid_json', 'answered with a body that is not JSON');
  }
}

function tooLarge(maxBytes: number): JwksFetchError {
  return new JwksFetchError('too_large', `answered with a body over ${maxBytes} bytes`);
}

function transportError(err: unknown, signal: AbortSignal): JwksFetchError {
  if (signal.aborted) {
    return new JwksFetchError('timeout', 'did not answer within the fetch timeout');
  }
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (err as Error).message;
  return new JwksFetchError('unreachable', `is unreachable (${detail})`);
}
