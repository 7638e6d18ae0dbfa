import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';
import { isRole, Role } from '../access/principal';
import { AppConfig, ListenAddress, OidcConfig, TlsConfig } from './app-config';

/** JWS algorithms a coordinator may accept: asymmetric only, never `none` or `HS*`. */
export const SUPPORTED_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
] as const;

export const MIN_STATIC_TOKEN_LENGTH = 32;

const TRUTHY = new Set(['1', 'true', 'yes', 'on']);
const FALSY = new Set(['', '0', 'false', 'no', 'off']);

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const flag = z
  .string()
  .optional()
  .superRefine((v, ctx) => {
    if (
      v !== undefined &&
      !TRUTHY.has(v.trim().toLowerCase()) &&
      !FALSY.has(v.trim().toLowerCase())
    ) {
      ctx.addIssue({
        code: 'custom',
        message: `"${v}" is not a boolean; use 1/true/yes/on or 0/false/no/off`,
      });
    }
  })
  .transform((v) => v !== undefined && TRUTHY.has(v.trim().toLowerCase()));

function integer(defaultValue: number, min: number, max: number) {
  return z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return defaultValue;
      const n = Number(v.trim());
      if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
        ctx.addIssue({
          code: 'custom',
          message: `"${v}" is not a whole number from ${min} to ${max}`,
        });
        return z.NEVER;
      }
      return n;
    });
}

function address(defaultValue: string, allowOff: boolean) {
  return z
    .string()
    .optional()
    .transform((v, ctx): ListenAddress | null => {
      const raw = v === undefined || v.trim() === '' ? defaultValue : v.trim();
      if (allowOff && raw.toLowerCase() === 'off') return null;
      const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(raw);
      const port = match ? Number(match[3]) : NaN;
      if (!match || port < 1 || port > 65535) {
        const off = allowOff ? ', or off' : '';
        ctx.addIssue({
          code: 'custom',
          message: `"${raw}" is not host:port (e.g. 127.0.0.1:2002, [::1]:2002, 0.0.0.0:2002${off})`,
        });
        return z.NEVER;
      }
      return { host: match[1] ?? match[2], port };
    });
}

function list(v: string | undefined, separator: RegExp = /,/): string[] {
  if (v === undefined) return [];
  return v
    .split(separator)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** A variable holding exactly one token: commas are part of it. */
function single(v: string | undefined): string[] {
  return v === undefined ? [] : [v];
}

const role = (defaultValue: Role) =>
  z
    .string()
    .optional()
    .transform((v, ctx): Role => {
      if (v === undefined || v.trim() === '') return defaultValue;
      const r = v.trim().toLowerCase();
      if (!isRole(r)) {
        ctx.addIssue({
          code: 'custom',
          message: `"${v}" is not a role; use reader, writer or admin`,
        });
        return z.NEVER;
      }
      return r;
    });

const httpsUrl = optionalString.superRefine((v, ctx) => {
  if (v === undefined) return;
  try {
    const url = new URL(v);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('scheme');
  } catch {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not an http(s) URL` });
  }
});

const envSchema = z.object({
  KRISHIV_PRODUCTION: flag,
  KRISHIV_HTTP_ADDR: address('127.0.0.1:2002', false),
  KRISHIV_GRPC_ADDR: address('127.0.0.1:50051', false),
  KRISHIV_PG_ADDR: address('127.0.0.1:5433', true),
  KRISHIV_OIDC_ISSUER: httpsUrl,
  KRISHIV_OIDC_JWKS_URI: httpsUrl,
  KRISHIV_OIDC_AUDIENCE: optionalString,
  KRISHIV_OIDC_JWKS_REFRESH_SECS: integer(600, 1, 86400 * 7),
  KRISHIV_OIDC_JWKS_COOLDOWN_SECS: integer(30, 0, 86400),
  KRISHIV_OIDC_JWKS_TIMEOUT_MS: integer(5000, 100, 60000),
  KRISHIV_OIDC_ROLE_CLAIM: optionalString,
  KRISHIV_OIDC_ROLE_MAP: optionalString,
  KRISHIV_OIDC_ALGORITHMS: optionalString,
  KRISHIV_OIDC_CLOCK_SKEW_SECS: integer(30, 0, 3600),
  KRISHIV_COORDINATOR_BEARER_TOKEN: optionalString,
  KRISHIV_COORDINATOR_BEARER_TOKENS: optionalString,
  KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: optionalString,
  KRISHIV_COORDINATOR_BEARER_TOKENS_FILE: optionalString,
  KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS: integer(30, 1, 86400),
  KRISHIV_UI_TOKEN: optionalString,
  KRISHIV_UI_TOKEN_FILE: optionalString,
  KRISHIV_UI_TOKEN_ROLE: role('reader'),
  KRISHIV_ALLOW_ANONYMOUS: flag,
  KRISHIV_TLS_CERT: optionalString,
  KRISHIV_TLS_KEY: optionalString,
  KRISHIV_TLS_CA: optionalString,
  KRISHIV_TLS_TERMINATED_BY_PROXY: flag,
  KRISHIV_DATA_DIR: optionalString,
  KRISHIV_QUERY_MAX_ROWS: integer(10000, 1, 10_000_000),
  KRISHIV_QUERY_TIMEOUT_MS: integer(300000, 1, 86_400_000),
  KRISHIV_LOG_LEVEL: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const level = (v ?? 'info').trim().toLowerCase() || 'info';
      if (!['debug', 'info', 'warn', 'error'].includes(level)) {
        ctx.addIssue({
          code: 'custom',
          message: `"${v}" is not a level; use debug, info, warn or error`,
        });
        return z.NEVER;
      }
      return level as AppConfig['logLevel'];
    }),
  KRISHIV_SHUTDOWN_GRACE_MS: integer(10000, 0, 600000),
  KRISHIV_EXECUTORS: integer(1, 1, 64),
  KRISHIV_EXECUTOR_SLOTS: integer(2, 1, 64),
  KRISHIV_JOB_RETENTION_HOURS: integer(168, 1, 24 * 3650),
  KRISHIV_JOB_TIMEOUT_MS: integer(0, 0, 7 * 86_400_000),
  KRISHIV_STREAMING_TICK_MS: integer(200, 10, 60_000),
  KRISHIV_AUDIT_RETENTION_DAYS: integer(90, 1, 3650),
  KRISHIV_API_DOCS: z.string().optional(),
  KRISHIV_AUTH_FAILURE_LIMIT: integer(20, 0, 1_000_000),
  KRISHIV_AUTH_FAILURE_WINDOW_SECS: integer(60, 1, 86_400),
  KRISHIV_AUTH_FAILURE_EXEMPT_LOOPBACK: flag,
  KRISHIV_PRINCIPAL_RATE_LIMIT: integer(0, 0, 1_000_000),
  KRISHIV_PRINCIPAL_RATE_WINDOW_SECS: integer(1, 1, 3_600),
  KRISHIV_HTTP_BODY_LIMIT_BYTES: integer(2 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
  KRISHIV_GRPC_MAX_MESSAGE_BYTES: integer(16 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
});

type ParsedEnv = z.infer<typeof envSchema>;

export type ConfigResult = { ok: true; config: AppConfig } | { ok: false; problems: string[] };

const LOOPBACK_NAMES = new Set(['localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (LOOPBACK_NAMES.has(h) || h.endsWith('.localhost')) return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

function readable(path: string, variable: string, problems: string[]): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    problems.push(
      `${variable}: cannot read "${path}" (${reason}); point it at a readable file or unset it`,
    );
    return undefined;
  }
}

function parseRoleMap(raw: string | undefined, problems: string[]): Record<string, Role> {
  const map: Record<string, Role> = {};
  for (const pair of list(raw)) {
    const eq = pair.lastIndexOf('=');
    const value = eq > 0 ? pair.slice(0, eq).trim() : '';
    const target =
      eq > 0
        ? pair
            .slice(eq + 1)
            .trim()
            .toLowerCase()
        : '';
    if (!value || !isRole(target)) {
      problems.push(
        `KRISHIV_OIDC_ROLE_MAP: "${pair}" is not value=role; write pairs like "data-team=writer,ops=admin"`,
      );
      continue;
    }
    map[value] = target;
  }
  return map;
}

function parseAlgorithms(raw: string | undefined, problems: string[]): string[] {
  if (raw === undefined) return [...SUPPORTED_ALGORITHMS];
  const algs = list(raw).map((a) => a.toUpperCase());
  const bad = algs.filter((a) => !(SUPPORTED_ALGORITHMS as readonly string[]).includes(a));
  if (bad.length > 0 || algs.length === 0) {
    problems.push(
      `KRISHIV_OIDC_ALGORITHMS: ${bad.length ? `"${bad.join(',')}" not accepted` : 'empty'}; ` +
        `choose from ${SUPPORTED_ALGORITHMS.join(',')} (symmetric HS* and none are never accepted)`,
    );
  }
  return algs;
}

function buildOidc(env: ParsedEnv, problems: string[]): OidcConfig | null {
  const configured =
    env.KRISHIV_OIDC_ISSUER !== undefined || env.KRISHIV_OIDC_JWKS_URI !== undefined;
  const audiences = list(env.KRISHIV_OIDC_AUDIENCE);
  // An empty list means "aud unchecked", so a value that parses to nothing is surely a mistake.
  // Production reports it among its refusals.
  if (
    env.KRISHIV_OIDC_AUDIENCE !== undefined &&
    audiences.length === 0 &&
    !env.KRISHIV_PRODUCTION
  ) {
    problems.push(
      `KRISHIV_OIDC_AUDIENCE: "${env.KRISHIV_OIDC_AUDIENCE}" names no audience; set it to the aud ` +
        'your OIDC application issues (e.g. krishiv-dev), or unset it to leave aud unchecked',
    );
  }
  if (!configured) {
    if (audiences.length > 0) {
      problems.push(
        'KRISHIV_OIDC_AUDIENCE: set, but no OIDC provider is configured; set KRISHIV_OIDC_ISSUER or KRISHIV_OIDC_JWKS_URI',
      );
    }
    return null;
  }
  const roleMap = parseRoleMap(env.KRISHIV_OIDC_ROLE_MAP, problems);
  const algorithms = parseAlgorithms(env.KRISHIV_OIDC_ALGORITHMS, problems);
  const roleClaims = list(env.KRISHIV_OIDC_ROLE_CLAIM ?? 'https://krishiv/roles,groups');
  if (roleClaims.length === 0) {
    problems.push(
      'KRISHIV_OIDC_ROLE_CLAIM: empty; name at least one claim, e.g. "realm_access.roles"',
    );
  }
  return {
    issuer: env.KRISHIV_OIDC_ISSUER?.replace(/\/+$/, ''),
    jwksUri: env.KRISHIV_OIDC_JWKS_URI,
    audiences,
    refreshSecs: env.KRISHIV_OIDC_JWKS_REFRESH_SECS,
    cooldownSecs: env.KRISHIV_OIDC_JWKS_COOLDOWN_SECS,
    fetchTimeoutMs: env.KRISHIV_OIDC_JWKS_TIMEOUT_MS,
    roleClaims,
    roleMap,
    algorithms,
    clockSkewSecs: env.KRISHIV_OIDC_CLOCK_SKEW_SECS,
  };
}

/** Tokens inside a token file: one per line or comma-separated; blank entries dropped. */
export function parseTokenList(text: string): string[] {
  return list(text, /[,\r\n]+/);
}

function productionRefusals(
  env: ParsedEnv,
  config: AppConfig,
  fileTokens: string[],
  uiFileTokens: string[],
  problems: string[],
) {
  // The parsed list decides: " , " is set, yet names no audience, and no audience means unchecked.
  if (list(env.KRISHIV_OIDC_AUDIENCE).length === 0) {
    problems.push(
      env.KRISHIV_OIDC_AUDIENCE === undefined
        ? 'KRISHIV_OIDC_AUDIENCE: required in production; set it to the aud your OIDC application issues (e.g. krishiv-prod)'
        : `KRISHIV_OIDC_AUDIENCE: "${env.KRISHIV_OIDC_AUDIENCE}" names no audience, and production needs at least one; ` +
            'set it to the aud your OIDC application issues (e.g. krishiv-prod)',
    );
  }
  if (config.oidc === null) {
    problems.push(
      'KRISHIV_OIDC_JWKS_URI / KRISHIV_OIDC_ISSUER: production needs an OIDC provider; set one of them (https://…)',
    );
  }
  if (config.serviceTokens.inline.length === 0 && fileTokens.length === 0) {
    problems.push(
      'KRISHIV_COORDINATOR_BEARER_TOKEN: production needs a service token for service-to-service calls; ' +
        'set it (or KRISHIV_COORDINATOR_BEARER_TOKEN_FILE) to a random string of at least 32 characters',
    );
  }
  if (config.allowAnonymous) {
    problems.push(
      'KRISHIV_ALLOW_ANONYMOUS: anonymous access is for development only; unset it in production',
    );
  }
  for (const variable of ['KRISHIV_OIDC_JWKS_URI', 'KRISHIV_OIDC_ISSUER'] as const) {
    const value = env[variable];
    if (value === undefined) continue;
    const url = new URL(value);
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
      problems.push(`${variable}: "${value}" uses plain http on a non-loopback host; use https://`);
    }
  }
  const shown = ({ host, port }: ListenAddress) =>
    `${host.includes(':') ? `[${host}]` : host}:${port}`;
  // Bearer tokens cross the network only inside TLS: ours, or a proxy's the operator vouches for.
  const listeners = [
    ['KRISHIV_HTTP_ADDR', config.http],
    ['KRISHIV_GRPC_ADDR', config.grpc],
  ] as const;
  for (const [variable, listen] of listeners) {
    if (config.tls !== null || config.tlsTerminatedByProxy || isLoopbackHost(listen.host)) continue;
    problems.push(
      `${variable}: "${shown(listen)}" is not a loopback address and TLS is off, ` +
        'so bearer tokens would travel in cleartext; set KRISHIV_TLS_CERT and KRISHIV_TLS_KEY, bind 127.0.0.1, ' +
        'or, when a proxy or service mesh in front terminates TLS, set KRISHIV_TLS_TERMINATED_BY_PROXY=true',
    );
  }
  // A PostgreSQL password here is a bearer token, and PostgreSQL clients usually connect directly:
  // the proxy opt-in does not apply.
  if (config.pg && config.tls === null && !isLoopbackHost(config.pg.host)) {
    problems.push(
      `KRISHIV_PG_ADDR: "${shown(config.pg)}" is not a loopback address and TLS is off, ` +
        'so tokens would travel as cleartext PostgreSQL passwords; set KRISHIV_TLS_CERT and KRISHIV_TLS_KEY, ' +
        'bind 127.0.0.1, or set KRISHIV_PG_ADDR=off ' +
        '(KRISHIV_TLS_TERMINATED_BY_PROXY does not cover the PostgreSQL listener)',
    );
  }
  const shortTokens: [string, string[]][] = [
    ['KRISHIV_COORDINATOR_BEARER_TOKEN', single(env.KRISHIV_COORDINATOR_BEARER_TOKEN)],
    [
      'KRISHIV_COORDINATOR_BEARER_TOKENS',
      parseTokenList(env.KRISHIV_COORDINATOR_BEARER_TOKENS ?? ''),
    ],
    ['KRISHIV_COORDINATOR_BEARER_TOKEN(S)_FILE', fileTokens],
    ['KRISHIV_UI_TOKEN', single(env.KRISHIV_UI_TOKEN)],
    ['KRISHIV_UI_TOKEN_FILE', uiFileTokens],
  ];
  for (const [variable, tokens] of shortTokens) {
    if (tokens.some((t) => t.length < MIN_STATIC_TOKEN_LENGTH)) {
      problems.push(
        `${variable}: a token is shorter than ${MIN_STATIC_TOKEN_LENGTH} characters; ` +
          'generate one with `openssl rand -base64 32`',
      );
    }
  }
}

/**
 * Validates the environment once. Every problem is collected, so an operator fixes them all in
 * one go instead of one per restart.
 */
export function loadConfig(raw: NodeJS.ProcessEnv, cwd = process.cwd()): ConfigResult {
  // Each variable is parsed on its own, falling back to its default when invalid, so the
  // cross-variable checks below still run and every problem is reported in one go.
  const problems: string[] = [];
  const fields: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(envSchema.shape)) {
    const result = (schema as z.ZodType).safeParse(raw[name]);
    if (result.success) {
      fields[name] = result.data;
    } else {
      problems.push(...result.error.issues.map((i) => `${name}: ${i.message}`));
      fields[name] = (schema as z.ZodType).parse(undefined);
    }
  }
  const env = fields as ParsedEnv;

  const fileTokens: string[] = [];
  const files = [
    env.KRISHIV_COORDINATOR_BEARER_TOKEN_FILE,
    env.KRISHIV_COORDINATOR_BEARER_TOKENS_FILE,
  ];
  files.forEach((file, i) => {
    if (file === undefined) return;
    const variable =
      i === 0 ? 'KRISHIV_COORDINATOR_BEARER_TOKEN_FILE' : 'KRISHIV_COORDINATOR_BEARER_TOKENS_FILE';
    const content = readable(resolve(cwd, file), variable, problems);
    if (content) fileTokens.push(...parseTokenList(content.toString('utf8')));
  });
  const uiFileTokens: string[] = [];
  if (env.KRISHIV_UI_TOKEN_FILE !== undefined) {
    const content = readable(
      resolve(cwd, env.KRISHIV_UI_TOKEN_FILE),
      'KRISHIV_UI_TOKEN_FILE',
      problems,
    );
    if (content) uiFileTokens.push(...parseTokenList(content.toString('utf8')).slice(0, 1));
  }

  let tls: TlsConfig | null = null;
  if ((env.KRISHIV_TLS_CERT === undefined) !== (env.KRISHIV_TLS_KEY === undefined)) {
    const missing = env.KRISHIV_TLS_CERT === undefined ? 'KRISHIV_TLS_CERT' : 'KRISHIV_TLS_KEY';
    problems.push(
      `${missing}: TLS needs both KRISHIV_TLS_CERT and KRISHIV_TLS_KEY; set ${missing} too or unset both`,
    );
  } else if (env.KRISHIV_TLS_CERT !== undefined && env.KRISHIV_TLS_KEY !== undefined) {
    const cert = readable(resolve(cwd, env.KRISHIV_TLS_CERT), 'KRISHIV_TLS_CERT', problems);
    const key = readable(resolve(cwd, env.KRISHIV_TLS_KEY), 'KRISHIV_TLS_KEY', problems);
    const ca = env.KRISHIV_TLS_CA
      ? readable(resolve(cwd, env.KRISHIV_TLS_CA), 'KRISHIV_TLS_CA', problems)
      : undefined;
    if (cert && key) tls = { cert, key, ca };
  } else if (env.KRISHIV_TLS_CA !== undefined) {
    problems.push(
      'KRISHIV_TLS_CA: client-certificate verification needs KRISHIV_TLS_CERT and KRISHIV_TLS_KEY too',
    );
  }
  if (env.KRISHIV_TLS_TERMINATED_BY_PROXY && env.KRISHIV_TLS_CERT !== undefined) {
    problems.push(
      'KRISHIV_TLS_TERMINATED_BY_PROXY: says the listeners are plaintext on purpose, yet KRISHIV_TLS_CERT ' +
        'turns TLS on; unset one of them',
    );
  }

  const oidc = buildOidc(env, problems);
  const inline = [
    ...single(env.KRISHIV_COORDINATOR_BEARER_TOKEN),
    ...parseTokenList(env.KRISHIV_COORDINATOR_BEARER_TOKENS ?? ''),
  ];
  const uiToken =
    env.KRISHIV_UI_TOKEN !== undefined || env.KRISHIV_UI_TOKEN_FILE !== undefined
      ? {
          inline: env.KRISHIV_UI_TOKEN,
          file: env.KRISHIV_UI_TOKEN_FILE && resolve(cwd, env.KRISHIV_UI_TOKEN_FILE),
          role: env.KRISHIV_UI_TOKEN_ROLE,
        }
      : null;
  const serviceFiles = files
    .filter((f): f is string => f !== undefined)
    .map((f) => resolve(cwd, f));
  const anyAuth = oidc !== null || inline.length > 0 || serviceFiles.length > 0 || uiToken !== null;

  const apiDocsRaw = env.KRISHIV_API_DOCS?.trim().toLowerCase();
  if (apiDocsRaw !== undefined && !TRUTHY.has(apiDocsRaw) && !FALSY.has(apiDocsRaw)) {
    problems.push(`KRISHIV_API_DOCS: "${env.KRISHIV_API_DOCS}" is not a boolean; use on or off`);
  }

  const config: AppConfig = {
    production: env.KRISHIV_PRODUCTION,
    http: env.KRISHIV_HTTP_ADDR as ListenAddress,
    grpc: env.KRISHIV_GRPC_ADDR as ListenAddress,
    pg: env.KRISHIV_PG_ADDR,
    oidc,
    serviceTokens: {
      inline,
      files: serviceFiles,
      reloadIntervalSecs: env.KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS,
    },
    uiToken,
    allowAnonymous: env.KRISHIV_ALLOW_ANONYMOUS,
    generateDevToken: !env.KRISHIV_PRODUCTION && !anyAuth && !env.KRISHIV_ALLOW_ANONYMOUS,
    tls,
    tlsTerminatedByProxy: env.KRISHIV_TLS_TERMINATED_BY_PROXY,
    dataDir: resolve(cwd, env.KRISHIV_DATA_DIR ?? '.krishiv'),
    query: { maxRows: env.KRISHIV_QUERY_MAX_ROWS, timeoutMs: env.KRISHIV_QUERY_TIMEOUT_MS },
    logLevel: env.KRISHIV_LOG_LEVEL,
    shutdownGraceMs: env.KRISHIV_SHUTDOWN_GRACE_MS,
    executors: { count: env.KRISHIV_EXECUTORS, slots: env.KRISHIV_EXECUTOR_SLOTS },
    jobs: {
      retentionHours: env.KRISHIV_JOB_RETENTION_HOURS,
      timeoutMs: env.KRISHIV_JOB_TIMEOUT_MS === 0 ? null : env.KRISHIV_JOB_TIMEOUT_MS,
      streamingTickMs: env.KRISHIV_STREAMING_TICK_MS,
    },
    audit: { retentionDays: env.KRISHIV_AUDIT_RETENTION_DAYS },
    // Docs are a convenience for developers; production opts in explicitly.
    apiDocs:
      apiDocsRaw === undefined || apiDocsRaw === ''
        ? !env.KRISHIV_PRODUCTION
        : TRUTHY.has(apiDocsRaw),
    grpcReflection: !env.KRISHIV_PRODUCTION,
    limits: {
      authFailureLimit: env.KRISHIV_AUTH_FAILURE_LIMIT,
      authFailureWindowSecs: env.KRISHIV_AUTH_FAILURE_WINDOW_SECS,
      authFailureExemptLoopback: env.KRISHIV_AUTH_FAILURE_EXEMPT_LOOPBACK,
      principalRateLimit: env.KRISHIV_PRINCIPAL_RATE_LIMIT,
      principalRateWindowSecs: env.KRISHIV_PRINCIPAL_RATE_WINDOW_SECS,
      httpBodyBytes: env.KRISHIV_HTTP_BODY_LIMIT_BYTES,
      grpcMessageBytes: env.KRISHIV_GRPC_MAX_MESSAGE_BYTES,
    },
  };

  if (config.production) productionRefusals(env, config, fileTokens, uiFileTokens, problems);

  return problems.length > 0 ? { ok: false, problems } : { ok: true, config };
}
