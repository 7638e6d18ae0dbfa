import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from './app-config';
import { ConfigResult, loadConfig, parseTokenList, SUPPORTED_ALGORITHMS } from './env.schema';

const CWD = '/srv/krishiv';
const LONG_TOKEN = 'p'.repeat(40);
const OTHER_LONG_TOKEN = 'q'.repeat(48);

function ok(result: ConfigResult): AppConfig {
  if (!result.ok)
    throw new Error(`expected a valid configuration, got:\n${result.problems.join('\n')}`);
  return result.config;
}

function problems(result: ConfigResult): string[] {
  if (result.ok) throw new Error('expected configuration problems, got a valid configuration');
  return result.problems;
}

/** The problems that name `variable` at the start of the line, as the operator reads them. */
function problemsFor(result: ConfigResult, variable: string): string[] {
  return problems(result).filter(
    (p) => p.startsWith(`${variable}:`) || p.startsWith(`${variable} `),
  );
}

const load = (env: Record<string, string>) => loadConfig(env, CWD);

/** A configuration production accepts; each refusal test changes exactly one thing. */
const PRODUCTION: Record<string, string> = {
  KRISHIV_PRODUCTION: '1',
  KRISHIV_OIDC_JWKS_URI: 'https://idp.example.com/.well-known/jwks.json',
  KRISHIV_OIDC_AUDIENCE: 'krishiv-prod',
  KRISHIV_COORDINATOR_BEARER_TOKEN: LONG_TOKEN,
};

let files: string;

beforeAll(() => {
  files = mkdtempSync(join(tmpdir(), 'krishiv-env-spec-'));
});

afterAll(() => {
  rmSync(files, { recursive: true, force: true });
});

function file(name: string, content: string): string {
  const path = join(files, name);
  writeFileSync(path, content);
  return path;
}

describe('loadConfig with an empty environment', () => {
  it('gives a working single-node development configuration', () => {
    const config = ok(load({}));
    expect(config).toEqual<AppConfig>({
      production: false,
      http: { host: '127.0.0.1', port: 2002 },
      grpc: { host: '127.0.0.1', port: 50051 },
      pg: { host: '127.0.0.1', port: 5433 },
      oidc: null,
      serviceTokens: { inline: [], files: [], reloadIntervalSecs: 30 },
      uiToken: null,
      allowAnonymous: false,
      generateDevToken: true,
      tls: null,
      tlsTerminatedByProxy: false,
      dataDir: join(CWD, '.krishiv'),
      query: { maxRows: 10000, timeoutMs: 300000 },
      logLevel: 'info',
      shutdownGraceMs: 10000,
      executors: { count: 1, slots: 2 },
      jobs: { retentionHours: 168, timeoutMs: null, streamingTickMs: 200 },
      audit: { retentionDays: 90 },
      apiDocs: true,
      grpcReflection: true,
      limits: {
        authFailureLimit: 20,
        authFailureWindowSecs: 60,
        authFailureExemptLoopback: false,
        principalRateLimit: 0,
        principalRateWindowSecs: 1,
        httpBodyBytes: 2 * 1024 * 1024,
        grpcMessageBytes: 16 * 1024 * 1024,
      },
    });
  });

  it('treats blank values like unset ones', () => {
    const config = ok(
      load({
        KRISHIV_HTTP_ADDR: '',
        KRISHIV_QUERY_MAX_ROWS: '  ',
        KRISHIV_OIDC_AUDIENCE: '',
        KRISHIV_COORDINATOR_BEARER_TOKEN: '   ',
        KRISHIV_LOG_LEVEL: '',
        KRISHIV_PRODUCTION: '',
      }),
    );
    expect(config.http).toEqual({ host: '127.0.0.1', port: 2002 });
    expect(config.query.maxRows).toBe(10000);
    expect(config.serviceTokens.inline).toEqual([]);
    expect(config.logLevel).toBe('info');
    expect(config.production).toBe(false);
    expect(config.generateDevToken).toBe(true);
  });

  it('resolves a relative data dir against the working directory', () => {
    expect(ok(load({ KRISHIV_DATA_DIR: 'state' })).dataDir).toBe(join(CWD, 'state'));
    expect(ok(load({ KRISHIV_DATA_DIR: '/var/lib/krishiv' })).dataDir).toBe('/var/lib/krishiv');
  });
});

describe('loadConfig parses valid values', () => {
  it('reads listen addresses, including IPv6 and a disabled PostgreSQL listener', () => {
    const config = ok(
      load({
        KRISHIV_HTTP_ADDR: '0.0.0.0:8080',
        KRISHIV_GRPC_ADDR: '[::1]:9090',
        KRISHIV_PG_ADDR: 'OFF',
      }),
    );
    expect(config.http).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(config.grpc).toEqual({ host: '::1', port: 9090 });
    expect(config.pg).toBeNull();
  });

  it('reads numbers, trimming surrounding spaces', () => {
    const config = ok(
      load({
        KRISHIV_QUERY_MAX_ROWS: ' 25 ',
        KRISHIV_QUERY_TIMEOUT_MS: '1500',
        KRISHIV_SHUTDOWN_GRACE_MS: '0',
        KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS: '5',
      }),
    );
    expect(config.query).toEqual({ maxRows: 25, timeoutMs: 1500 });
    expect(config.shutdownGraceMs).toBe(0);
    expect(config.serviceTokens.reloadIntervalSecs).toBe(5);
  });

  it('reads the audit retention in days', () => {
    expect(ok(load({ KRISHIV_AUDIT_RETENTION_DAYS: '7' })).audit).toEqual({ retentionDays: 7 });
    expect(ok(load({ KRISHIV_AUDIT_RETENTION_DAYS: ' 3650 ' })).audit.retentionDays).toBe(3650);
  });

  it('reads the abuse limits', () => {
    const config = ok(
      load({
        KRISHIV_AUTH_FAILURE_LIMIT: '0',
        KRISHIV_AUTH_FAILURE_WINDOW_SECS: '300',
        KRISHIV_AUTH_FAILURE_EXEMPT_LOOPBACK: 'yes',
        KRISHIV_PRINCIPAL_RATE_LIMIT: '50',
        KRISHIV_PRINCIPAL_RATE_WINDOW_SECS: '10',
        KRISHIV_HTTP_BODY_LIMIT_BYTES: '65536',
        KRISHIV_GRPC_MAX_MESSAGE_BYTES: '1048576',
      }),
    );
    expect(config.limits).toEqual({
      authFailureLimit: 0,
      authFailureWindowSecs: 300,
      authFailureExemptLoopback: true,
      principalRateLimit: 50,
      principalRateWindowSecs: 10,
      httpBodyBytes: 65536,
      grpcMessageBytes: 1048576,
    });
  });

  it('reads the log level case-insensitively', () => {
    expect(ok(load({ KRISHIV_LOG_LEVEL: 'DEBUG' })).logLevel).toBe('debug');
    expect(ok(load({ KRISHIV_LOG_LEVEL: 'Warn' })).logLevel).toBe('warn');
  });

  it('reads the OIDC settings with their defaults', () => {
    const config = ok(
      load({
        KRISHIV_OIDC_ISSUER: 'https://idp.example.com/realms/krishiv/',
        KRISHIV_OIDC_AUDIENCE: 'krishiv, krishiv-cli',
      }),
    );
    expect(config.oidc).toEqual({
      issuer: 'https://idp.example.com/realms/krishiv',
      jwksUri: undefined,
      audiences: ['krishiv', 'krishiv-cli'],
      refreshSecs: 600,
      cooldownSecs: 30,
      fetchTimeoutMs: 5000,
      roleClaims: ['https://krishiv/roles', 'groups'],
      roleMap: {},
      algorithms: [...SUPPORTED_ALGORITHMS],
      clockSkewSecs: 30,
    });
    expect(config.generateDevToken).toBe(false);
  });

  it('reads role claims in order', () => {
    const config = ok(
      load({
        KRISHIV_OIDC_JWKS_URI: 'https://idp.example.com/jwks',
        KRISHIV_OIDC_ROLE_CLAIM: 'realm_access.roles, https://krishiv/roles ,groups',
      }),
    );
    expect(config.oidc?.roleClaims).toEqual([
      'realm_access.roles',
      'https://krishiv/roles',
      'groups',
    ]);
  });

  it('reads the UI token and its role', () => {
    const config = ok(load({ KRISHIV_UI_TOKEN: 'ui-secret', KRISHIV_UI_TOKEN_ROLE: 'Writer' }));
    expect(config.uiToken).toEqual({ inline: 'ui-secret', file: undefined, role: 'writer' });
    expect(ok(load({ KRISHIV_UI_TOKEN: 'ui-secret' })).uiToken?.role).toBe('reader');
  });

  it('reads inline service tokens from both variables', () => {
    const config = ok(
      load({
        KRISHIV_COORDINATOR_BEARER_TOKEN: 'one',
        KRISHIV_COORDINATOR_BEARER_TOKENS: 'two,three\nfour',
      }),
    );
    expect(config.serviceTokens.inline).toEqual(['one', 'two', 'three', 'four']);
  });
});

describe('loadConfig reports every invalid value with the variable name', () => {
  const cases: [string, string][] = [
    ['KRISHIV_PRODUCTION', 'maybe'],
    ['KRISHIV_HTTP_ADDR', 'nonsense'],
    ['KRISHIV_HTTP_ADDR', 'off'],
    ['KRISHIV_HTTP_ADDR', '127.0.0.1:0'],
    ['KRISHIV_GRPC_ADDR', '127.0.0.1:65536'],
    ['KRISHIV_GRPC_ADDR', ':50051'],
    ['KRISHIV_PG_ADDR', 'localhost'],
    ['KRISHIV_OIDC_ISSUER', 'ftp://idp.example.com'],
    ['KRISHIV_OIDC_ISSUER', 'not a url'],
    ['KRISHIV_OIDC_JWKS_URI', 'idp.example.com/jwks'],
    ['KRISHIV_OIDC_JWKS_REFRESH_SECS', '0'],
    ['KRISHIV_OIDC_JWKS_REFRESH_SECS', 'ten'],
    ['KRISHIV_OIDC_JWKS_COOLDOWN_SECS', '-1'],
    ['KRISHIV_OIDC_JWKS_TIMEOUT_MS', '1.5'],
    ['KRISHIV_OIDC_CLOCK_SKEW_SECS', '1e3'],
    ['KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS', '0'],
    ['KRISHIV_UI_TOKEN_ROLE', 'superuser'],
    ['KRISHIV_ALLOW_ANONYMOUS', 'sometimes'],
    ['KRISHIV_QUERY_MAX_ROWS', 'abc'],
    ['KRISHIV_QUERY_MAX_ROWS', '0'],
    ['KRISHIV_QUERY_TIMEOUT_MS', '-5'],
    ['KRISHIV_LOG_LEVEL', 'verbose'],
    ['KRISHIV_SHUTDOWN_GRACE_MS', 'soon'],
    ['KRISHIV_API_DOCS', 'perhaps'],
    ['KRISHIV_AUDIT_RETENTION_DAYS', '0'],
    ['KRISHIV_AUDIT_RETENTION_DAYS', '3651'],
    ['KRISHIV_AUDIT_RETENTION_DAYS', 'forever'],
    ['KRISHIV_AUTH_FAILURE_LIMIT', '-1'],
    ['KRISHIV_AUTH_FAILURE_WINDOW_SECS', '0'],
    ['KRISHIV_AUTH_FAILURE_EXEMPT_LOOPBACK', 'sometimes'],
    ['KRISHIV_PRINCIPAL_RATE_LIMIT', 'lots'],
    ['KRISHIV_PRINCIPAL_RATE_WINDOW_SECS', '3601'],
    ['KRISHIV_HTTP_BODY_LIMIT_BYTES', '100'],
    ['KRISHIV_GRPC_MAX_MESSAGE_BYTES', '2MiB'],
    ['KRISHIV_TLS_TERMINATED_BY_PROXY', 'maybe'],
  ];

  it.each(cases)('%s=%p', (variable, value) => {
    const found = problemsFor(load({ [variable]: value }), variable);
    expect(found).toHaveLength(1);
    // The operator sees the offending value, so a typo is obvious.
    expect(found[0]).toContain(value.trim() === '' ? variable : value);
  });

  it('reports OIDC-only settings once OIDC is configured', () => {
    const oidc = { KRISHIV_OIDC_JWKS_URI: 'https://idp.example.com/jwks' };
    expect(
      problemsFor(load({ ...oidc, KRISHIV_OIDC_ROLE_MAP: 'admins' }), 'KRISHIV_OIDC_ROLE_MAP'),
    ).toHaveLength(1);
    expect(
      problemsFor(load({ ...oidc, KRISHIV_OIDC_ALGORITHMS: 'HS256' }), 'KRISHIV_OIDC_ALGORITHMS'),
    ).toHaveLength(1);
    expect(
      problemsFor(load({ ...oidc, KRISHIV_OIDC_ROLE_CLAIM: ' , ' }), 'KRISHIV_OIDC_ROLE_CLAIM'),
    ).toHaveLength(1);
  });

  it('refuses a set audience that names no audience, outside production too', () => {
    const oidc = { KRISHIV_OIDC_JWKS_URI: 'https://idp.example.com/jwks' };
    const found = problemsFor(
      load({ ...oidc, KRISHIV_OIDC_AUDIENCE: ' , ' }),
      'KRISHIV_OIDC_AUDIENCE',
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/no audience/);
    // Unset (or blank) still means "not checked" outside production.
    expect(ok(load({ ...oidc, KRISHIV_OIDC_AUDIENCE: '' })).oidc?.audiences).toEqual([]);
  });

  it('refuses an audience without an identity provider', () => {
    expect(
      problemsFor(load({ KRISHIV_OIDC_AUDIENCE: 'krishiv' }), 'KRISHIV_OIDC_AUDIENCE'),
    ).toHaveLength(1);
  });

  it('reports several bad values of the same kind all at once', () => {
    const result = load({
      KRISHIV_HTTP_ADDR: 'nonsense',
      KRISHIV_GRPC_ADDR: 'also-nonsense',
      KRISHIV_QUERY_MAX_ROWS: 'abc',
      KRISHIV_QUERY_TIMEOUT_MS: 'xyz',
      KRISHIV_LOG_LEVEL: 'loud',
      KRISHIV_ALLOW_ANONYMOUS: 'maybe',
      KRISHIV_UI_TOKEN_ROLE: 'root',
    });
    for (const variable of [
      'KRISHIV_HTTP_ADDR',
      'KRISHIV_GRPC_ADDR',
      'KRISHIV_QUERY_MAX_ROWS',
      'KRISHIV_QUERY_TIMEOUT_MS',
      'KRISHIV_LOG_LEVEL',
      'KRISHIV_ALLOW_ANONYMOUS',
      'KRISHIV_UI_TOKEN_ROLE',
    ]) {
      expect(problemsFor(result, variable)).toHaveLength(1);
    }
  });

  it('reports malformed values, file problems and cross-variable problems in one go', () => {
    const result = load({
      KRISHIV_QUERY_MAX_ROWS: 'abc',
      KRISHIV_TLS_CERT: join(files, 'missing-cert.pem'),
      KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: join(files, 'missing-token'),
      KRISHIV_OIDC_JWKS_URI: 'https://idp.example.com/jwks',
      KRISHIV_OIDC_ROLE_MAP: 'admins',
    });
    expect(problemsFor(result, 'KRISHIV_QUERY_MAX_ROWS')).toHaveLength(1);
    expect(problemsFor(result, 'KRISHIV_TLS_KEY')).toHaveLength(1);
    expect(problemsFor(result, 'KRISHIV_COORDINATOR_BEARER_TOKEN_FILE')).toHaveLength(1);
    expect(problemsFor(result, 'KRISHIV_OIDC_ROLE_MAP')).toHaveLength(1);
  });

  it('reports a malformed value and the production refusals together', () => {
    const result = load({ KRISHIV_PRODUCTION: '1', KRISHIV_HTTP_ADDR: 'nonsense' });
    expect(problemsFor(result, 'KRISHIV_HTTP_ADDR')).toHaveLength(1);
    expect(problemsFor(result, 'KRISHIV_OIDC_AUDIENCE')).toHaveLength(1);
    expect(problemsFor(result, 'KRISHIV_COORDINATOR_BEARER_TOKEN')).toHaveLength(1);
  });
});

describe('truthy and falsy values', () => {
  it.each(['1', 'true', 'TRUE', 'yes', 'Yes', 'on', ' ON '])('%p is on', (value) => {
    expect(ok(load({ KRISHIV_ALLOW_ANONYMOUS: value })).allowAnonymous).toBe(true);
  });

  it.each(['0', 'false', 'FALSE', 'no', 'off', 'Off', ''])('%p is off', (value) => {
    expect(ok(load({ KRISHIV_ALLOW_ANONYMOUS: value })).allowAnonymous).toBe(false);
  });

  it.each(['2', 'enabled', 'y', 't', '-1'])('%p is refused', (value) => {
    expect(
      problemsFor(load({ KRISHIV_ALLOW_ANONYMOUS: value }), 'KRISHIV_ALLOW_ANONYMOUS'),
    ).toHaveLength(1);
  });

  it('applies to KRISHIV_API_DOCS as well', () => {
    expect(ok(load({ KRISHIV_API_DOCS: 'off' })).apiDocs).toBe(false);
    expect(ok(load({ ...PRODUCTION, KRISHIV_API_DOCS: 'Yes' })).apiDocs).toBe(true);
  });
});

describe('KRISHIV_OIDC_ROLE_MAP', () => {
  const oidc = { KRISHIV_OIDC_JWKS_URI: 'https://idp.example.com/jwks' };

  it('parses value=role pairs, trimming spaces and lower-casing the role', () => {
    const config = ok(
      load({ ...oidc, KRISHIV_OIDC_ROLE_MAP: 'data-team=writer, ops = ADMIN,Analysts=reader' }),
    );
    expect(config.oidc?.roleMap).toEqual({
      'data-team': 'writer',
      ops: 'admin',
      Analysts: 'reader',
    });
  });

  it('splits at the last "=", so a mapped value may itself contain one', () => {
    const config = ok(load({ ...oidc, KRISHIV_OIDC_ROLE_MAP: 'cn=ops=admin' }));
    expect(config.oidc?.roleMap).toEqual({ 'cn=ops': 'admin' });
  });

  it.each(['admins', '=admin', 'ops=', 'ops=superuser', 'ops=admin,broken'])(
    'refuses %p with the variable name',
    (value) => {
      expect(
        problemsFor(load({ ...oidc, KRISHIV_OIDC_ROLE_MAP: value }), 'KRISHIV_OIDC_ROLE_MAP'),
      ).not.toHaveLength(0);
    },
  );
});

describe('KRISHIV_OIDC_ALGORITHMS', () => {
  const oidc = { KRISHIV_OIDC_JWKS_URI: 'https://idp.example.com/jwks' };

  it('defaults to every asymmetric algorithm', () => {
    expect(ok(load(oidc)).oidc?.algorithms).toEqual([
      'RS256',
      'RS384',
      'RS512',
      'PS256',
      'PS384',
      'PS512',
      'ES256',
      'ES384',
      'ES512',
    ]);
  });

  it('accepts a subset, case-insensitively', () => {
    expect(ok(load({ ...oidc, KRISHIV_OIDC_ALGORITHMS: 'rs256, ES384' })).oidc?.algorithms).toEqual(
      ['RS256', 'ES384'],
    );
  });

  it.each(['HS256', 'hs512', 'none', 'RS256,HS384', 'RS256,none', 'EdDSA', ' , '])(
    'refuses %p',
    (value) => {
      const found = problemsFor(
        load({ ...oidc, KRISHIV_OIDC_ALGORITHMS: value }),
        'KRISHIV_OIDC_ALGORITHMS',
      );
      expect(found).toHaveLength(1);
    },
  );

  it('never lists a symmetric algorithm or none as supported', () => {
    for (const alg of SUPPORTED_ALGORITHMS) expect(alg).toMatch(/^(RS|PS|ES)\d{3}$/);
  });
});

describe('TLS', () => {
  it('refuses a certificate without a key, naming the missing variable', () => {
    const result = load({ KRISHIV_TLS_CERT: file('cert.pem', 'CERT') });
    expect(problemsFor(result, 'KRISHIV_TLS_KEY')).toHaveLength(1);
  });

  it('refuses a key without a certificate, naming the missing variable', () => {
    const result = load({ KRISHIV_TLS_KEY: file('key.pem', 'KEY') });
    expect(problemsFor(result, 'KRISHIV_TLS_CERT')).toHaveLength(1);
  });

  it('refuses a CA without a certificate and key', () => {
    const result = load({ KRISHIV_TLS_CA: file('ca.pem', 'CA') });
    expect(problemsFor(result, 'KRISHIV_TLS_CA')).toHaveLength(1);
  });

  it('loads a certificate, key and CA that can be read', () => {
    const config = ok(
      load({
        KRISHIV_TLS_CERT: file('cert.pem', 'CERT'),
        KRISHIV_TLS_KEY: file('key.pem', 'KEY'),
        KRISHIV_TLS_CA: file('ca.pem', 'CA'),
      }),
    );
    expect(config.tls?.cert.toString()).toBe('CERT');
    expect(config.tls?.key.toString()).toBe('KEY');
    expect(config.tls?.ca?.toString()).toBe('CA');
  });

  it.each(['KRISHIV_TLS_CERT', 'KRISHIV_TLS_KEY', 'KRISHIV_TLS_CA'])(
    'reports an unreadable %s',
    (variable) => {
      const env: Record<string, string> = {
        KRISHIV_TLS_CERT: file('cert.pem', 'CERT'),
        KRISHIV_TLS_KEY: file('key.pem', 'KEY'),
        KRISHIV_TLS_CA: file('ca.pem', 'CA'),
      };
      env[variable] = join(files, 'does-not-exist.pem');
      expect(problemsFor(load(env), variable)).toHaveLength(1);
    },
  );
});

describe('token files', () => {
  it.each([
    'KRISHIV_COORDINATOR_BEARER_TOKEN_FILE',
    'KRISHIV_COORDINATOR_BEARER_TOKENS_FILE',
    'KRISHIV_UI_TOKEN_FILE',
  ])('an unreadable %s is a problem naming it', (variable) => {
    const found = problemsFor(load({ [variable]: join(files, 'no-such-token') }), variable);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('no-such-token');
  });

  it('a file that exists but cannot be read is a problem too', () => {
    const path = file('locked-token', LONG_TOKEN);
    chmodSync(path, 0o000);
    try {
      const result = load({ KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: path });
      // root reads any file; the check only means something for an ordinary user.
      if (process.getuid?.() !== 0) {
        expect(problemsFor(result, 'KRISHIV_COORDINATOR_BEARER_TOKEN_FILE')).toHaveLength(1);
      }
    } finally {
      chmodSync(path, 0o600);
    }
  });

  it('keeps readable token files as sources, resolved against the working directory', () => {
    const path = file('tokens', `${LONG_TOKEN}\n${OTHER_LONG_TOKEN}\n`);
    const config = ok(load({ KRISHIV_COORDINATOR_BEARER_TOKENS_FILE: path }));
    expect(config.serviceTokens.files).toEqual([path]);
    expect(config.generateDevToken).toBe(false);
    const relative = loadConfig({ KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: 'tokens' }, files);
    expect(ok(relative).serviceTokens.files).toEqual([path]);
  });

  it('parses a token list separated by commas and newlines, dropping blanks', () => {
    expect(parseTokenList('a,b\r\nc\n\n , d ,')).toEqual(['a', 'b', 'c', 'd']);
    expect(parseTokenList('')).toEqual([]);
  });
});

describe('development token', () => {
  it('is generated only when nothing is configured', () => {
    expect(ok(load({})).generateDevToken).toBe(true);
  });

  it.each<[string, Record<string, string>]>([
    ['a service token', { KRISHIV_COORDINATOR_BEARER_TOKEN: 'x' }],
    ['a service token list', { KRISHIV_COORDINATOR_BEARER_TOKENS: 'x,y' }],
    ['a UI token', { KRISHIV_UI_TOKEN: 'x' }],
    ['an OIDC provider', { KRISHIV_OIDC_ISSUER: 'https://idp.example.com' }],
    ['anonymous access', { KRISHIV_ALLOW_ANONYMOUS: 'on' }],
  ])('is not generated with %s', (_name, env) => {
    expect(ok(load(env)).generateDevToken).toBe(false);
  });

  it('is not generated with a token file', () => {
    const path = file('dev-check-token', LONG_TOKEN);
    expect(ok(load({ KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: path })).generateDevToken).toBe(false);
  });

  it('is never generated in production', () => {
    expect(ok(load(PRODUCTION)).generateDevToken).toBe(false);
  });
});

describe('production mode', () => {
  it('accepts a complete configuration', () => {
    const config = ok(load(PRODUCTION));
    expect(config.production).toBe(true);
    expect(config.apiDocs).toBe(false);
    expect(config.grpcReflection).toBe(false);
    expect(config.oidc?.audiences).toEqual(['krishiv-prod']);
  });

  it('accepts plain http on loopback hosts', () => {
    for (const uri of [
      'http://127.0.0.1:8080/jwks',
      'http://127.10.0.5/jwks',
      'http://localhost:8080/jwks',
      'http://[::1]:8080/jwks',
    ]) {
      ok(load({ ...PRODUCTION, KRISHIV_OIDC_JWKS_URI: uri }));
    }
  });

  it('accepts an issuer instead of a JWKS URI', () => {
    const env = { ...PRODUCTION, KRISHIV_OIDC_ISSUER: 'https://idp.example.com' };
    delete (env as Record<string, string>).KRISHIV_OIDC_JWKS_URI;
    ok(load(env));
  });

  it('accepts service tokens from a file', () => {
    const env: Record<string, string> = { ...PRODUCTION };
    delete env.KRISHIV_COORDINATOR_BEARER_TOKEN;
    env.KRISHIV_COORDINATOR_BEARER_TOKEN_FILE = file('prod-token', `${LONG_TOKEN}\n`);
    ok(load(env));
  });

  const without = (variable: string): Record<string, string> => {
    const env = { ...PRODUCTION };
    delete env[variable];
    return env;
  };

  it('1. refuses without an audience', () => {
    expect(
      problemsFor(load(without('KRISHIV_OIDC_AUDIENCE')), 'KRISHIV_OIDC_AUDIENCE'),
    ).toHaveLength(1);
  });

  it.each([' , ', ',', ' ,, , '])('1. refuses an audience that names no audience (%p)', (value) => {
    const found = problemsFor(
      load({ ...PRODUCTION, KRISHIV_OIDC_AUDIENCE: value }),
      'KRISHIV_OIDC_AUDIENCE',
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/no audience/);
  });

  it('1. accepts an audience list with blank entries around a real one', () => {
    const config = ok(load({ ...PRODUCTION, KRISHIV_OIDC_AUDIENCE: ' , krishiv-prod, ' }));
    expect(config.oidc?.audiences).toEqual(['krishiv-prod']);
  });

  it('1. refuses without a JWKS URI or issuer', () => {
    const found = problems(load(without('KRISHIV_OIDC_JWKS_URI')));
    expect(
      found.some((p) => p.includes('KRISHIV_OIDC_JWKS_URI') && p.includes('KRISHIV_OIDC_ISSUER')),
    ).toBe(true);
  });

  it('2. refuses without a service token', () => {
    const found = problems(load(without('KRISHIV_COORDINATOR_BEARER_TOKEN')));
    expect(found.some((p) => p.startsWith('KRISHIV_COORDINATOR_BEARER_TOKEN'))).toBe(true);
  });

  it('2. refuses a service token list that holds no token', () => {
    const env = {
      ...without('KRISHIV_COORDINATOR_BEARER_TOKEN'),
      KRISHIV_COORDINATOR_BEARER_TOKENS: ' , ,',
    };
    const found = problems(load(env));
    expect(found.some((p) => p.startsWith('KRISHIV_COORDINATOR_BEARER_TOKEN'))).toBe(true);
  });

  it('3. refuses anonymous access', () => {
    const result = load({ ...PRODUCTION, KRISHIV_ALLOW_ANONYMOUS: 'true' });
    expect(problemsFor(result, 'KRISHIV_ALLOW_ANONYMOUS')).toHaveLength(1);
  });

  it.each([
    ['KRISHIV_OIDC_JWKS_URI', 'http://idp.example.com/jwks'],
    ['KRISHIV_OIDC_JWKS_URI', 'http://10.0.0.8/jwks'],
    ['KRISHIV_OIDC_JWKS_URI', 'http://localhost.example.com/jwks'],
    ['KRISHIV_OIDC_JWKS_URI', 'http://127.0.0.1.nip.io/jwks'],
    ['KRISHIV_OIDC_ISSUER', 'http://idp.example.com'],
  ])('4. refuses %s=%s (plain http, not loopback)', (variable, value) => {
    expect(problemsFor(load({ ...PRODUCTION, [variable]: value }), variable)).toHaveLength(1);
  });

  it.each([
    ['KRISHIV_COORDINATOR_BEARER_TOKEN', 'short'],
    ['KRISHIV_COORDINATOR_BEARER_TOKEN', 'x'.repeat(31)],
    ['KRISHIV_COORDINATOR_BEARER_TOKENS', `${OTHER_LONG_TOKEN},short`],
    ['KRISHIV_UI_TOKEN', 'short-ui-token'],
  ])('5. refuses a short static token in %s', (variable, value) => {
    expect(problemsFor(load({ ...PRODUCTION, [variable]: value }), variable)).toHaveLength(1);
  });

  it('5. accepts static tokens of exactly 32 characters', () => {
    ok(
      load({
        ...PRODUCTION,
        KRISHIV_COORDINATOR_BEARER_TOKEN: 'x'.repeat(32),
        KRISHIV_UI_TOKEN: 'u'.repeat(32),
      }),
    );
  });

  it('5. refuses a short token in a service token file', () => {
    const env = {
      ...PRODUCTION,
      KRISHIV_COORDINATOR_BEARER_TOKENS_FILE: file('short-tokens', `${LONG_TOKEN}\nshort\n`),
    };
    const found = problems(load(env));
    expect(
      found.some((p) => p.startsWith('KRISHIV_COORDINATOR_BEARER_TOKEN') && p.includes('32')),
    ).toBe(true);
  });

  it('5. refuses a short token in the UI token file', () => {
    const env = { ...PRODUCTION, KRISHIV_UI_TOKEN_FILE: file('short-ui-token', 'short-ui\n') };
    expect(problemsFor(load(env), 'KRISHIV_UI_TOKEN_FILE')).toHaveLength(1);
  });

  it('6. refuses half a TLS pair', () => {
    const result = load({ ...PRODUCTION, KRISHIV_TLS_CERT: file('prod-cert.pem', 'CERT') });
    expect(problemsFor(result, 'KRISHIV_TLS_KEY')).toHaveLength(1);
  });

  it('6. refuses an unreadable token file', () => {
    const result = load({
      ...PRODUCTION,
      KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: join(files, 'gone'),
    });
    expect(problemsFor(result, 'KRISHIV_COORDINATOR_BEARER_TOKEN_FILE')).toHaveLength(1);
  });

  it.each(['0.0.0.0:5433', '10.1.2.3:5433', '[::]:5433', 'db.example.com:5433'])(
    '7. refuses KRISHIV_PG_ADDR=%s without TLS',
    (address) => {
      expect(
        problemsFor(load({ ...PRODUCTION, KRISHIV_PG_ADDR: address }), 'KRISHIV_PG_ADDR'),
      ).toHaveLength(1);
    },
  );

  it.each(['127.0.0.1:5433', 'localhost:5433', '[::1]:5433', 'off'])(
    '7. accepts KRISHIV_PG_ADDR=%s without TLS (loopback or off)',
    (address) => {
      ok(load({ ...PRODUCTION, KRISHIV_PG_ADDR: address }));
    },
  );

  it('7. accepts a non-loopback KRISHIV_PG_ADDR with TLS', () => {
    ok(
      load({
        ...PRODUCTION,
        KRISHIV_PG_ADDR: '0.0.0.0:5433',
        KRISHIV_TLS_CERT: file('pg-cert.pem', 'CERT'),
        KRISHIV_TLS_KEY: file('pg-key.pem', 'KEY'),
      }),
    );
  });

  it.each([
    ['KRISHIV_HTTP_ADDR', '0.0.0.0:2002'],
    ['KRISHIV_HTTP_ADDR', '10.1.2.3:2002'],
    ['KRISHIV_HTTP_ADDR', '[::]:2002'],
    ['KRISHIV_GRPC_ADDR', '0.0.0.0:50051'],
    ['KRISHIV_GRPC_ADDR', 'coordinator.example.com:50051'],
  ])('8. refuses %s=%s without TLS', (variable, address) => {
    const found = problemsFor(load({ ...PRODUCTION, [variable]: address }), variable);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(address.replace(/:\d+$/, ''));
    expect(found[0]).toMatch(/KRISHIV_TLS_CERT and KRISHIV_TLS_KEY/);
    expect(found[0]).toMatch(/KRISHIV_TLS_TERMINATED_BY_PROXY=true/);
  });

  it.each(['127.0.0.1', 'localhost', '[::1]'])(
    '8. accepts HTTP and gRPC on loopback (%s) without TLS',
    (host) => {
      ok(
        load({
          ...PRODUCTION,
          KRISHIV_HTTP_ADDR: `${host}:2002`,
          KRISHIV_GRPC_ADDR: `${host}:50051`,
        }),
      );
    },
  );

  /** HTTP and gRPC on every interface, as the container image binds them. */
  const ALL_INTERFACES = { KRISHIV_HTTP_ADDR: '0.0.0.0:2002', KRISHIV_GRPC_ADDR: '0.0.0.0:50051' };

  it('8. accepts HTTP and gRPC on a non-loopback address with TLS', () => {
    const config = ok(
      load({
        ...PRODUCTION,
        ...ALL_INTERFACES,
        KRISHIV_TLS_CERT: file('listen-cert.pem', 'CERT'),
        KRISHIV_TLS_KEY: file('listen-key.pem', 'KEY'),
      }),
    );
    expect(config.tls).not.toBeNull();
    expect(config.tlsTerminatedByProxy).toBe(false);
  });

  it.each(['1', 'true', 'yes', 'on'])(
    '8. accepts plaintext HTTP and gRPC on 0.0.0.0 with KRISHIV_TLS_TERMINATED_BY_PROXY=%s',
    (value) => {
      const config = ok(
        load({
          ...PRODUCTION,
          ...ALL_INTERFACES,
          KRISHIV_TLS_TERMINATED_BY_PROXY: value,
        }),
      );
      expect(config.tls).toBeNull();
      expect(config.tlsTerminatedByProxy).toBe(true);
    },
  );

  it('8. does not let KRISHIV_TLS_TERMINATED_BY_PROXY cover the PostgreSQL listener', () => {
    const found = problemsFor(
      load({
        ...PRODUCTION,
        ...ALL_INTERFACES,
        KRISHIV_PG_ADDR: '0.0.0.0:5433',
        KRISHIV_TLS_TERMINATED_BY_PROXY: 'true',
      }),
      'KRISHIV_PG_ADDR',
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/KRISHIV_TLS_TERMINATED_BY_PROXY does not cover/);
  });

  it('8. refuses KRISHIV_TLS_TERMINATED_BY_PROXY together with TLS files, which contradict it', () => {
    const result = load({
      KRISHIV_TLS_TERMINATED_BY_PROXY: 'on',
      KRISHIV_TLS_CERT: file('both-cert.pem', 'CERT'),
      KRISHIV_TLS_KEY: file('both-key.pem', 'KEY'),
    });
    expect(problemsFor(result, 'KRISHIV_TLS_TERMINATED_BY_PROXY')).toHaveLength(1);
  });

  it('lists every refusal at once', () => {
    const result = load({
      KRISHIV_PRODUCTION: 'yes',
      KRISHIV_OIDC_JWKS_URI: 'http://idp.example.com/jwks',
      KRISHIV_ALLOW_ANONYMOUS: '1',
      KRISHIV_UI_TOKEN: 'short',
      KRISHIV_TLS_KEY: file('only-key.pem', 'KEY'),
    });
    expect(problemsFor(result, 'KRISHIV_OIDC_AUDIENCE')).toHaveLength(1);
    expect(problems(result).some((p) => p.startsWith('KRISHIV_COORDINATOR_BEARER_TOKEN'))).toBe(
      true,
    );
    expect(problemsFor(result, 'KRISHIV_ALLOW_ANONYMOUS')).toHaveLength(1);
    expect(problemsFor(result, 'KRISHIV_OIDC_JWKS_URI')).toHaveLength(1);
    expect(problemsFor(result, 'KRISHIV_UI_TOKEN')).toHaveLength(1);
    expect(problemsFor(result, 'KRISHIV_TLS_CERT')).toHaveLength(1);
  });

  it('never repeats a token in a problem', () => {
    const secret = 'short-but-secret';
    const result = load({ ...PRODUCTION, KRISHIV_COORDINATOR_BEARER_TOKEN: secret });
    expect(problems(result).join('\n')).not.toContain(secret);
  });
});
