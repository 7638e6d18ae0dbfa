import { randomUUID } from 'node:crypto';
import { Action } from '../../src/roles/permissions';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RestCall {
  method: HttpMethod;
  /** The route as the OpenAPI document writes it, path parameters as `{name}`. */
  path: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  /** A fresh, harmless request body per call. */
  body?: () => object;
}

export interface GrpcCall {
  service: string;
  method: string;
  /** A fresh, harmless request message per call. */
  request: () => object;
}

export interface Operation {
  /** The action of the permission table this sample performs. */
  action: Action;
  /**
   * The action the route or RPC itself declares, when the sample's content raises it: the query
   * endpoint declares query:read and a statement that writes needs query:write.
   */
  declaredAction?: Action;
  rest: RestCall;
  grpc: GrpcCall;
}

const uniqueTable = () => `permission_probe_${randomUUID().replace(/-/g, '')}`;

/**
 * Every REST route and every RPC the coordinator serves behind the guard chain, each with a
 * request that succeeds for a caller who has the role. The expected outcome of a call is never
 * written here: tests derive it from PERMISSIONS.
 */
export const OPERATIONS: Operation[] = [
  {
    action: 'auth:whoami',
    rest: { method: 'GET', path: '/api/v1/auth/whoami' },
    grpc: { service: 'AuthService', method: 'WhoAmI', request: () => ({}) },
  },
  {
    action: 'auth:can-i',
    rest: { method: 'GET', path: '/api/v1/auth/can-i', query: { action: 'query:read' } },
    grpc: { service: 'AuthService', method: 'CanI', request: () => ({ action: 'query:read' }) },
  },
  {
    action: 'query:read',
    rest: { method: 'POST', path: '/api/v1/query', body: () => ({ sql: 'SELECT 1 AS one' }) },
    grpc: {
      service: 'QueryService',
      method: 'ExecuteQuery',
      request: () => ({ sql: 'SELECT 1 AS one' }),
    },
  },
  {
    action: 'query:write',
    declaredAction: 'query:read',
    rest: {
      method: 'POST',
      path: '/api/v1/query',
      body: () => ({ sql: `CREATE TABLE ${uniqueTable()} (id INTEGER)` }),
    },
    grpc: {
      service: 'QueryService',
      method: 'ExecuteQuery',
      request: () => ({ sql: `CREATE TABLE ${uniqueTable()} (id INTEGER)` }),
    },
  },
];

export function operationName(op: Operation): string {
  const declared = op.declaredAction ? ` as ${op.action}` : '';
  return `${op.rest.method} ${op.rest.path}${declared} / ${op.grpc.service}.${op.grpc.method}`;
}

/** The concrete URL path (with query string) of a catalog REST call. */
export function restPath(call: RestCall): string {
  const path = call.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = call.params?.[name];
    if (value === undefined)
      throw new Error(`no sample value for path parameter ${name} of ${call.path}`);
    return encodeURIComponent(value);
  });
  const query = call.query ? `?${new URLSearchParams(call.query).toString()}` : '';
  return path + query;
}

/** Performs the REST side of an operation with an optional raw Authorization value. */
export function callRest(
  baseUrl: string,
  call: RestCall,
  authorization?: string,
): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (authorization !== undefined) headers.authorization = authorization;
  const body = call.body?.();
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(baseUrl + restPath(call), {
    method: call.method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
