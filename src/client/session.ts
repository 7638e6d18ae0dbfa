import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { clientEnvironment } from '../config/client-env';
import { PROTO_FILES, PROTO_LOADER_OPTIONS } from '../grpc/proto';
import type { CanIResponse__Output } from '../grpc/generated/krishiv/coordinator/v1/CanIResponse';
import type { ExecuteQueryResponse__Output } from '../grpc/generated/krishiv/coordinator/v1/ExecuteQueryResponse';
import type { Value__Output } from '../grpc/generated/krishiv/coordinator/v1/Value';
import type { WhoAmIResponse__Output } from '../grpc/generated/krishiv/coordinator/v1/WhoAmIResponse';
import { errorFromStatus, KrishivError } from './errors';

export type SqlValue = null | boolean | number | bigint | string | Buffer;

export interface QueryOptions {
  maxRows?: number;
  timeoutMs?: number;
}

export interface QueryResult {
  columns: { name: string; type: string }[];
  rows: SqlValue[][];
  rowCount: number;
  truncated: boolean;
  elapsedMs: number;
}

export interface WhoAmI {
  subject: string;
  role: 'reader' | 'writer' | 'admin' | null;
  method: string;
  issuer?: string;
  expiresAt?: string;
}

export interface CanIAnswer {
  action: string;
  allowed: boolean;
  requiredRole: string | null;
  role: string | null;
  reason: string;
}

export interface ConnectOptions {
  token?: string;
  /** PEM of the CA that signed the coordinator's certificate (TLS URLs only). */
  ca?: Buffer;
  /** Default deadline of each call in ms. */
  deadlineMs?: number;
}

type Unary = (
  request: object,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: grpc.requestCallback<any>,
) => void;

let servicesCache: any;
function services(): any {
  servicesCache ??= (
    grpc.loadPackageDefinition(protoLoader.loadSync(PROTO_FILES, PROTO_LOADER_OPTIONS)) as any
  ).krishiv.coordinator.v1;
  return servicesCache;
}

/** `http://`/`grpc://` → plaintext, `https://`/`grpcs://` → TLS; the host:port is the target. */
export function parseCoordinatorUrl(url: string): { target: string; tls: boolean } {
  const match = /^(https?|grpcs?):\/\/([^/]+)\/?$/.exec(url.trim());
  if (!match) {
    throw new KrishivError(
      grpc.status.INVALID_ARGUMENT,
      `"${url}" is not a coordinator URL; use http://host:50051 or https://host:50051`,
    );
  }
  return { target: match[2], tls: match[1] === 'https' || match[1] === 'grpcs' };
}

function decodeValue(value: Value__Output): SqlValue {
  switch (value?.kind) {
    case 'boolValue':
      return value.boolValue ?? null;
    case 'intValue': {
      const big = BigInt(value.intValue ?? 0);
      return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(big)
        : big;
    }
    case 'doubleValue':
      return value.doubleValue ?? null;
    case 'stringValue':
      return value.stringValue ?? null;
    case 'bytesValue':
      return value.bytesValue ?? null;
    default:
      return null;
  }
}

/** A typed client of the coordinator's gRPC API. */
export class Session {
  private readonly clients = new Map<string, grpc.Client>();

  private constructor(
    public readonly url: string,
    private readonly target: string,
    private readonly credentials: grpc.ChannelCredentials,
    private readonly token: string | undefined,
    private readonly deadlineMs: number,
  ) {}

  public static connect(url: string, options: ConnectOptions = {}): Session {
    const { target, tls } = parseCoordinatorUrl(url);
    const credentials = tls
      ? grpc.credentials.createSsl(options.ca ?? null)
      : grpc.credentials.createInsecure();
    return new Session(url, target, credentials, options.token, options.deadlineMs ?? 330_000);
  }

  /** Coordinator from `KRISHIV_COORDINATOR`, token as the CLI finds it (see `clientEnvironment`). */
  public static fromEnv(options: Omit<ConnectOptions, 'token'> = {}): Session {
    const env = clientEnvironment();
    return Session.connect(env.coordinator, { ...options, token: env.token });
  }

  public static caFromFile(path: string): Buffer {
    return readFileSync(path);
  }

  public async whoAmI(): Promise<WhoAmI> {
    const r = await this.call<WhoAmIResponse__Output>('AuthService', 'whoAmI', {});
    return {
      subject: r.subject,
      role: (r.role || null) as WhoAmI['role'],
      method: r.method,
      issuer: r.issuer || undefined,
      expiresAt: r.expiresAt || undefined,
    };
  }

  public async canI(action: string): Promise<CanIAnswer> {
    const r = await this.call<CanIResponse__Output>('AuthService', 'canI', { action });
    return { ...r, requiredRole: r.requiredRole || null, role: r.role || null };
  }

  public async query(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    const deadline = options.timeoutMs ? options.timeoutMs + 5_000 : undefined;
    const r = await this.call<ExecuteQueryResponse__Output>(
      'QueryService',
      'executeQuery',
      { sql, ...options },
      deadline,
    );
    return {
      columns: r.columns,
      rows: r.rows.map((row) => row.values.map(decodeValue)),
      rowCount: Number(r.rowCount),
      truncated: r.truncated,
      elapsedMs: r.elapsedMs,
    };
  }

  public close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  private client(service: string): any {
    let client = this.clients.get(service);
    if (!client) {
      client = new (services()[service])(this.target, this.credentials) as grpc.Client;
      this.clients.set(service, client);
    }
    return client;
  }

  private call<T>(
    service: string,
    method: string,
    request: object,
    deadlineMs = this.deadlineMs,
  ): Promise<T> {
    const metadata = new grpc.Metadata();
    if (this.token) metadata.set('authorization', `Bearer ${this.token}`);
    const client = this.client(service);
    const unary = client[method].bind(client) as Unary;
    return new Promise((resolve, reject) => {
      unary(request, metadata, { deadline: Date.now() + deadlineMs }, (err, response) => {
        if (!err) return resolve(response);
        const message =
          err.code === grpc.status.UNAVAILABLE
            ? `cannot reach the coordinator at ${this.url}: ${err.details.replace(/\s*Resolution note:.*$/s, '')}`
            : err.details;
        reject(errorFromStatus(err.code, message || err.message));
      });
    });
  }
}

export { KrishivError };
