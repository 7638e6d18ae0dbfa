import type { Action } from '../../src/access/permissions';
import type { CanIAnswer, Principal } from './types';

const TOKEN_KEY = 'krishiv.token';

/** The bearer token lives in this browser's localStorage until the user signs out. */
export const tokenStore = {
  get: (): string | null => localStorage.getItem(TOKEN_KEY),
  set: (token: string): void => localStorage.setItem(TOKEN_KEY, token),
  clear: (): void => localStorage.removeItem(TOKEN_KEY),
};

export class ApiError extends Error {
  constructor(
    public readonly status: number,
    message: string,
    public readonly requiredRole?: string,
  ) {
    super(message);
  }
}

export const isAbort = (err: unknown): boolean =>
  err instanceof DOMException && err.name === 'AbortError';

let unauthorized: (message: string) => void = () => undefined;

/** Called on every 401: the stored token is dropped and the user is asked for another. */
export function onUnauthorized(handler: (message: string) => void): void {
  unauthorized = handler;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
}

/** One call to /api/v1 with `Authorization: Bearer <token>`; JSON in, JSON out. */
export async function api<T>(
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const token = tokenStore.get();
  if (!token) {
    unauthorized('');
    throw new ApiError(401, 'not signed in');
  }
  const headers: Record<string, string> = {
    Accept: 'application/json',
    Authorization: `Bearer ${token}`,
  };
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const query = search.toString();
  const url = `/api/v1${path}${query ? `?${query}` : ''}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body,
      signal: options.signal,
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (err) {
    if (isAbort(err)) throw err;
    throw new ApiError(0, 'cannot reach the coordinator');
  }
  const text = await response.text();
  let data: unknown = undefined;
  if (text !== '') {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!response.ok) {
    const error = (typeof data === 'object' && data !== null ? data : {}) as {
      message?: string;
      requiredRole?: string;
    };
    const message = error.message ?? `${response.status} ${response.statusText}`;
    if (response.status === 401 && tokenStore.get() === token) {
      tokenStore.clear();
      unauthorized(message);
    }
    throw new ApiError(response.status, message, error.requiredRole);
  }
  return data as T;
}

/** The signed-in caller and what the server says it may do. */
export class Session {
  private readonly answers = new Map<Action, Promise<CanIAnswer>>();

  constructor(public principal: Principal) {}

  /**
   * Asks `GET /api/v1/auth/can-i` once per action. Only decides which buttons are shown: the
   * server still judges every call.
   */
  public canI(action: Action): Promise<CanIAnswer> {
    let answer = this.answers.get(action);
    if (!answer) {
      answer = api<CanIAnswer>('GET', '/auth/can-i', { query: { action } });
      answer.catch(() => this.answers.delete(action));
      this.answers.set(action, answer);
    }
    return answer;
  }

  public async can(action: Action): Promise<boolean> {
    try {
      return (await this.canI(action)).allowed;
    } catch {
      return false;
    }
  }
}
