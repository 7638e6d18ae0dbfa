import { ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, KeyObject, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as jwt from 'jsonwebtoken';
import {
  Coordinator,
  MAIN,
  REPO_ROOT,
  runCoordinatorExpectingExit,
  startCoordinator,
} from './support/coordinator';
import { callGrpc, closeGrpcClients } from './support/grpc';
import { freePort } from './support/ports';
import { expectNoSecretsIn } from './support/secrets';

const EXIT_CONFIG_ERROR = 2;
const AUDIENCE = 'krishiv-e2e';

const randomToken = () => randomBytes(32).toString('base64url'); // 43 characters

/** A loopback JWKS endpoint publishing one RSA public key; it can be told to fail. */
interface JwksEndpoint {
  uri: string;
  privateKey: KeyObject;
  kid: string;
  requests: () => number;
  failWith: (status: number | undefined) => void;
  close: () => Promise<void>;
}

async function startJwksEndpoint(): Promise<JwksEndpoint> {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `e2e-${randomBytes(4).toString('hex')}`;
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  let failure: number | undefined;
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    if (failure !== undefined || req.url !== '/jwks.json') {
      res.writeHead(failure ?? 404, { 'content-type': 'application/json' });
      res.end('{"error":"unavailable"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    uri: `http://127.0.0.1:${port}/jwks.json`,
    privateKey,
    kid,
    requests: () => requests,
    failWith: (status) => {
      failure = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The status code of a gRPC server reflection call (UNIMPLEMENTED when reflection is off). */
function reflectionStatus(address: string, version: 'v1' | 'v1alpha'): Promise<grpc.status> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    const call = client.makeBidiStreamRequest(
      `/grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`,
      (message: Buffer) => message,
      (bytes: Buffer) => bytes,
      new grpc.Metadata(),
      { deadline: Date.now() + 10_000 },
    );
    call.on('data', () => undefined);
    call.on('error', () => undefined);
    call.on('status', (status: grpc.StatusObject) => {
      client.close();
      resolve(status.code);
    });
    // ServerReflectionRequest { list_services: "" } (field 7, length-delimited, empty).
    call.write(Buffer.from([0x3a, 0x00]));
    call.end();
  });
}

const get = (url: string, token?: string) =>
  fetch(url, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

describe('production refuses unsafe configuration (exit 2, before opening a port)', () => {
  const serviceToken = randomToken();
  const uiToken = randomToken();
  let scratch: string;
  let httpPort: number;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'krishiv-prod-config-'));
    httpPort = await freePort();
  });

  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  /** A configuration production accepts; each test changes exactly one thing. */
  const production = (): Record<string, string> => ({
    KRISHIV_PRODUCTION: '1',
    KRISHIV_OIDC_JWKS_URI: 'https://idp.example.com/.well-known/jwks.json',
    KRISHIV_OIDC_AUDIENCE: AUDIENCE,
    KRISHIV_COORDINATOR_BEARER_TOKEN: serviceToken,
    KRISHIV_HTTP_ADDR: `127.0.0.1:${httpPort}`,
    KRISHIV_GRPC_ADDR: `127.0.0.1:${httpPort === 65535 ? 65534 : httpPort + 1}`,
    KRISHIV_DATA_DIR: join(scratch, 'data'),
  });

  const without = (variable: string) => {
    const env = production();
    delete env[variable];
    return env;
  };

  async function expectRefusal(env: Record<string, string>, variables: string[]) {
    const { code, stderr, stdout } = await runCoordinatorExpectingExit(env);
    expect({ code, stderr }).toEqual({ code: EXIT_CONFIG_ERROR, stderr: expect.any(String) });
    for (const variable of variables) expect(stderr).toContain(variable);
    // The process never got as far as listening.
    await expect(fetch(`http://127.0.0.1:${httpPort}/healthz`)).rejects.toThrow();
    expectNoSecretsIn(stderr + stdout, [serviceToken, uiToken]);
    return stderr;
  }

  it('1a. without KRISHIV_OIDC_AUDIENCE', async () => {
    await expectRefusal(without('KRISHIV_OIDC_AUDIENCE'), ['KRISHIV_OIDC_AUDIENCE']);
  });

  it('1a. with a KRISHIV_OIDC_AUDIENCE that names no audience (" , ")', async () => {
    const stderr = await expectRefusal({ ...production(), KRISHIV_OIDC_AUDIENCE: ' , ' }, [
      'KRISHIV_OIDC_AUDIENCE',
    ]);
    expect(stderr).toMatch(/KRISHIV_OIDC_AUDIENCE: "," names no audience/);
  });

  it('1b. without KRISHIV_OIDC_JWKS_URI or KRISHIV_OIDC_ISSUER', async () => {
    const stderr = await expectRefusal(without('KRISHIV_OIDC_JWKS_URI'), ['KRISHIV_OIDC_JWKS_URI']);
    expect(stderr).toContain('KRISHIV_OIDC_ISSUER');
  });

  it('2. without a service token', async () => {
    await expectRefusal(without('KRISHIV_COORDINATOR_BEARER_TOKEN'), [
      'KRISHIV_COORDINATOR_BEARER_TOKEN',
    ]);
  });

  it('3. with KRISHIV_ALLOW_ANONYMOUS on', async () => {
    await expectRefusal({ ...production(), KRISHIV_ALLOW_ANONYMOUS: 'true' }, [
      'KRISHIV_ALLOW_ANONYMOUS',
    ]);
  });

  it('4. with a plain-http JWKS URI on a host that is not loopback', async () => {
    await expectRefusal(
      { ...production(), KRISHIV_OIDC_JWKS_URI: 'http://idp.example.com/jwks.json' },
      ['KRISHIV_OIDC_JWKS_URI'],
    );
  });

  it('4. with a plain-http issuer on a host that is not loopback', async () => {
    const env = { ...without('KRISHIV_OIDC_JWKS_URI'), KRISHIV_OIDC_ISSUER: 'http://10.1.2.3' };
    await expectRefusal(env, ['KRISHIV_OIDC_ISSUER']);
  });

  it('5. with a service token shorter than 32 characters', async () => {
    await expectRefusal({ ...production(), KRISHIV_COORDINATOR_BEARER_TOKEN: 'x'.repeat(31) }, [
      'KRISHIV_COORDINATOR_BEARER_TOKEN',
    ]);
  });

  it('5. with a UI token shorter than 32 characters', async () => {
    await expectRefusal({ ...production(), KRISHIV_UI_TOKEN: 'short-ui-token' }, [
      'KRISHIV_UI_TOKEN',
    ]);
  });

  it('6. with only one of KRISHIV_TLS_CERT / KRISHIV_TLS_KEY', async () => {
    const cert = join(scratch, 'cert.pem');
    writeFileSync(cert, 'not used');
    await expectRefusal({ ...production(), KRISHIV_TLS_CERT: cert }, ['KRISHIV_TLS_KEY']);
  });

  it('6. with an unreadable token file', async () => {
    await expectRefusal(
      { ...production(), KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: join(scratch, 'no-such-token') },
      ['KRISHIV_COORDINATOR_BEARER_TOKEN_FILE'],
    );
  });

  it('6. with an unreadable TLS file', async () => {
    const key = join(scratch, 'key.pem');
    writeFileSync(key, 'not used');
    await expectRefusal(
      {
        ...production(),
        KRISHIV_TLS_CERT: join(scratch, 'no-such-cert.pem'),
        KRISHIV_TLS_KEY: key,
      },
      ['KRISHIV_TLS_CERT'],
    );
  });

  it('7. with the PostgreSQL listener on a non-loopback address without TLS', async () => {
    await expectRefusal({ ...production(), KRISHIV_PG_ADDR: '0.0.0.0:5433' }, ['KRISHIV_PG_ADDR']);
  });

  it.each(['KRISHIV_HTTP_ADDR', 'KRISHIV_GRPC_ADDR'])(
    '8. with %s on a non-loopback address without TLS',
    async (variable) => {
      const port = variable === 'KRISHIV_HTTP_ADDR' ? httpPort : httpPort + 1;
      const stderr = await expectRefusal({ ...production(), [variable]: `0.0.0.0:${port}` }, [
        variable,
      ]);
      expect(stderr).toContain(`${variable}: "0.0.0.0:${port}" is not a loopback address`);
      expect(stderr).toContain('KRISHIV_TLS_TERMINATED_BY_PROXY=true');
    },
  );

  it('8. with the proxy opt-in, still the PostgreSQL listener on a non-loopback address', async () => {
    const stderr = await expectRefusal(
      {
        ...production(),
        KRISHIV_HTTP_ADDR: `0.0.0.0:${httpPort}`,
        KRISHIV_TLS_TERMINATED_BY_PROXY: 'true',
        KRISHIV_PG_ADDR: '0.0.0.0:5433',
      },
      ['KRISHIV_PG_ADDR'],
    );
    expect(stderr).not.toContain('KRISHIV_HTTP_ADDR');
    expect(stderr).toContain('KRISHIV_TLS_TERMINATED_BY_PROXY does not cover');
  });

  it('lists every refusal at once', async () => {
    const env = {
      ...without('KRISHIV_OIDC_AUDIENCE'),
      KRISHIV_ALLOW_ANONYMOUS: 'yes',
      KRISHIV_UI_TOKEN: 'short',
      KRISHIV_OIDC_JWKS_URI: 'http://idp.example.com/jwks.json',
      KRISHIV_TLS_KEY: join(scratch, 'key-only.pem'),
    };
    writeFileSync(env.KRISHIV_TLS_KEY, 'not used');
    const stderr = await expectRefusal(env, [
      'KRISHIV_OIDC_AUDIENCE',
      'KRISHIV_ALLOW_ANONYMOUS',
      'KRISHIV_UI_TOKEN',
      'KRISHIV_OIDC_JWKS_URI',
      'KRISHIV_TLS_CERT',
    ]);
    expect(stderr).toMatch(/5 configuration problem/);
  });

  it('lists a malformed value together with the production refusals', async () => {
    await expectRefusal({ ...without('KRISHIV_OIDC_AUDIENCE'), KRISHIV_QUERY_MAX_ROWS: 'abc' }, [
      'KRISHIV_QUERY_MAX_ROWS',
      'KRISHIV_OIDC_AUDIENCE',
    ]);
  });
});

describe('production behind a proxy that terminates TLS (KRISHIV_TLS_TERMINATED_BY_PROXY)', () => {
  let child: ChildProcess | undefined;

  afterEach(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('listens in plaintext on 0.0.0.0 and says tls=proxy in the start-up line', async () => {
    const [httpPort, grpcPort] = [await freePort(), await freePort()];
    const dataDir = mkdtempSync(join(tmpdir(), 'krishiv-proxy-tls-'));
    try {
      child = spawn(process.execPath, [MAIN], {
        env: {
          PATH: process.env.PATH ?? '',
          KRISHIV_PRODUCTION: '1',
          KRISHIV_OIDC_JWKS_URI: 'https://idp.example.invalid/jwks.json',
          KRISHIV_OIDC_AUDIENCE: AUDIENCE,
          KRISHIV_COORDINATOR_BEARER_TOKEN: randomToken(),
          KRISHIV_HTTP_ADDR: `0.0.0.0:${httpPort}`,
          KRISHIV_GRPC_ADDR: `0.0.0.0:${grpcPort}`,
          KRISHIV_PG_ADDR: 'off',
          KRISHIV_TLS_TERMINATED_BY_PROXY: 'true',
          KRISHIV_DATA_DIR: dataDir,
        },
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
      const deadline = Date.now() + 30_000;
      while (!/coordinator started/.test(output)) {
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}:\n${output}`);
        if (Date.now() > deadline) throw new Error(`did not start:\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const banner = output.split('\n').find((l) => l.includes('coordinator started')) ?? '';
      expect(banner).toContain(`http://0.0.0.0:${httpPort}`);
      expect(banner).toMatch(/production=on/);
      expect(banner).toMatch(/ tls=proxy /);
      expect((await fetch(`http://127.0.0.1:${httpPort}/healthz`)).status).toBe(200);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('invalid values outside production (exit 2, naming them)', () => {
  it('refuses a malformed listen address and a malformed number, listing both', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'krishiv-bad-config-'));
    try {
      const { code, stderr } = await runCoordinatorExpectingExit({
        KRISHIV_HTTP_ADDR: 'nonsense',
        KRISHIV_QUERY_MAX_ROWS: 'abc',
        KRISHIV_DATA_DIR: dataDir,
      });
      expect(code).toBe(EXIT_CONFIG_ERROR);
      expect(stderr).toContain('KRISHIV_HTTP_ADDR');
      expect(stderr).toContain('nonsense');
      expect(stderr).toContain('KRISHIV_QUERY_MAX_ROWS');
      expect(stderr).toContain('abc');
      // Nothing was started, so no development token was made up either.
      expect(existsSync(join(dataDir, 'dev-token'))).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it.each([
    ['KRISHIV_GRPC_ADDR', '127.0.0.1:99999'],
    ['KRISHIV_LOG_LEVEL', 'verbose'],
    ['KRISHIV_ALLOW_ANONYMOUS', 'maybe'],
    ['KRISHIV_UI_TOKEN_ROLE', 'root'],
    ['KRISHIV_QUERY_TIMEOUT_MS', '-1'],
  ])('refuses %s=%s', async (variable, value) => {
    const { code, stderr } = await runCoordinatorExpectingExit({
      [variable]: value,
      KRISHIV_DATA_DIR: join(tmpdir(), 'krishiv-never-created'),
    });
    expect(code).toBe(EXIT_CONFIG_ERROR);
    expect(stderr).toContain(variable);
  });
});

describe('a correct production configuration', () => {
  const serviceToken = randomToken();
  let jwks: JwksEndpoint;
  let coordinator: Coordinator;

  beforeAll(async () => {
    jwks = await startJwksEndpoint();
    // The provider is down at first: the coordinator is live but not ready.
    jwks.failWith(503);
    coordinator = await startCoordinator({
      waitFor: 'live',
      env: {
        KRISHIV_PRODUCTION: '1',
        KRISHIV_OIDC_JWKS_URI: jwks.uri,
        KRISHIV_OIDC_AUDIENCE: AUDIENCE,
        KRISHIV_COORDINATOR_BEARER_TOKEN: serviceToken,
        KRISHIV_LOG_LEVEL: 'info',
      },
    });
  });

  afterAll(async () => {
    closeGrpcClients();
    await coordinator?.stop();
    await jwks?.close();
  });

  const sign = (claims: object, options: jwt.SignOptions = {}) =>
    jwt.sign(claims, jwks.privateKey, {
      algorithm: 'RS256',
      keyid: jwks.kid,
      audience: AUDIENCE,
      expiresIn: '5m',
      subject: 'alice',
      ...options,
    });

  it('is live at once and ready only once the signing keys were fetched', async () => {
    expect((await get(`${coordinator.httpUrl}/healthz`)).status).toBe(200);
    const notReady = await get(`${coordinator.httpUrl}/readyz`);
    expect(notReady.status).toBe(503);

    jwks.failWith(undefined);
    const deadline = Date.now() + 20_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await get(`${coordinator.httpUrl}/readyz`)).status;
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
    expect(jwks.requests()).toBeGreaterThanOrEqual(2);
  });

  it('answers /healthz', async () => {
    expect((await get(`${coordinator.httpUrl}/healthz`)).status).toBe(200);
  });

  it('accepts the service token', async () => {
    const response = await get(`${coordinator.httpUrl}/api/v1/auth/whoami`, serviceToken);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      subject: 'service',
      role: 'admin',
      method: 'service-token',
    });
  });

  it('accepts a JWT for the configured audience and refuses one for another audience', async () => {
    const ok = await get(
      `${coordinator.httpUrl}/api/v1/auth/whoami`,
      sign({ 'https://krishiv/roles': ['reader'] }),
    );
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ subject: 'alice', role: 'reader', method: 'oidc' });

    const wrongAudience = await get(
      `${coordinator.httpUrl}/api/v1/auth/whoami`,
      sign({ 'https://krishiv/roles': ['admin'] }, { audience: 'someone-else' }),
    );
    expect(wrongAudience.status).toBe(401);
  });

  it('refuses requests without a token', async () => {
    const response = await get(`${coordinator.httpUrl}/api/v1/auth/whoami`);
    expect(response.status).toBe(401);
    const grpcOutcome = await callGrpc(coordinator.grpcAddress, 'AuthService', 'WhoAmI', {});
    expect(grpcOutcome.code).toBe(grpc.status.UNAUTHENTICATED);
  });

  it('serves the OpenAPI document but not the interactive docs', async () => {
    expect((await get(`${coordinator.httpUrl}/api/openapi.json`)).status).toBe(200);
    expect((await get(`${coordinator.httpUrl}/api/docs`)).status).toBe(404);
  });

  it('turns gRPC server reflection off', async () => {
    expect(await reflectionStatus(coordinator.grpcAddress, 'v1')).toBe(grpc.status.UNIMPLEMENTED);
    expect(await reflectionStatus(coordinator.grpcAddress, 'v1alpha')).toBe(
      grpc.status.UNIMPLEMENTED,
    );
  });

  it('never writes a development token', () => {
    expect(existsSync(join(coordinator.dataDir, 'dev-token'))).toBe(false);
  });

  it('never logs the service token', () => {
    expect(coordinator.logs()).toMatch(/production=on/);
    expectNoSecretsIn(coordinator.logs(), [serviceToken]);
  });
});

describe('development mode with nothing configured', () => {
  let coordinator: Coordinator;

  beforeAll(async () => {
    coordinator = await startCoordinator();
  });

  afterAll(async () => {
    closeGrpcClients();
    await coordinator?.stop();
  });

  it('writes <dataDir>/dev-token with mode 0600', () => {
    const path = join(coordinator.dataDir, 'dev-token');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(coordinator.devToken().length).toBeGreaterThanOrEqual(32);
  });

  it('accepts the development token as a service token on both transports', async () => {
    const token = coordinator.devToken();
    const response = await get(`${coordinator.httpUrl}/api/v1/auth/whoami`, token);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      subject: 'service',
      role: 'admin',
      method: 'service-token',
    });
    const outcome = await callGrpc(coordinator.grpcAddress, 'AuthService', 'WhoAmI', {}, token);
    expect(outcome.code).toBe(grpc.status.OK);
    expect(outcome.response).toMatchObject({ subject: 'service', role: 'admin' });
  });

  it('is never anonymous by accident', async () => {
    expect((await get(`${coordinator.httpUrl}/api/v1/auth/whoami`)).status).toBe(401);
    expect((await get(`${coordinator.httpUrl}/api/v1/auth/whoami`, randomToken())).status).toBe(
      401,
    );
  });

  it('says where the token is without printing it', () => {
    expect(coordinator.logs()).toContain(join(coordinator.dataDir, 'dev-token'));
    expectNoSecretsIn(coordinator.logs(), [coordinator.devToken()]);
  });

  it('serves the interactive docs and gRPC reflection outside production', async () => {
    expect((await get(`${coordinator.httpUrl}/api/docs`)).status).toBe(200);
    expect(await reflectionStatus(coordinator.grpcAddress, 'v1')).toBe(grpc.status.OK);
  });
});

describe('development mode with KRISHIV_ALLOW_ANONYMOUS', () => {
  let coordinator: Coordinator;

  beforeAll(async () => {
    coordinator = await startCoordinator({ env: { KRISHIV_ALLOW_ANONYMOUS: '1' } });
  });

  afterAll(async () => {
    closeGrpcClients();
    await coordinator?.stop();
  });

  it('treats a request without a token as anonymous admin', async () => {
    const response = await get(`${coordinator.httpUrl}/api/v1/auth/whoami`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      subject: 'anonymous',
      role: 'admin',
      method: 'anonymous',
    });
    const outcome = await callGrpc(coordinator.grpcAddress, 'AuthService', 'WhoAmI', {});
    expect(outcome.code).toBe(grpc.status.OK);
    expect(outcome.response).toMatchObject({ subject: 'anonymous', role: 'admin' });
  });

  it('still refuses a wrong token', async () => {
    const wrong = randomToken();
    const response = await get(`${coordinator.httpUrl}/api/v1/auth/whoami`, wrong);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    const outcome = await callGrpc(coordinator.grpcAddress, 'AuthService', 'WhoAmI', {}, wrong);
    expect(outcome.code).toBe(grpc.status.UNAUTHENTICATED);
  });

  it('does not generate a development token', () => {
    expect(existsSync(join(coordinator.dataDir, 'dev-token'))).toBe(false);
  });
});
