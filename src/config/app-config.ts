import { Role } from '../access/principal';

export interface ListenAddress {
  host: string;
  port: number;
}

export interface OidcConfig {
  issuer?: string;
  jwksUri?: string;
  audiences: string[];
  refreshSecs: number;
  cooldownSecs: number;
  fetchTimeoutMs: number;
  roleClaims: string[];
  roleMap: Record<string, Role>;
  algorithms: string[];
  clockSkewSecs: number;
}

export interface ServiceTokenSources {
  /** Tokens given inline through the environment. */
  inline: string[];
  /** `KRISHIV_COORDINATOR_BEARER_TOKEN_FILE` / `..._TOKENS_FILE`, re-read on reload. */
  files: string[];
  reloadIntervalSecs: number;
}

export interface UiTokenSource {
  inline?: string;
  file?: string;
  role: Role;
}

export interface TlsConfig {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
}

/** Abuse limits: throttling of failed authentications and per-principal request rates. */
export interface AbuseLimitsConfig {
  /** Failed authentications one client address may make per window; 0 turns the throttle off. */
  authFailureLimit: number;
  authFailureWindowSecs: number;
  /** Loopback clients (127.0.0.0/8, ::1) are never throttled for failed authentications. */
  authFailureExemptLoopback: boolean;
  /** Requests one principal may make per window; 0 means no limit. */
  principalRateLimit: number;
  principalRateWindowSecs: number;
  /** Largest HTTP request body and largest gRPC request message, in bytes. */
  httpBodyBytes: number;
  grpcMessageBytes: number;
}

/** The coordinator's whole configuration, validated once at start-up. */
export interface AppConfig {
  production: boolean;
  http: ListenAddress;
  grpc: ListenAddress;
  /** `null` when the PostgreSQL wire listener is off. */
  pg: ListenAddress | null;
  /** `null` when OIDC is not configured. */
  oidc: OidcConfig | null;
  serviceTokens: ServiceTokenSources;
  uiToken: UiTokenSource | null;
  allowAnonymous: boolean;
  /** True when no credential source is configured, so a development token is generated. */
  generateDevToken: boolean;
  tls: TlsConfig | null;
  /**
   * `KRISHIV_TLS_TERMINATED_BY_PROXY`: HTTP and gRPC are plaintext on purpose, a proxy or mesh in
   * front terminates TLS. Never covers the PostgreSQL listener.
   */
  tlsTerminatedByProxy: boolean;
  dataDir: string;
  query: { maxRows: number; timeoutMs: number };
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  shutdownGraceMs: number;
  /** In-process executors and the slots (concurrent jobs) of each. */
  executors: { count: number; slots: number };
  /** How long finished jobs keep their results, and the default job timeout (null: none). */
  jobs: { retentionHours: number; timeoutMs: number | null; streamingTickMs: number };
  /** How long audit events are kept before the periodic sweep deletes them. */
  audit: { retentionDays: number };
  apiDocs: boolean;
  grpcReflection: boolean;
  limits: AbuseLimitsConfig;
}
