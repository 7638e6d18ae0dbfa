import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { AUDITED_OPERATION_NAMES } from '../src/audit/audited-operations';
import { runCli } from './support/cli';
import { Coordinator, REPO_ROOT, startCoordinator } from './support/coordinator';
import { closeGrpcClients, services } from './support/grpc';
import { expectNoSecretsIn } from './support/secrets';

/**
 * The audit trail (item 6): one event per management action and per denial, on both
 * transports, in the log and the metadata store, readable by admins only, never with a token.
 */
const adminToken = randomBytes(24).toString('hex');
const readerToken = randomBytes(24).toString('hex');
/** Bad tokens sent during the run; none may appear in an event or a log line. */
const badTokens: string[] = [];

let coordinator: Coordinator;
let startedAt: string;

interface Answer {
  status: number;
  body: any;
}

async function rest(
  method: string,
  path: string,
  token: string | undefined,
  requestId: string,
  body?: unknown,
): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/json', 'x-request-id': requestId };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(coordinator.httpUrl + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const grpcClients = new Map<string, any>();

function rpc(
  service: string,
  method: string,
  request: object,
  token: string | undefined,
  requestId: string,
): Promise<{ code: grpc.status; message: string; response?: any }> {
  let client = grpcClients.get(service);
  if (!client) {
    client = new services[service](coordinator.grpcAddress, grpc.credentials.createInsecure());
    grpcClients.set(service, client);
  }
  const metadata = new grpc.Metadata();
  metadata.set('x-request-id', requestId);
  if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
  const name = method.charAt(0).toLowerCase() + method.slice(1);
  return new Promise((resolve) => {
    client[name](
      request,
      metadata,
      { deadline: Date.now() + 15_000 },
      (err: grpc.ServiceError | null, response: any) => {
        if (err) resolve({ code: err.code, message: err.details });
        else resolve({ code: grpc.status.OK, message: '', response });
      },
    );
  });
}

/** Every stored event, newest first, walking the pages as a client would. */
async function allEvents(query = ''): Promise<any[]> {
  const events: any[] = [];
  let token: string | undefined;
  do {
    const suffix = token ? `&pageToken=${encodeURIComponent(token)}` : '';
    const page = await rest(
      'GET',
      `/api/v1/audit?pageSize=500${query}${suffix}`,
      adminToken,
      randomUUID(),
    );
    expect(page.status).toBe(200);
    events.push(...page.body.events);
    token = page.body.nextPageToken;
  } while (token);
  return events;
}

async function eventsFor(requestId: string): Promise<any[]> {
  return (await allEvents()).filter((e) => e.requestId === requestId);
}

const UNKNOWN_SAVEPOINT = '00000000-0000-4000-8000-0000a0d17000';
const UNKNOWN_EXECUTOR = 'executor-audit-probe';

beforeAll(async () => {
  startedAt = new Date().toISOString();
  coordinator = await startCoordinator({
    env: {
      KRISHIV_COORDINATOR_BEARER_TOKEN: adminToken,
      KRISHIV_UI_TOKEN: readerToken,
      KRISHIV_LOG_LEVEL: 'info',
    },
  });
});

afterAll(async () => {
  for (const client of grpcClients.values()) client.close();
  closeGrpcClients();
  const logs = coordinator?.logs() ?? '';
  await coordinator?.stop();
  expectNoSecretsIn(logs, [adminToken, readerToken, ...badTokens]);
});

type Transport = 'rest' | 'grpc';

interface ManagementCall {
  action: string;
  /** Performs the call; resolves with the resource the event must name. */
  run: (transport: Transport, requestId: string) => Promise<string>;
  /** The call is expected to fail after authorization (unknown id, wrong state). */
  fails?: RegExp;
}

describe('audit trail', () => {
  const jobIds: Record<Transport, string> = { rest: '', grpc: '' };
  const cancelFailed: Record<Transport, boolean> = { rest: false, grpc: false };

  const MANAGEMENT: ManagementCall[] = [
    {
      action: 'streams:create',
      run: async (t, id) => {
        const name = `audit_${t}`;
        const columns = [{ name: 'v', type: 'INTEGER' }];
        if (t === 'rest') {
          expect(
            (await rest('POST', '/api/v1/streams', adminToken, id, { name, columns })).status,
          ).toBe(201);
        } else {
          expect(
            (await rpc('StreamService', 'CreateStream', { name, columns }, adminToken, id)).code,
          ).toBe(grpc.status.OK);
        }
        return `stream:${name}`;
      },
    },
    {
      action: 'streams:append',
      run: async (t, id) => {
        const name = `audit_${t}`;
        if (t === 'rest') {
          expect(
            (await rest('POST', `/api/v1/streams/${name}/records`, adminToken, id, [{ v: 1 }]))
              .status,
          ).toBe(200);
        } else {
          const records = [{ fields: { v: { intValue: 1 } } }];
          expect(
            (await rpc('StreamService', 'AppendRecords', { name, records }, adminToken, id)).code,
          ).toBe(grpc.status.OK);
        }
        return `stream:${name}`;
      },
    },
    {
      action: 'jobs:submit',
      run: async (t, id) => {
        const sql = 'SELECT 42 AS answer';
        if (t === 'rest') {
          const answer = await rest('POST', '/api/v1/jobs', adminToken, id, { sql });
          expect(answer.status).toBe(202);
          jobIds.rest = answer.body.id;
        } else {
          const answer = await rpc('JobService', 'SubmitJob', { sql }, adminToken, id);
          expect(answer.code).toBe(grpc.status.OK);
          jobIds.grpc = answer.response.id;
        }
        return `job:${jobIds[t]}`;
      },
    },
    {
      // Savepoints are for streaming jobs: on a batch job it is allowed, then fails (409).
      action: 'jobs:savepoint',
      fails: /^failed: 409 /,
      run: async (t, id) => {
        if (t === 'rest') {
          expect(
            (await rest('POST', `/api/v1/jobs/${jobIds.rest}/savepoints`, adminToken, id, {}))
              .status,
          ).toBe(409);
        } else {
          const answer = await rpc(
            'JobService',
            'TriggerSavepoint',
            { jobId: jobIds.grpc },
            adminToken,
            id,
          );
          expect(answer.code).toBe(grpc.status.FAILED_PRECONDITION);
        }
        return `job:${jobIds[t]}`;
      },
    },
    {
      action: 'jobs:cancel',
      run: async (t, id) => {
        // The job may have finished already; cancelling it then is a 409, audited all the same.
        let finished: boolean;
        if (t === 'rest') {
          const answer = await rest('POST', `/api/v1/jobs/${jobIds.rest}/cancel`, adminToken, id);
          expect([200, 409]).toContain(answer.status);
          finished = answer.status === 409;
        } else {
          const answer = await rpc('JobService', 'CancelJob', { id: jobIds.grpc }, adminToken, id);
          expect([grpc.status.OK, grpc.status.FAILED_PRECONDITION]).toContain(answer.code);
          finished = answer.code === grpc.status.FAILED_PRECONDITION;
        }
        cancelFailed[t] = finished;
        return `job:${jobIds[t]}`;
      },
    },
    {
      action: 'savepoints:delete',
      fails: /^failed: 404 /,
      run: async (t, id) => {
        if (t === 'rest') {
          expect(
            (await rest('DELETE', `/api/v1/savepoints/${UNKNOWN_SAVEPOINT}`, adminToken, id))
              .status,
          ).toBe(404);
        } else {
          const answer = await rpc(
            'JobService',
            'DeleteSavepoint',
            { id: UNKNOWN_SAVEPOINT },
            adminToken,
            id,
          );
          expect(answer.code).toBe(grpc.status.NOT_FOUND);
        }
        return `savepoint:${UNKNOWN_SAVEPOINT}`;
      },
    },
    {
      action: 'jobs:restore',
      fails: /^failed: 404 /,
      run: async (t, id) => {
        if (t === 'rest') {
          expect(
            (
              await rest(
                'POST',
                `/api/v1/savepoints/${UNKNOWN_SAVEPOINT}/restore`,
                adminToken,
                id,
                {},
              )
            ).status,
          ).toBe(404);
        } else {
          const request = { savepointId: UNKNOWN_SAVEPOINT };
          expect((await rpc('JobService', 'RestoreJob', request, adminToken, id)).code).toBe(
            grpc.status.NOT_FOUND,
          );
        }
        return `savepoint:${UNKNOWN_SAVEPOINT}`;
      },
    },
    ...(['drain', 'resume'] as const).map((verb): ManagementCall => ({
      action: `executors:${verb}`,
      run: async (t, id) => {
        if (t === 'rest') {
          expect(
            (await rest('POST', `/api/v1/executors/executor-1/${verb}`, adminToken, id)).status,
          ).toBe(200);
        } else {
          const method = verb === 'drain' ? 'DrainExecutor' : 'ResumeExecutor';
          expect(
            (await rpc('ExecutorService', method, { id: 'executor-1' }, adminToken, id)).code,
          ).toBe(grpc.status.OK);
        }
        return 'executor:executor-1';
      },
    })),
    {
      action: 'executors:remove',
      fails: /^failed: 404 /,
      run: async (t, id) => {
        if (t === 'rest') {
          expect(
            (await rest('DELETE', `/api/v1/executors/${UNKNOWN_EXECUTOR}`, adminToken, id)).status,
          ).toBe(404);
        } else {
          const request = { id: UNKNOWN_EXECUTOR };
          expect(
            (await rpc('ExecutorService', 'RemoveExecutor', request, adminToken, id)).code,
          ).toBe(grpc.status.NOT_FOUND);
        }
        return `executor:${UNKNOWN_EXECUTOR}`;
      },
    },
  ];

  it('covers every audited management operation', () => {
    expect(MANAGEMENT.map((m) => m.action).sort()).toEqual([...AUDITED_OPERATION_NAMES].sort());
  });

  it.each(['rest', 'grpc'] as Transport[])(
    'records each management action over %s as exactly one allow event with every field',
    async (transport) => {
      const before = Date.now();
      const expected: { requestId: string; action: string; resource: string; fails?: RegExp }[] =
        [];
      for (const call of MANAGEMENT) {
        const requestId = `mgmt-${transport}-${call.action}-${randomUUID()}`;
        const resource = await call.run(transport, requestId);
        const fails =
          call.fails ??
          (call.action === 'jobs:cancel' && cancelFailed[transport] ? /^failed: 409 / : undefined);
        expected.push({ requestId, action: call.action, resource, fails });
      }
      const events = await allEvents();
      for (const want of expected) {
        const found = events.filter((e) => e.requestId === want.requestId);
        expect(found).toEqual([
          {
            id: expect.stringMatching(/^\d+$/),
            at: expect.any(String),
            requestId: want.requestId,
            subject: 'service',
            role: 'admin',
            authMethod: 'service-token',
            action: want.action,
            resource: want.resource,
            decision: 'allow',
            reason: want.fails ? expect.stringMatching(want.fails) : null,
            clientAddress: '127.0.0.1',
            transport,
          },
        ]);
        const at = Date.parse(found[0].at);
        expect(at).toBeGreaterThanOrEqual(before - 1000);
        expect(at).toBeLessThanOrEqual(Date.now() + 1000);
      }

      // The same events reached the log, marked as audit lines.
      const logged = coordinator
        .logs()
        .split('\n')
        .filter((line) => line.includes('"audit":true'))
        .map((line) => JSON.parse(line));
      for (const want of expected) {
        expect(logged.filter((l) => l.requestId === want.requestId)).toEqual([
          expect.objectContaining({
            audit: true,
            action: want.action,
            resource: want.resource,
            decision: 'allow',
            subject: 'service',
          }),
        ]);
      }
    },
  );

  it('records no event for reads that were allowed', async () => {
    const requestId = `read-${randomUUID()}`;
    expect((await rest('GET', '/api/v1/jobs', readerToken, requestId)).status).toBe(200);
    expect((await rpc('JobService', 'ListJobs', {}, readerToken, `${requestId}-grpc`)).code).toBe(
      grpc.status.OK,
    );
    const events = await allEvents();
    expect(events.filter((e) => e.requestId.startsWith(requestId))).toEqual([]);
  });

  describe('denials', () => {
    const garbage = () => {
      const token = `not-a-token-${randomBytes(16).toString('hex')}`;
      badTokens.push(token);
      return token;
    };
    const JOB = '00000000-0000-4000-8000-0000000a0d17';
    interface DenialCase {
      name: string;
      rest: (id: string) => Promise<Answer>;
      grpc: (id: string) => ReturnType<typeof rpc>;
      status: 401 | 403;
      action: string;
      resource: string | null;
      principal: 'none' | 'reader';
    }
    const CASES: DenialCase[] = [
      {
        name: 'no token on a read',
        rest: (id) => rest('GET', '/api/v1/jobs', undefined, id),
        grpc: (id) => rpc('JobService', 'ListJobs', {}, undefined, id),
        status: 401,
        action: 'jobs:list',
        resource: null,
        principal: 'none',
      },
      {
        name: 'a bad token on a management action',
        rest: (id) => rest('POST', '/api/v1/executors/executor-1/drain', garbage(), id),
        grpc: (id) => rpc('ExecutorService', 'DrainExecutor', { id: 'executor-1' }, garbage(), id),
        status: 401,
        action: 'executors:drain',
        resource: 'executor:executor-1',
        principal: 'none',
      },
      {
        name: 'a reader cancelling a job',
        rest: (id) => rest('POST', `/api/v1/jobs/${JOB}/cancel`, readerToken, id),
        grpc: (id) => rpc('JobService', 'CancelJob', { id: JOB }, readerToken, id),
        status: 403,
        action: 'jobs:cancel',
        resource: `job:${JOB}`,
        principal: 'reader',
      },
      {
        name: 'a reader reading the audit trail',
        rest: (id) => rest('GET', '/api/v1/audit', readerToken, id),
        grpc: (id) => rpc('AuditService', 'ListEvents', {}, readerToken, id),
        status: 403,
        action: 'audit:read',
        resource: null,
        principal: 'reader',
      },
      {
        name: 'a reader running a write statement',
        rest: (id) =>
          rest('POST', '/api/v1/query', readerToken, id, { sql: 'CREATE TABLE t (x INTEGER)' }),
        grpc: (id) =>
          rpc(
            'QueryService',
            'ExecuteQuery',
            { sql: 'CREATE TABLE t (x INTEGER)' },
            readerToken,
            id,
          ),
        status: 403,
        action: 'query:write',
        resource: null,
        principal: 'reader',
      },
    ];

    it.each(CASES.map((c) => [c.name, c] as const))(
      '%s is one deny event with the reason, on both transports',
      async (_name, c) => {
        const restId = `deny-rest-${randomUUID()}`;
        const grpcId = `deny-grpc-${randomUUID()}`;
        expect((await c.rest(restId)).status).toBe(c.status);
        expect((await c.grpc(grpcId)).code).toBe(
          c.status === 401 ? grpc.status.UNAUTHENTICATED : grpc.status.PERMISSION_DENIED,
        );
        const who =
          c.principal === 'reader'
            ? { subject: 'ui', role: 'reader', authMethod: 'ui-token' }
            : { subject: null, role: null, authMethod: null };
        for (const [requestId, transport] of [
          [restId, 'rest'],
          [grpcId, 'grpc'],
        ]) {
          expect(await eventsFor(requestId)).toEqual([
            {
              id: expect.any(String),
              at: expect.any(String),
              requestId,
              ...who,
              action: c.action,
              resource: c.resource,
              decision: 'deny',
              reason: expect.stringMatching(new RegExp(`^${c.status} \\S`)),
              clientAddress: '127.0.0.1',
              transport,
            },
          ]);
        }
      },
    );

    it('stores a flood of refused requests in batches, every one of them', async () => {
      const prefix = `flood-${randomUUID()}`;
      const token = garbage();
      const total = 600;
      for (let i = 0; i < total; i += 50) {
        await Promise.all(
          Array.from({ length: 50 }, (_, j) =>
            rest('GET', '/api/v1/jobs', token, `${prefix}-${i + j}`).then((a) =>
              expect(a.status).toBe(401),
            ),
          ),
        );
      }
      const flood = (await allEvents('&decision=deny')).filter((e) =>
        e.requestId.startsWith(prefix),
      );
      expect(flood).toHaveLength(total);
      expect(new Set(flood.map((e) => e.requestId)).size).toBe(total);
      const metrics = await (await fetch(`${coordinator.httpUrl}/metrics`)).text();
      expect(metrics).toMatch(/^krishiv_audit_events_dropped_total 0$/m);
      const denied = /^krishiv_audit_events_total\{decision="deny"\} (\d+)$/m.exec(metrics);
      expect(Number(denied?.[1])).toBeGreaterThanOrEqual(total);
    });
  });

  describe('reading the trail', () => {
    it('never shows a token, and the log has none either', async () => {
      const body = JSON.stringify(await allEvents());
      expectNoSecretsIn(body, [adminToken, readerToken, ...badTokens]);
      expectNoSecretsIn(coordinator.logs(), [adminToken, readerToken, ...badTokens]);
    });

    it('filters by subject, action, decision, transport and time on both transports', async () => {
      const everything = await allEvents();
      expect(everything.length).toBeGreaterThan(20);
      const check = async (query: Record<string, string>, keep: (e: any) => boolean) => {
        const search = Object.entries(query)
          .map(([k, v]) => `&${k}=${encodeURIComponent(v)}`)
          .join('');
        const viaRest = await allEvents(search);
        // Events recorded after `everything` (the listings above) are newer; compare by id.
        const newest = Number(everything[0].id);
        const expected = everything.filter(keep).map((e) => e.id);
        expect(viaRest.filter((e) => Number(e.id) <= newest).map((e) => e.id)).toEqual(expected);
        expect(expected.length).toBeGreaterThan(0);
        const viaGrpc = await rpc(
          'AuditService',
          'ListEvents',
          { ...query, pageSize: 500 },
          adminToken,
          randomUUID(),
        );
        expect(viaGrpc.code).toBe(grpc.status.OK);
        expect(
          viaGrpc.response.events.filter((e: any) => Number(e.id) <= newest).map((e: any) => e.id),
        ).toEqual(expected);
      };
      await check({ subject: 'ui' }, (e) => e.subject === 'ui');
      await check({ action: 'jobs:cancel' }, (e) => e.action === 'jobs:cancel');
      await check({ decision: 'allow' }, (e) => e.decision === 'allow');
      await check({ transport: 'grpc' }, (e) => e.transport === 'grpc');
      await check(
        { subject: 'ui', decision: 'deny', transport: 'rest' },
        (e) => e.subject === 'ui' && e.decision === 'deny' && e.transport === 'rest',
      );
      const middle = everything[Math.floor(everything.length / 2)].at;
      await check({ since: startedAt, until: middle }, (e) => e.at >= startedAt && e.at < middle);
      await check({ since: middle }, (e) => e.at >= middle);
    });

    it('pages newest first without gaps or repeats, on both transports', async () => {
      const everything = (await allEvents('&decision=allow')).map((e) => e.id);
      const walk = async (transport: Transport): Promise<string[]> => {
        const ids: string[] = [];
        let pageToken = '';
        do {
          if (transport === 'rest') {
            const suffix = pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : '';
            const page = await rest(
              'GET',
              `/api/v1/audit?decision=allow&pageSize=3${suffix}`,
              adminToken,
              randomUUID(),
            );
            expect(page.status).toBe(200);
            expect(page.body.events.length).toBeLessThanOrEqual(3);
            ids.push(...page.body.events.map((e: any) => e.id));
            pageToken = page.body.nextPageToken ?? '';
          } else {
            const page = await rpc(
              'AuditService',
              'ListEvents',
              { decision: 'allow', pageSize: 3, pageToken },
              adminToken,
              randomUUID(),
            );
            expect(page.code).toBe(grpc.status.OK);
            ids.push(...page.response.events.map((e: any) => e.id));
            pageToken = page.response.nextPageToken;
          }
        } while (pageToken);
        return ids;
      };
      expect(everything.length).toBeGreaterThan(6);
      for (const transport of ['rest', 'grpc'] as Transport[]) {
        const ids = await walk(transport);
        expect(ids).toEqual(everything);
        expect([...ids].map(Number)).toEqual([...ids].map(Number).sort((a, b) => b - a));
      }
    });

    it('answers bad filters and foreign page tokens with a 400 that says what to fix', async () => {
      const first = await rest('GET', '/api/v1/audit?pageSize=1', adminToken, randomUUID());
      const token = encodeURIComponent(first.body.nextPageToken);
      const cases: [string, RegExp][] = [
        ['decision=maybe', /decision must be one of allow, deny/],
        ['transport=smtp', /transport must be one of rest, grpc, pgwire/],
        ['since=yesterday', /since must be an RFC 3339 timestamp/],
        ['pageSize=0.5', /pageSize must be a whole number/],
        [`subject=ui&pageToken=${token}`, /pageToken does not belong to this listing/],
      ];
      for (const [query, message] of cases) {
        const answer = await rest('GET', `/api/v1/audit?${query}`, adminToken, randomUUID());
        expect({ query, status: answer.status, message: answer.body.message }).toEqual({
          query,
          status: 400,
          message: expect.stringMatching(message),
        });
      }
      const viaGrpc = await rpc(
        'AuditService',
        'ListEvents',
        { until: 'soon' },
        adminToken,
        randomUUID(),
      );
      expect(viaGrpc.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(viaGrpc.message).toMatch(/until must be an RFC 3339 timestamp/);
    });

    it('is listed by `krishiv audit list` with the same filters, and refused to a reader', async () => {
      const cli = (token: string, ...args: string[]) =>
        runCli(['audit', 'list', ...args], {
          KRISHIV_COORDINATOR: `http://${coordinator.grpcAddress}`,
          KRISHIV_COORDINATOR_BEARER_TOKEN: token,
        });
      const expected = (await allEvents('&decision=deny&transport=grpc')).map((e) => e.id);
      const listed = await cli(
        adminToken,
        '--decision',
        'deny',
        '--transport',
        'grpc',
        '--all',
        '--format',
        'json',
      );
      expect(listed.code).toBe(0);
      const ids = (JSON.parse(listed.stdout).events as { id: string; decision: string }[]).map(
        (e) => e.id,
      );
      // Events recorded after the REST listing are newer; compare from the same starting point.
      expect(ids.filter((id) => Number(id) <= Number(expected[0]))).toEqual(expected);

      const table = await cli(adminToken, '--action', 'executors:drain', '--page-size', '1');
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/executors:drain/);
      expect(table.stderr).toMatch(/more events: add --page-token \S+/);

      const refused = await cli(readerToken);
      expect(refused.code).toBe(4);
      expect(refused.stderr).toMatch(/audit:read needs role admin/);
      const usage = await cli(adminToken, '--decision', 'perhaps');
      expect(usage.code).toBe(2);
    });

    it('is for admins only', async () => {
      const viaRest = await rest('GET', '/api/v1/audit', readerToken, randomUUID());
      expect(viaRest.status).toBe(403);
      expect(viaRest.body.requiredRole).toBe('admin');
      expect((await rest('GET', '/api/v1/audit', undefined, randomUUID())).status).toBe(401);
      expect((await rpc('AuditService', 'ListEvents', {}, readerToken, randomUUID())).code).toBe(
        grpc.status.PERMISSION_DENIED,
      );
      expect((await rpc('AuditService', 'ListEvents', {}, undefined, randomUUID())).code).toBe(
        grpc.status.UNAUTHENTICATED,
      );
    });
  });

  it('prunes events older than KRISHIV_AUDIT_RETENTION_DAYS', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'krishiv-audit-retention-'));
    const day = 86_400_000;
    const event = (requestId: string, age: number) => ({
      at: new Date(Date.now() - age).toISOString(),
      requestId,
      subject: 'alice',
      role: 'admin',
      authMethod: 'oidc',
      action: 'jobs:cancel',
      resource: 'job:old',
      decision: 'allow' as const,
      reason: null,
      clientAddress: '10.0.0.1',
      transport: 'rest' as const,
    });
    // Written by the built store in a child process: see test/support/no-native-sqlite.js.
    const script = `
      const { SqliteMetadataStore } = require('./dist/metadata/sqlite-metadata.store');
      const [path, json] = process.argv.slice(1);
      SqliteMetadataStore.open(path)
        .then(async (store) => { await store.insertAuditEvents(JSON.parse(json)); await store.close(); })
        .catch((err) => { console.error(err); process.exit(1); });
    `;
    const events = [
      event('expired-1', 400 * day),
      event('expired-2', 31 * day),
      event('kept', 29 * day),
    ];
    execFileSync(
      process.execPath,
      ['-e', script, join(dataDir, 'metadata.sqlite'), JSON.stringify(events)],
      { cwd: REPO_ROOT },
    );
    const second = await startCoordinator({
      dataDir,
      env: {
        KRISHIV_COORDINATOR_BEARER_TOKEN: adminToken,
        KRISHIV_AUDIT_RETENTION_DAYS: '30',
        KRISHIV_LOG_LEVEL: 'info',
      },
    });
    try {
      const answer = await fetch(`${second.httpUrl}/api/v1/audit?subject=alice`, {
        headers: { authorization: `Bearer ${adminToken}` },
      });
      expect(answer.status).toBe(200);
      const body = (await answer.json()) as { events: { requestId: string }[] };
      expect(body.events.map((e) => e.requestId)).toEqual(['kept']);
      expect(second.logs()).toMatch(/retention: removed 2 audit events older than 30 days/);
    } finally {
      await second.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
