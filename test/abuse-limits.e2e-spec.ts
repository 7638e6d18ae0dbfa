import { randomBytes } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import { Coordinator, startCoordinator } from './support/coordinator';
import { callGrpc, closeGrpcClients } from './support/grpc';
import { OPERATIONS, restPath } from './support/operations';
import { errorOf, PgWireClient } from './support/pg-wire';
import { freePort } from './support/ports';
import { expectNoSecretsIn } from './support/secrets';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/**
 * One HTTP request over node:http, so the client's source address can be chosen (any 127.0.0.0/8
 * address reaches a loopback listener) and an early answer to a large upload is still read.
 */
function send(
  coordinator: Coordinator,
  method: string,
  path: string,
  options: {
    token?: string;
    body?: Buffer | string;
    contentType?: string;
    from?: string;
  } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const req = httpRequest(coordinator.httpUrl + path, {
      method,
      localAddress: options.from,
      headers: {
        accept: 'application/json',
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(body
          ? {
              'content-type': options.contentType ?? 'application/json',
              'content-length': body.length,
            }
          : {}),
      },
    });
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON; kept as text
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
      });
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    if (!body) return req.end();
    const SLICE = 16 * 1024;
    void (async () => {
      for (let offset = 0; offset < body.length && !answered; offset += SLICE) {
        if (!req.write(body.subarray(offset, offset + SLICE))) {
          await new Promise((r) => req.once('drain', r));
        }
        await new Promise((r) => setImmediate(r));
      }
      if (!answered) req.end();
    })().catch(() => undefined);
  });
}

interface GrpcAnswer {
  code: grpc.status;
  message: string;
  retryAfter?: string;
}

/** A unary call with raw request bytes, so any RPC can be sent a message of any size. */
function rawGrpc(
  address: string,
  service: string,
  method: string,
  bytes: Buffer,
  token: string,
): Promise<GrpcAnswer> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      `/krishiv.coordinator.v1.${service}/${method}`,
      (b: Buffer) => b,
      (b: Buffer) => b,
      bytes,
      metadata,
      { deadline: Date.now() + 20_000 },
      (err) => {
        client.close();
        resolve(
          err
            ? { code: err.code, message: err.details, retryAfter: retryAfterOf(err) }
            : { code: grpc.status.OK, message: '' },
        );
      },
    );
  });
}

function retryAfterOf(err: grpc.ServiceError): string | undefined {
  const value = err.metadata?.get('retry-after')[0];
  return value === undefined ? undefined : String(value);
}

/** A gRPC WhoAmI that also reports the `retry-after` trailer. */
function whoamiGrpc(address: string, token: string): Promise<GrpcAnswer> {
  return rawGrpc(address, 'AuthService', 'WhoAmI', Buffer.alloc(0), token);
}

/** A valid protobuf message of `size` bytes: one length-delimited field no message declares. */
function protobufOfSize(size: number): Buffer {
  const header = Buffer.from([0xfa, 0x3e]); // field 1000, wire type 2
  const payloadLength = size - header.length - 3;
  const length = Buffer.from([
    (payloadLength & 0x7f) | 0x80,
    ((payloadLength >> 7) & 0x7f) | 0x80,
    (payloadLength >> 14) & 0x7f,
  ]);
  return Buffer.concat([header, length, Buffer.alloc(payloadLength, 0x61)]);
}

const withoutNumbers = (message: string) => message.replace(/\d+/g, 'N');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const serviceToken = randomBytes(32).toString('base64url');
const uiToken = randomBytes(32).toString('base64url');
const BODY_LIMIT = 64 * 1024;
const FAILURE_LIMIT = 5;
const FAILURE_WINDOW_SECS = 3;
const RATE_LIMIT = 20;
const RATE_WINDOW_SECS = 5;

describe('abuse limits', () => {
  let coordinator: Coordinator;
  let pgPort: number;

  beforeAll(async () => {
    pgPort = await freePort();
    coordinator = await startCoordinator({
      env: {
        KRISHIV_COORDINATOR_BEARER_TOKEN: serviceToken,
        KRISHIV_UI_TOKEN: uiToken,
        KRISHIV_AUTH_FAILURE_EXEMPT_LOOPBACK: '0',
        KRISHIV_AUTH_FAILURE_LIMIT: String(FAILURE_LIMIT),
        KRISHIV_AUTH_FAILURE_WINDOW_SECS: String(FAILURE_WINDOW_SECS),
        KRISHIV_PRINCIPAL_RATE_LIMIT: String(RATE_LIMIT),
        KRISHIV_PRINCIPAL_RATE_WINDOW_SECS: String(RATE_WINDOW_SECS),
        KRISHIV_HTTP_BODY_LIMIT_BYTES: String(BODY_LIMIT),
        KRISHIV_GRPC_MAX_MESSAGE_BYTES: String(BODY_LIMIT),
        KRISHIV_PG_ADDR: `127.0.0.1:${pgPort}`,
      },
    });
  });

  afterAll(async () => {
    closeGrpcClients();
    await coordinator?.stop();
  });

  async function metric(labels: string): Promise<number> {
    const text = await (await fetch(`${coordinator.httpUrl}/metrics`)).text();
    const match = new RegExp(
      `^krishiv_requests_throttled_total\\{${labels.replace(/"/g, '\\"')}\\} (\\S+)$`,
      'm',
    ).exec(text);
    return match ? Number(match[1]) : 0;
  }

  describe('failed authentications per client address', () => {
    const from = '127.0.0.1';

    it('answers 401 up to the limit, then 429 / RESOURCE_EXHAUSTED with Retry-After on both transports', async () => {
      const bad = (i: number) => `not-a-valid-token-${i}-${randomBytes(8).toString('hex')}`;
      // A request without credentials is not a failed authentication and is never counted.
      for (let i = 0; i < FAILURE_LIMIT * 2; i++) {
        expect((await send(coordinator, 'GET', '/api/v1/auth/whoami', { from })).status).toBe(401);
      }
      for (let i = 0; i < FAILURE_LIMIT; i++) {
        if (i % 2 === 0) {
          const answer = await send(coordinator, 'GET', '/api/v1/auth/whoami', {
            token: bad(i),
            from,
          });
          expect(answer.status).toBe(401);
        } else {
          expect((await whoamiGrpc(coordinator.grpcAddress, bad(i))).code).toBe(
            grpc.status.UNAUTHENTICATED,
          );
        }
      }

      const rest = await send(coordinator, 'GET', '/api/v1/auth/whoami', { token: bad(99), from });
      expect(rest.status).toBe(429);
      const retryAfter = Number(rest.headers['retry-after']);
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(FAILURE_WINDOW_SECS);
      expect(rest.body).toEqual({
        statusCode: 429,
        error: 'Too Many Requests',
        message: expect.stringMatching(/too many failed authentications from this address/),
      });

      const viaGrpc = await whoamiGrpc(coordinator.grpcAddress, bad(100));
      expect(viaGrpc.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
      expect(withoutNumbers(viaGrpc.message)).toBe(withoutNumbers(rest.body.message));
      expect(Number(viaGrpc.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(viaGrpc.retryAfter)).toBeLessThanOrEqual(FAILURE_WINDOW_SECS);

      // The throttled address is refused before its token is looked at, even a valid one…
      expect(
        (await send(coordinator, 'GET', '/api/v1/auth/whoami', { token: serviceToken, from }))
          .status,
      ).toBe(429);
      // …but another address with a valid token is served, and its own failures count apart.
      const other = '127.0.0.2';
      expect(
        (
          await send(coordinator, 'GET', '/api/v1/auth/whoami', {
            token: serviceToken,
            from: other,
          })
        ).status,
      ).toBe(200);
      expect(
        (await send(coordinator, 'GET', '/api/v1/auth/whoami', { token: bad(7), from: other }))
          .status,
      ).toBe(401);
      expect(await metric('limit="auth-failures"')).toBeGreaterThanOrEqual(3);
      // Each refusal is a denial in the audit trail, with the address it came from.
      const audit = await send(coordinator, 'GET', '/api/v1/audit?decision=deny&pageSize=200', {
        token: serviceToken,
        from: other,
      });
      expect(audit.status).toBe(200);
      const throttled = (audit.body.events as { reason: string; clientAddress: string }[]).filter(
        (e) => e.reason.startsWith('429 '),
      );
      expect(throttled.length).toBeGreaterThanOrEqual(3);
      expect(throttled.map((e) => e.clientAddress)).toContain(from);

      // The window ends and the address is served again.
      await sleep(retryAfter * 1000 + 200);
      expect(
        (await send(coordinator, 'GET', '/api/v1/auth/whoami', { token: serviceToken, from }))
          .status,
      ).toBe(200);
    });
  });

  it('throttles failed wire-protocol logins per address the same way', async () => {
    const from = '127.0.0.3';
    const login = async (password: string) => {
      const client = await PgWireClient.connect(pgPort, undefined, from);
      try {
        return errorOf(await client.login(password));
      } finally {
        client.end();
      }
    };
    for (let i = 0; i < FAILURE_LIMIT; i++) {
      expect(await login(`wrong-${i}`)).toMatchObject({ code: '28P01' });
    }
    // Past the limit even a valid token from that address is refused, and told when to retry.
    expect(await login(serviceToken)).toMatchObject({
      code: '28P01',
      message: expect.stringMatching(/too many failed authentications from this address/),
    });
    const other = await PgWireClient.connect(pgPort, undefined, '127.0.0.4');
    try {
      expect(errorOf(await other.login(serviceToken))).toBeUndefined();
    } finally {
      other.end();
    }
  });

  describe('request rate per principal', () => {
    it('refuses a principal past its rate with 429 / RESOURCE_EXHAUSTED, leaving others alone', async () => {
      const answers = await Promise.all(
        Array.from({ length: RATE_LIMIT + 5 }, () =>
          send(coordinator, 'GET', '/api/v1/auth/whoami', { token: uiToken, from: '127.0.0.4' }),
        ),
      );
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(RATE_LIMIT);
      expect(statuses.filter((s) => s === 429)).toHaveLength(5);
      const refused = answers.find((a) => a.status === 429)!;
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(RATE_WINDOW_SECS);
      expect(refused.body.message).toMatch(/request rate limit of 20 per 5 s exceeded for ui/);

      const viaGrpc = await whoamiGrpc(coordinator.grpcAddress, uiToken);
      expect(viaGrpc.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
      expect(withoutNumbers(viaGrpc.message)).toBe(withoutNumbers(refused.body.message));
      expect(Number(viaGrpc.retryAfter)).toBeGreaterThanOrEqual(1);

      // Another principal, from the same address, is not affected.
      expect(
        (
          await send(coordinator, 'GET', '/api/v1/auth/whoami', {
            token: serviceToken,
            from: '127.0.0.4',
          })
        ).status,
      ).toBe(200);
      expect(await metric('limit="principal-rate"')).toBeGreaterThanOrEqual(6);
    });
  });

  describe('body size', () => {
    const oversized = JSON.stringify({ sql: `SELECT 1 -- ${'x'.repeat(BODY_LIMIT)}` });
    const bodyRoutes = OPERATIONS.map((op) => op.rest).filter((r) => r.method !== 'GET');
    const unique = [...new Map(bodyRoutes.map((r) => [`${r.method} ${r.path}`, r])).values()];

    it.each(unique.map((r) => [`${r.method} ${r.path}`, r] as const))(
      '%s refuses a body over the limit with 413',
      async (_name, route) => {
        const answer = await send(coordinator, route.method, restPath(route), {
          token: serviceToken,
          body: oversized,
        });
        expect(answer.status).toBe(413);
        expect(answer.body).toMatchObject({
          statusCode: 413,
          error: 'Payload Too Large',
          message: expect.stringMatching(new RegExp(`${BODY_LIMIT} bytes`)),
        });
      },
    );

    it('applies the limit to NDJSON record batches too', async () => {
      const line = `${JSON.stringify({ v: 'x'.repeat(1000) })}\n`;
      const answer = await send(coordinator, 'POST', '/api/v1/streams/any/records', {
        token: serviceToken,
        body: line.repeat(Math.ceil(BODY_LIMIT / line.length) + 1),
        contentType: 'application/x-ndjson',
      });
      expect(answer.status).toBe(413);
    });

    it('answers an upload in full with 413, then serves the next request on the same connection', async () => {
      // A plain client writes the whole body before reading. The coordinator reads the rest of a
      // refused body and throws it away, so the answer is never lost to a reset connection and
      // the connection stays open for the next request. (Few rounds: this principal has a rate limit.)
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const sockets = new Set<unknown>();
      const upload = Buffer.from(oversized.repeat(64)); // 4 MiB, 64 times the limit
      const call = (method: string, path: string, body?: Buffer) =>
        new Promise<{ status: number; connection?: string }>((resolve, reject) => {
          const req = httpRequest(coordinator.httpUrl + path, {
            method,
            agent,
            headers: {
              authorization: `Bearer ${serviceToken}`,
              ...(body
                ? { 'content-type': 'application/json', 'content-length': body.length }
                : {}),
            },
          });
          req.on('socket', (socket) => sockets.add(socket));
          req.on('response', (res) => {
            res.resume();
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }),
            );
          });
          req.on('error', reject);
          req.end(body);
        });
      try {
        for (let round = 0; round < 5; round++) {
          expect(await call('POST', '/api/v1/jobs', upload)).toEqual({
            status: 413,
            connection: 'keep-alive',
          });
          expect(await call('GET', '/api/v1/auth/whoami')).toEqual({
            status: 200,
            connection: 'keep-alive',
          });
        }
        expect(sockets.size).toBe(1);
      } finally {
        agent.destroy();
      }
    });

    it('accepts a body just under the limit', async () => {
      const body = JSON.stringify({ sql: `SELECT 1 AS one -- ${'x'.repeat(BODY_LIMIT - 100)}` });
      const answer = await send(coordinator, 'POST', '/api/v1/query', {
        token: serviceToken,
        body,
      });
      expect(answer.status).toBe(200);
    });

    const rpcs = [...new Set(OPERATIONS.map((op) => `${op.grpc.service}/${op.grpc.method}`))];

    it.each(rpcs)('%s refuses a message over the limit with RESOURCE_EXHAUSTED', async (rpc) => {
      const [service, method] = rpc.split('/');
      const answer = await rawGrpc(
        coordinator.grpcAddress,
        service,
        method,
        protobufOfSize(BODY_LIMIT + 1024),
        serviceToken,
      );
      expect(answer.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    });

    it('serves an RPC whose message is under the limit', async () => {
      const answer = await callGrpc(
        coordinator.grpcAddress,
        'QueryService',
        'ExecuteQuery',
        { sql: `SELECT 1 AS one -- ${'x'.repeat(BODY_LIMIT - 100)}` },
        serviceToken,
      );
      expect(answer.code).toBe(grpc.status.OK);
    });
  });

  it('never logs a token', () => {
    expectNoSecretsIn(coordinator.logs(), [serviceToken, uiToken]);
  });
});

describe('abuse limits with loopback exempt', () => {
  let coordinator: Coordinator;

  beforeAll(async () => {
    coordinator = await startCoordinator({
      env: {
        KRISHIV_COORDINATOR_BEARER_TOKEN: serviceToken,
        KRISHIV_AUTH_FAILURE_EXEMPT_LOOPBACK: '1',
        KRISHIV_AUTH_FAILURE_LIMIT: '2',
      },
    });
  });

  afterAll(async () => {
    await coordinator?.stop();
  });

  it('never throttles a loopback client, however many tokens fail', async () => {
    for (let i = 0; i < 10; i++) {
      const answer = await send(coordinator, 'GET', '/api/v1/auth/whoami', {
        token: `bad-${i}`,
        from: '127.0.0.1',
      });
      expect(answer.status).toBe(401);
    }
    expect(
      (await send(coordinator, 'GET', '/api/v1/auth/whoami', { token: serviceToken })).status,
    ).toBe(200);
  });
});
