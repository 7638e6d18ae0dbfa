import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { Coordinator, REPO_ROOT, startCoordinator } from './support/coordinator';
import { makeCertificate } from './support/tls';
import { runCli } from './support/cli';
import { callGrpc, closeGrpcClients } from './support/grpc';
import { expectNoSecretsIn } from './support/secrets';

const healthProto = join(
  REPO_ROOT,
  'node_modules',
  'grpc-health-check',
  'proto',
  'health',
  'v1',
  'health.proto',
);
const Health = (
  grpc.loadPackageDefinition(protoLoader.loadSync(healthProto, { enums: String })) as any
).grpc.health.v1.Health;

function healthCheck(
  address: string,
  service = '',
  credentials = grpc.credentials.createInsecure(),
) {
  const client = new Health(address, credentials);
  return new Promise<{ code: grpc.status; status?: string }>((resolve) => {
    client.check(
      { service },
      { deadline: Date.now() + 5000 },
      (err: grpc.ServiceError | null, res: any) => {
        client.close();
        resolve(err ? { code: err.code } : { code: grpc.status.OK, status: res.status });
      },
    );
  });
}

const token = randomBytes(32).toString('base64url');

describe('operations', () => {
  describe('health, metrics and shutdown', () => {
    let coordinator: Coordinator;

    beforeAll(async () => {
      coordinator = await startCoordinator({ env: { KRISHIV_COORDINATOR_BEARER_TOKEN: token } });
    });

    afterAll(async () => {
      closeGrpcClients();
      await coordinator.stop();
    });

    it('serves liveness, readiness and gRPC health without a token', async () => {
      expect((await fetch(`${coordinator.httpUrl}/healthz`)).status).toBe(200);
      const ready = await fetch(`${coordinator.httpUrl}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({
        status: 'ready',
        checks: { engine: 'ok', oidcKeys: 'ok', lifecycle: 'ok' },
      });
      expect(await healthCheck(coordinator.grpcAddress)).toEqual({
        code: grpc.status.OK,
        status: 'SERVING',
      });
      expect(
        await healthCheck(coordinator.grpcAddress, 'krishiv.coordinator.v1.QueryService'),
      ).toEqual({
        code: grpc.status.OK,
        status: 'SERVING',
      });
    });

    it('counts auth decisions, JWKS state and request latency in /metrics', async () => {
      await fetch(`${coordinator.httpUrl}/api/v1/auth/whoami`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await fetch(`${coordinator.httpUrl}/api/v1/auth/whoami`, {
        headers: { authorization: 'Bearer nope' },
      });
      await callGrpc(coordinator.grpcAddress, 'AuthService', 'WhoAmI', {}, token);
      const metrics = await (await fetch(`${coordinator.httpUrl}/metrics`)).text();
      expect(metrics).toMatch(
        /krishiv_auth_decisions_total\{method="service-token",result="authenticated"\} [1-9]/,
      );
      expect(metrics).toMatch(
        /krishiv_auth_decisions_total\{method="none",result="invalid"\} [1-9]/,
      );
      expect(metrics).toMatch(
        /krishiv_request_duration_seconds_count\{transport="http",operation="GET \/api\/v1\/auth\/whoami",status="401"\} [1-9]/,
      );
      expect(metrics).toMatch(
        /krishiv_request_duration_seconds_count\{transport="grpc",operation="\/krishiv.coordinator.v1.AuthService\/WhoAmI",status="OK"\} [1-9]/,
      );
      expect(metrics).toContain('krishiv_process_resident_memory_bytes');
    });

    it('logs one posture banner that names the methods and never the token', () => {
      const banner = coordinator
        .logs()
        .split('\n')
        .filter((l) => l.includes('coordinator started'));
      expect(banner).toHaveLength(1);
      expect(banner[0]).toContain('auth=service-token');
      expect(banner[0]).toContain('tls=off');
      expectNoSecretsIn(coordinator.logs(), [token]);
    });

    it('finishes an in-flight query on SIGTERM, then exits 0', async () => {
      const inFlight = fetch(`${coordinator.httpUrl}/api/v1/query`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ sql: 'SELECT count(*) AS n FROM range(3000000000)' }),
      });
      // Let the request reach the engine before the signal.
      await new Promise((r) => setTimeout(r, 150));
      const exited = new Promise<number | null>((r) =>
        coordinator.process.once('exit', (code) => r(code)),
      );
      const signalledAt = Date.now();
      coordinator.process.kill('SIGTERM');
      const response = await inFlight;
      expect(response.status).toBe(200);
      expect(((await response.json()) as any).rows).toEqual([['3000000000']]);
      expect(await exited).toBe(0);
      // Well inside the 10 s grace: nothing idle held the listeners open.
      expect(Date.now() - signalledAt).toBeLessThan(5000);
      // The query was still running when the signal arrived, and was answered afterwards.
      const lines = coordinator
        .logs()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l));
      const signalAt = lines.find((l) => l.msg === 'SIGTERM received')?.time;
      const answeredAt = lines.find(
        (l) => l.req?.url === '/api/v1/query' && l.res?.statusCode === 200,
      )?.time;
      expect(signalAt).toBeDefined();
      expect(answeredAt).toBeGreaterThan(signalAt);
    });
  });

  describe('TLS on both transports', () => {
    const dir = mkdtempSync(join(tmpdir(), 'krishiv-tls-'));
    const certPath = join(dir, 'cert.pem');
    const keyPath = join(dir, 'key.pem');
    let coordinator: Coordinator;
    let ca: Buffer;

    beforeAll(async () => {
      makeCertificate(dir);
      ca = readFileSync(certPath);
      coordinator = await startCoordinator({
        env: {
          KRISHIV_COORDINATOR_BEARER_TOKEN: token,
          KRISHIV_TLS_CERT: certPath,
          KRISHIV_TLS_KEY: keyPath,
        },
        tlsCa: ca,
      });
    });

    afterAll(async () => {
      await coordinator.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('serves REST over HTTPS', async () => {
      const url = `${coordinator.httpUrl.replace('http:', 'https:')}/api/v1/auth/whoami`;
      const body = await new Promise<string>((resolve, reject) => {
        const req = request(url, { ca, headers: { authorization: `Bearer ${token}` } }, (res) => {
          let data = '';
          res.on('data', (c) => (data += c));
          res.on('end', () => resolve(data));
        });
        req.on('error', reject);
        req.end();
      });
      expect(JSON.parse(body)).toMatchObject({ subject: 'service', role: 'admin' });
    });

    it('serves gRPC over TLS to the CLI, and refuses plaintext', async () => {
      const run = await runCli(
        [
          '--coordinator',
          `https://${coordinator.grpcAddress.replace('127.0.0.1', 'localhost')}`,
          '--ca-file',
          certPath,
          'sql',
          '-q',
          'SELECT 7 AS n',
        ],
        { KRISHIV_COORDINATOR_BEARER_TOKEN: token },
      );
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain('7');
      const plain = await healthCheck(coordinator.grpcAddress);
      expect(plain.code).toBe(grpc.status.UNAVAILABLE);
      const secure = await healthCheck(coordinator.grpcAddress, '', grpc.credentials.createSsl(ca));
      expect(secure).toEqual({ code: grpc.status.OK, status: 'SERVING' });
    });

    it('says tls=on in the banner', () => {
      expect(coordinator.logs()).toMatch(/coordinator started: https:\/\/.* tls=on/);
    });
  });
});
