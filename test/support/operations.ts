import { randomUUID } from 'node:crypto';
import { Action } from '../../src/access/permissions';

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

/** A job id no job has: reads and cancels of it are harmless and answer 404 to an allowed caller. */
const UNKNOWN_JOB = '00000000-0000-4000-8000-00000000dead';
/** The embedded executor every coordinator starts with; drain then resume leaves it as it was. */
const EXECUTOR = 'executor-1';
/** Removing an executor retires it for good, so the sample removes one that does not exist. */
const UNKNOWN_EXECUTOR = 'executor-permission-probe';
/** A stream no one created: reading or appending to it is harmless and answers 404. */
const UNKNOWN_STREAM = 'permission_probe_missing';
/** A savepoint no job took: reading, deleting or restoring it answers 404 to an allowed caller. */
const UNKNOWN_SAVEPOINT = '00000000-0000-4000-8000-0000005a7e00';
const uniqueStream = () => `permission_probe_${randomUUID().replace(/-/g, '')}`;

/** The query endpoint reading and writing, over REST and one of the two query RPCs. */
function queryOperations(method: 'ExecuteQuery' | 'ExecuteQueryStream'): Operation[] {
  const read = () => ({ sql: 'SELECT 1 AS one' });
  const write = () => ({ sql: `CREATE TABLE ${uniqueTable()} (id INTEGER)` });
  return [
    {
      action: 'query:read',
      rest: { method: 'POST', path: '/api/v1/query', body: read },
      grpc: { service: 'QueryService', method, request: read },
    },
    {
      action: 'query:write',
      declaredAction: 'query:read',
      rest: { method: 'POST', path: '/api/v1/query', body: write },
      grpc: { service: 'QueryService', method, request: write },
    },
  ];
}

/**
 * Every REST route and every RPC the coordinator serves behind the guard chain, each with a
 * harmless, repeatable request that a caller who has the role gets past the guards with (the
 * answer may still be a 4xx such as 404 for an unknown id, never 401/403 or a 5xx). The expected
 * outcome of a call is never written here: tests derive it from PERMISSIONS.
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
  ...(['ExecuteQuery', 'ExecuteQueryStream'] as const).flatMap(queryOperations),
  {
    action: 'jobs:submit',
    rest: { method: 'POST', path: '/api/v1/jobs', body: () => ({ sql: 'SELECT 1 AS one' }) },
    grpc: {
      service: 'JobService',
      method: 'SubmitJob',
      request: () => ({ sql: 'SELECT 1 AS one' }),
    },
  },
  {
    action: 'jobs:list',
    rest: { method: 'GET', path: '/api/v1/jobs', query: { pageSize: '5' } },
    grpc: { service: 'JobService', method: 'ListJobs', request: () => ({ pageSize: 5 }) },
  },
  {
    action: 'jobs:read',
    rest: { method: 'GET', path: '/api/v1/jobs/{id}', params: { id: UNKNOWN_JOB } },
    grpc: { service: 'JobService', method: 'GetJob', request: () => ({ id: UNKNOWN_JOB }) },
  },
  {
    action: 'jobs:read',
    rest: {
      method: 'GET',
      path: '/api/v1/jobs/{id}/result',
      params: { id: UNKNOWN_JOB },
      query: { offset: '0', limit: '10' },
    },
    grpc: {
      service: 'JobService',
      method: 'GetJobResult',
      request: () => ({ id: UNKNOWN_JOB, offset: 0, limit: 10 }),
    },
  },
  {
    action: 'jobs:savepoint',
    rest: {
      method: 'POST',
      path: '/api/v1/jobs/{id}/savepoints',
      params: { id: UNKNOWN_JOB },
      body: () => ({ label: 'permission probe' }),
    },
    grpc: {
      service: 'JobService',
      method: 'TriggerSavepoint',
      request: () => ({ jobId: UNKNOWN_JOB, label: 'permission probe' }),
    },
  },
  {
    action: 'jobs:read',
    rest: { method: 'GET', path: '/api/v1/jobs/{id}/savepoints', params: { id: UNKNOWN_JOB } },
    grpc: {
      service: 'JobService',
      method: 'ListSavepoints',
      request: () => ({ jobId: UNKNOWN_JOB }),
    },
  },
  {
    action: 'jobs:read',
    rest: { method: 'GET', path: '/api/v1/savepoints/{id}', params: { id: UNKNOWN_SAVEPOINT } },
    grpc: {
      service: 'JobService',
      method: 'GetSavepoint',
      request: () => ({ id: UNKNOWN_SAVEPOINT }),
    },
  },
  {
    action: 'jobs:savepoint',
    rest: { method: 'DELETE', path: '/api/v1/savepoints/{id}', params: { id: UNKNOWN_SAVEPOINT } },
    grpc: {
      service: 'JobService',
      method: 'DeleteSavepoint',
      request: () => ({ id: UNKNOWN_SAVEPOINT }),
    },
  },
  {
    action: 'jobs:restore',
    rest: {
      method: 'POST',
      path: '/api/v1/savepoints/{id}/restore',
      params: { id: UNKNOWN_SAVEPOINT },
      body: () => ({}),
    },
    grpc: {
      service: 'JobService',
      method: 'RestoreJob',
      request: () => ({ savepointId: UNKNOWN_SAVEPOINT }),
    },
  },
  {
    action: 'jobs:cancel',
    rest: { method: 'POST', path: '/api/v1/jobs/{id}/cancel', params: { id: UNKNOWN_JOB } },
    grpc: { service: 'JobService', method: 'CancelJob', request: () => ({ id: UNKNOWN_JOB }) },
  },
  {
    action: 'executors:list',
    rest: { method: 'GET', path: '/api/v1/executors' },
    grpc: { service: 'ExecutorService', method: 'ListExecutors', request: () => ({}) },
  },
  {
    action: 'executors:list',
    rest: { method: 'GET', path: '/api/v1/executors/{id}', params: { id: EXECUTOR } },
    grpc: { service: 'ExecutorService', method: 'GetExecutor', request: () => ({ id: EXECUTOR }) },
  },
  {
    action: 'executors:manage',
    rest: { method: 'POST', path: '/api/v1/executors/{id}/drain', params: { id: EXECUTOR } },
    grpc: {
      service: 'ExecutorService',
      method: 'DrainExecutor',
      request: () => ({ id: EXECUTOR }),
    },
  },
  // After the drain, so the executor ends every run of the matrix active again.
  {
    action: 'executors:manage',
    rest: { method: 'POST', path: '/api/v1/executors/{id}/resume', params: { id: EXECUTOR } },
    grpc: {
      service: 'ExecutorService',
      method: 'ResumeExecutor',
      request: () => ({ id: EXECUTOR }),
    },
  },
  {
    action: 'executors:manage',
    rest: { method: 'DELETE', path: '/api/v1/executors/{id}', params: { id: UNKNOWN_EXECUTOR } },
    grpc: {
      service: 'ExecutorService',
      method: 'RemoveExecutor',
      request: () => ({ id: UNKNOWN_EXECUTOR }),
    },
  },
  {
    action: 'streams:list',
    rest: { method: 'GET', path: '/api/v1/streams' },
    grpc: { service: 'StreamService', method: 'ListStreams', request: () => ({}) },
  },
  {
    action: 'streams:list',
    rest: { method: 'GET', path: '/api/v1/streams/{name}', params: { name: UNKNOWN_STREAM } },
    grpc: {
      service: 'StreamService',
      method: 'GetStream',
      request: () => ({ name: UNKNOWN_STREAM }),
    },
  },
  {
    action: 'streams:write',
    rest: {
      method: 'POST',
      path: '/api/v1/streams',
      body: () => ({ name: uniqueStream(), columns: [{ name: 'v', type: 'INTEGER' }] }),
    },
    grpc: {
      service: 'StreamService',
      method: 'CreateStream',
      request: () => ({ name: uniqueStream(), columns: [{ name: 'v', type: 'INTEGER' }] }),
    },
  },
  {
    action: 'streams:write',
    rest: {
      method: 'POST',
      path: '/api/v1/streams/{name}/records',
      params: { name: UNKNOWN_STREAM },
      body: () => [{ v: 1 }],
    },
    grpc: {
      service: 'StreamService',
      method: 'AppendRecords',
      request: () => ({ name: UNKNOWN_STREAM, records: [{ fields: { v: { intValue: 1 } } }] }),
    },
  },
  {
    action: 'audit:read',
    rest: { method: 'GET', path: '/api/v1/audit', query: { pageSize: '5' } },
    grpc: { service: 'AuditService', method: 'ListEvents', request: () => ({ pageSize: 5 }) },
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
