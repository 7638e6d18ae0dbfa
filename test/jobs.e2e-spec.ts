import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import {
  Coordinator,
  REPO_ROOT,
  runCoordinatorExpectingExit,
  startCoordinator,
} from './support/coordinator';
import { closeGrpcClients, GrpcOutcome } from './support/grpc';
import {
  GrpcApi,
  holdsFor,
  HttpAnswer,
  isTerminal,
  mapConcurrently,
  metricValue,
  RestApi,
  RFC3339,
  scrape,
  until,
} from './support/jobs';
import { OIDC_AUDIENCE, OidcProvider, startOidcProvider } from './support/oidc';
import { expectNoSecretsIn } from './support/secrets';

/** Never ends on its own (minutes of work): every test that starts one stops it. */
const ENDLESS_SQL = 'SELECT count(*) FROM range(1000000000000)';
/** About a second and a half of work on a free core: long enough to be caught running. */
const CANCELLABLE_SQL = 'SELECT count(*) FROM range(10000000000)';

/**
 * 2,500 rows of the JSON encodings that survive any spool (strings for BIGINT and DECIMAL, numbers,
 * booleans, NULL, dates, lists, CSV quoting), behind a scan slow enough to see the job running.
 */
const PAGED_SQL = `WITH slow AS (SELECT count(*) AS counted FROM range(4000000000))
SELECT i, i * 2 AS doubled, 'row, "' || i || '"' AS label, i % 3 = 0 AS fizz,
       CASE WHEN i % 5 = 0 THEN NULL ELSE i / 4 END AS quarter,
       DATE '2024-01-01' + (i % 365)::INTEGER AS day, (i * 1.25)::DECIMAL(12, 2) AS amount,
       [i, i + 1] AS pair, counted
FROM range(2500) t(i), slow ORDER BY i`;
const PAGED_ROWS = 2500;

const isUuid = (id: unknown) =>
  typeof id === 'string' &&
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id);

const ERROR_BODY_KEYS = ['statusCode', 'error', 'message', 'requiredRole', 'reference'];

/**
 * The error body (README, Errors): the status repeated with its reason, a message that says something
 * without echoing a huge input back, and no other field. Compared as one summary so a failure
 * shows everything that is off at once.
 */
function expectErrorBody(answer: { status: number; body: any }, statusCode: number) {
  const body = typeof answer.body === 'object' && answer.body !== null ? answer.body : {};
  const message: unknown = body.message;
  expect({
    status: answer.status,
    statusCode: body.statusCode,
    error: body.error,
    otherFields: Object.keys(body).filter((k) => !ERROR_BODY_KEYS.includes(k)),
    message:
      typeof message !== 'string' || message.trim() === ''
        ? 'missing'
        : message.length >= 4096
          ? `${message.length} characters`
          : 'present',
  }).toEqual({
    status: statusCode,
    statusCode,
    error: STATUS_CODES[statusCode],
    otherFields: [],
    message: 'present',
  });
}

describe('batch jobs', () => {
  let oidc: OidcProvider;
  let coordinator: Coordinator;
  const serviceToken = randomBytes(32).toString('base64url');
  const uiToken = randomBytes(32).toString('base64url');
  const secrets = new Set([serviceToken, uiToken]);
  /** The service token: role admin, subject `service`. */
  let admin: RestApi;
  /** An OIDC writer, subject `writer-client`. */
  let writer: RestApi;
  /** The UI token: role reader, subject `ui`. */
  let reader: RestApi;
  let grpcAdmin: GrpcApi;
  let grpcWriter: GrpcApi;
  /** Long jobs a failed test may have left running, stopped after each test. */
  const toStop = new Set<string>();

  beforeAll(async () => {
    oidc = await startOidcProvider();
    coordinator = await startCoordinator({
      env: {
        KRISHIV_OIDC_ISSUER: oidc.issuer,
        KRISHIV_OIDC_AUDIENCE: OIDC_AUDIENCE,
        KRISHIV_COORDINATOR_BEARER_TOKEN: serviceToken,
        KRISHIV_UI_TOKEN: uiToken,
        KRISHIV_LOG_LEVEL: 'info',
      },
    });
    const writerToken = await oidc.token('writer-client');
    secrets.add(writerToken);
    admin = new RestApi(coordinator.httpUrl, serviceToken);
    writer = new RestApi(coordinator.httpUrl, writerToken);
    reader = new RestApi(coordinator.httpUrl, uiToken);
    grpcAdmin = new GrpcApi(coordinator.grpcAddress, serviceToken);
    grpcWriter = new GrpcApi(coordinator.grpcAddress, writerToken);
  });

  afterEach(async () => {
    for (const id of toStop) {
      await admin.cancel(id);
      toStop.delete(id);
    }
  });

  afterAll(async () => {
    closeGrpcClients();
    await coordinator?.stop();
    await oidc?.stop();
  });

  /**
   * Submits a job that runs until stopped and waits until it is inside its scan (running, and
   * still running a moment later), where a cancel is sure to reach it.
   */
  async function startEndless(): Promise<any> {
    const job = await admin.accepted({ sql: ENDLESS_SQL, name: 'endless' });
    toStop.add(job.id);
    await admin.waitForJob(job.id, (j) => j.state !== 'queued');
    return holdsFor(
      `job ${job.id} running`,
      () => admin.current(job.id),
      (j) => j.state === 'running',
      250,
    );
  }

  describe('lifecycle', () => {
    let job: any;

    it('takes a submitted job from queued through running to succeeded (REST)', async () => {
      const submitted = await admin.submit({ sql: PAGED_SQL, name: 'paged result' });
      expect(submitted.status).toBe(202);
      const queued = submitted.body;
      expect(submitted.headers.get('location')).toBe(`/api/v1/jobs/${queued.id}`);
      expect(submitted.headers.get('idempotent-replayed')).toBeNull();
      expect(queued).toEqual({
        id: expect.any(String),
        name: 'paged result',
        kind: 'batch',
        sql: PAGED_SQL,
        state: 'queued',
        submittedBy: 'service',
        submittedAt: expect.stringMatching(RFC3339),
      });
      expect(isUuid(queued.id)).toBe(true);

      const { job: finished, seen } = await admin.waitForJob(queued.id, isTerminal);
      job = finished;
      // Every state on the way, in order; the run is long enough to be seen running.
      expect(seen.filter((s) => s !== 'queued')).toEqual(['running', 'succeeded']);
      expect(finished).toEqual({
        ...queued,
        state: 'succeeded',
        startedAt: expect.stringMatching(RFC3339),
        finishedAt: expect.stringMatching(RFC3339),
        executorId: 'executor-1',
        rowCount: PAGED_ROWS,
      });
      const [submittedAt, startedAt, finishedAt] = [
        finished.submittedAt,
        finished.startedAt,
        finished.finishedAt,
      ].map(Date.parse);
      expect(startedAt).toBeGreaterThanOrEqual(submittedAt);
      expect(finishedAt).toBeGreaterThan(startedAt);
    });

    it('pages the JSON result via nextOffset, equal to the same SQL through /api/v1/query', async () => {
      const direct = await admin.query(PAGED_SQL);
      expect(direct.status).toBe(200);
      expect(direct.body.rowCount).toBe(PAGED_ROWS);

      const rows: unknown[] = [];
      const offsets: unknown[] = [];
      let offset: number | undefined = 0;
      while (offset !== undefined) {
        const page = await admin.result(job.id, { offset, limit: 700 });
        expect(page.status).toBe(200);
        expect(page.headers.get('x-krishiv-total-rows')).toBe(String(PAGED_ROWS));
        expect(page.body).toMatchObject({ totalRows: PAGED_ROWS, offset });
        expect(page.body.columns).toEqual(direct.body.columns);
        rows.push(...page.body.rows);
        offsets.push(page.body.nextOffset);
        offset = page.body.nextOffset;
      }
      expect(offsets).toEqual([700, 1400, 2100, undefined]);
      expect(rows).toEqual(direct.body.rows);
    });

    it('pages the CSV result the same way, equal to the CSV of /api/v1/query', async () => {
      const direct = await admin.query(PAGED_SQL, 'text/csv');
      expect(direct.status).toBe(200);
      const [header, ...lines] = direct.text.split('\r\n').filter((l) => l !== '');
      expect(lines).toHaveLength(PAGED_ROWS);
      expect(lines[1]).toBe(
        '1,2,"row, ""1""",false,0.25,2024-01-02,1.25,"[""1"",""2""]",4000000000',
      );

      const pageLines: string[] = [];
      const nextOffsets: (string | null)[] = [];
      let offset: number | undefined = 0;
      while (offset !== undefined) {
        const page = await admin.result(job.id, { offset, limit: 1000 }, 'text/csv');
        expect(page.status).toBe(200);
        expect(page.headers.get('content-type')).toMatch(/^text\/csv/);
        expect(page.headers.get('x-krishiv-total-rows')).toBe(String(PAGED_ROWS));
        const [pageHeader, ...data] = page.text.split('\r\n').filter((l) => l !== '');
        expect(pageHeader).toBe(header);
        pageLines.push(...data);
        const next = page.headers.get('x-krishiv-next-offset');
        nextOffsets.push(next);
        offset = next === null ? undefined : Number(next);
      }
      expect(nextOffsets).toEqual(['1000', '2000', null]);
      expect(pageLines).toEqual(lines);
    });

    it('gives the same values over gRPC GetJobResult as gRPC ExecuteQuery', async () => {
      const direct = await grpcAdmin.call('QueryService', 'ExecuteQuery', { sql: PAGED_SQL });
      expect(direct.code).toBe(status.OK);
      const got = await grpcAdmin.jobs('GetJob', { id: job.id });
      expect(got.code).toBe(status.OK);
      expect(got.response).toMatchObject({
        id: job.id,
        state: 'succeeded',
        kind: 'batch',
        submittedBy: 'service',
        submittedAt: job.submittedAt,
        startedAt: job.startedAt,
        finishedAt: job.finishedAt,
        executorId: 'executor-1',
        rowCount: String(PAGED_ROWS),
        error: '',
      });

      const rows: unknown[] = [];
      const nextOffsets: unknown[] = [];
      let offset: string | undefined = '0';
      while (offset !== undefined) {
        const page = await grpcAdmin.jobs('GetJobResult', { id: job.id, offset, limit: 900 });
        expect(page.code).toBe(status.OK);
        expect(page.response).toMatchObject({ totalRows: String(PAGED_ROWS), offset });
        expect(page.response.columns).toEqual(direct.response.columns);
        rows.push(...page.response.rows);
        offset = page.response.nextOffset ?? undefined;
        nextOffsets.push(offset);
      }
      expect(nextOffsets).toEqual(['900', '1800', undefined]);
      expect(rows).toEqual(direct.response.rows);
    });

    it('serves the result as often as asked, to readers too, and any page of it', async () => {
      const first = await admin.result(job.id, { offset: 1234, limit: 3 });
      expect(first.status).toBe(200);
      expect(first.body.rows.map((r: unknown[]) => r[0])).toEqual(['1234', '1235', '1236']);
      const again = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          (i % 2 ? reader : admin).result(job.id, { offset: 1234, limit: 3 }),
        ),
      );
      for (const answer of again)
        expect({ s: answer.status, b: answer.body }).toEqual({ s: 200, b: first.body });
      // The last rows, a page past the end (empty, no next), and the default page size.
      const tail = await reader.result(job.id, { offset: PAGED_ROWS - 2, limit: 10 });
      expect(tail.body.rows.map((r: unknown[]) => r[0])).toEqual(['2498', '2499']);
      expect(tail.body.nextOffset).toBeUndefined();
      const past = await reader.result(job.id, { offset: PAGED_ROWS + 5 });
      expect(past.status).toBe(200);
      expect(past.body).toMatchObject({ rows: [], totalRows: PAGED_ROWS, offset: PAGED_ROWS + 5 });
      expect(past.body.nextOffset).toBeUndefined();
      const defaults = await reader.result(job.id);
      expect(defaults.body).toMatchObject({ offset: 0, nextOffset: 1000 });
      expect(defaults.body.rows).toHaveLength(1000);
    });

    it('keeps every column type of the result exactly as the query gives it', async () => {
      // Types a spool could narrow or rename: the result must still equal the direct query.
      const sql = `SELECT 170141183460469231731687303715884105727::HUGEINT AS huge,
        340282366920938463463374607431768211455::UHUGEINT AS uhuge,
        'b'::ENUM('a', 'b') AS grade, 123456789012345678.9::DECIMAL(38, 1) AS d38,
        18446744073709551615::UBIGINT AS ubig, TIMESTAMPTZ '2024-01-02 03:04:05+00' AS tstz,
        TIME '12:34:56' AS tm, INTERVAL 3 DAY AS iv, 'x'::BLOB AS bl,
        uuid '6f1b6c1e-7c3e-4d55-9c55-2d3c1f0e8a11' AS u, {'a': 1, 'b': 'x'} AS s`;
      const direct = await admin.query(sql);
      expect(direct.status).toBe(200);
      const submitted = await admin.accepted({ sql });
      const { job: done } = await admin.waitForJob(submitted.id, isTerminal);
      expect(done.state).toBe('succeeded');
      const page = await admin.result(done.id);
      expect({ columns: page.body.columns, rows: page.body.rows }).toEqual({
        columns: direct.body.columns,
        rows: direct.body.rows,
      });
    });

    it('takes a job over gRPC to succeeded, reporting it like REST does', async () => {
      const submitted = await grpcWriter.jobs('SubmitJob', {
        sql: 'SELECT 42 AS answer',
        name: 'over grpc',
      });
      expect({ code: submitted.code, message: submitted.message }).toEqual({
        code: status.OK,
        message: '',
      });
      expect(submitted.response).toMatchObject({
        name: 'over grpc',
        kind: 'batch',
        state: 'queued',
        submittedBy: 'writer-client',
        startedAt: '',
      });
      const id = submitted.response.id;
      const final = await until(
        'gRPC job',
        () => grpcWriter.jobs('GetJob', { id }),
        (o) => o.code !== status.OK || isTerminal(o.response),
      );
      expect(final.response).toMatchObject({ state: 'succeeded', rowCount: '1', error: '' });
      const rest = await admin.current(id);
      expect(rest).toMatchObject({
        id,
        state: 'succeeded',
        submittedBy: 'writer-client',
        startedAt: final.response.startedAt,
        finishedAt: final.response.finishedAt,
        rowCount: 1,
      });
      const result = await grpcWriter.jobs('GetJobResult', { id });
      expect(result.code).toBe(status.OK);
      expect(result.response.rows).toEqual([
        { values: [expect.objectContaining({ kind: 'intValue', intValue: '42' })] },
      ]);
    });

    it('ends failed with the engine message when the SQL fails as it runs; no result then', async () => {
      // Binding happens when the job runs: a missing table is the job's failure, not the submit's.
      const submitted = await admin.accepted({ sql: 'SELECT * FROM no_such_table_anywhere' });
      const { job: failed } = await admin.waitForJob(submitted.id, isTerminal);
      expect(failed).toMatchObject({
        state: 'failed',
        error: expect.stringMatching(/no_such_table_anywhere/),
        finishedAt: expect.stringMatching(RFC3339),
      });
      expect(failed.rowCount).toBeUndefined();
      const result = await admin.result(failed.id);
      expectErrorBody(result, 409);
      expect(result.body.message).toMatch(/failed/);
      const grpc = await grpcAdmin.jobs('GetJobResult', { id: failed.id });
      expect({ code: grpc.code, message: grpc.message }).toEqual({
        code: status.FAILED_PRECONDITION,
        message: result.body.message,
      });
    });

    it('refuses the result of a job that has not finished (409)', async () => {
      const running = await startEndless();
      expect(running.state).toBe('running');
      const result = await admin.result(running.id);
      expectErrorBody(result, 409);
      expect(result.body.message).toMatch(/running/);
    });
  });

  describe('idempotent submit', () => {
    it('returns the same job for a retried Idempotency-Key and refuses the key for another body', async () => {
      const key = `retry-${randomUUID()}`;
      const sql = 'SELECT 1 AS idempotent';
      const first = await admin.submit({ sql }, key);
      expect(first.status).toBe(202);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      const retry = await admin.submit({ sql }, key);
      expect(retry.status).toBe(202);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(retry.body.id).toBe(first.body.id);
      expect(retry.body.submittedAt).toBe(first.body.submittedAt);

      for (const other of [{ sql: 'SELECT 2 AS idempotent' }, { sql, name: 'renamed' }]) {
        const conflict = await admin.submit(other, key);
        expectErrorBody(conflict, 409);
        expect(conflict.body.message).toMatch(/Idempotency-Key/);
        expect(conflict.body.message).toContain(first.body.id);
      }
      // The refused retries created nothing.
      const { jobs } = await admin.listAll({ submittedBy: 'service' });
      expect(jobs.filter((j) => j.sql === 'SELECT 2 AS idempotent')).toEqual([]);
      expect(jobs.filter((j) => j.id === first.body.id)).toHaveLength(1);
    });

    it('creates one job for concurrent submits with one key', async () => {
      const key = `burst-${randomUUID()}`;
      const sql = `SELECT '${key}' AS burst`;
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => admin.submit({ sql }, key)),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
      const ids = new Set(answers.map((a) => a.body.id));
      expect(ids.size).toBe(1);
      expect(answers.filter((a) => a.headers.get('idempotent-replayed') === null)).toHaveLength(1);
      const { jobs } = await admin.listAll();
      expect(jobs.filter((j) => j.sql === sql)).toHaveLength(1);
    });

    it('does the same for gRPC request_id (ALREADY_EXISTS for another body), one key space with REST', async () => {
      const key = `grpc-${randomUUID()}`;
      const sql = 'SELECT 3 AS idempotent';
      const first = await grpcAdmin.jobs('SubmitJob', { sql, requestId: key });
      expect(first.code).toBe(status.OK);
      const retry = await grpcAdmin.jobs('SubmitJob', { sql, requestId: key });
      expect(retry.code).toBe(status.OK);
      expect(retry.response.id).toBe(first.response.id);
      // The proto names request_id the REST Idempotency-Key: the same key is the same request.
      const viaRest = await admin.submit({ sql }, key);
      expect(viaRest.status).toBe(202);
      expect(viaRest.body.id).toBe(first.response.id);
      expect(viaRest.headers.get('idempotent-replayed')).toBe('true');

      const conflict = await grpcAdmin.jobs('SubmitJob', { sql: 'SELECT 4', requestId: key });
      const restConflict = await admin.submit({ sql: 'SELECT 4' }, key);
      expect(restConflict.status).toBe(409);
      expect({ code: conflict.code, message: conflict.message }).toEqual({
        code: status.ALREADY_EXISTS,
        message: restConflict.body.message,
      });
    });

    it('keeps keys per caller: another caller with the same key gets a job of its own', async () => {
      const key = `shared-${randomUUID()}`;
      const mine = await admin.submit({ sql: 'SELECT 5' }, key);
      const theirs = await writer.submit({ sql: 'SELECT 6' }, key);
      expect([mine.status, theirs.status]).toEqual([202, 202]);
      expect(theirs.body.id).not.toBe(mine.body.id);
      expect(theirs.body.submittedBy).toBe('writer-client');
      expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    });
  });

  describe('cancel', () => {
    /** Waits until the job runs and is still running a moment later, i.e. is inside its scan. */
    async function midScan(id: string): Promise<void> {
      await admin.waitForJob(id, (j) => j.state === 'running');
      await holdsFor(
        `job ${id} running`,
        () => admin.current(id),
        (j) => j.state === 'running',
        250,
      );
    }

    it('stops a running job within a second over REST, recording who cancelled it', async () => {
      const job = await admin.accepted({ sql: CANCELLABLE_SQL });
      toStop.add(job.id);
      await midScan(job.id);
      const started = performance.now();
      const answer = await admin.cancel(job.id);
      const latency = performance.now() - started;
      console.log(`cancel of a running job over REST answered after ${latency.toFixed(0)} ms`);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        id: job.id,
        state: 'cancelled',
        cancelledBy: 'service',
        finishedAt: expect.stringMatching(RFC3339),
      });
      expect(latency).toBeLessThan(1000);
      expect(await admin.current(job.id)).toMatchObject({
        state: 'cancelled',
        cancelledBy: 'service',
      });
      expectErrorBody(await admin.result(job.id), 409);
      // Cancelled is final: a second cancel is a conflict and changes nothing.
      const again = await admin.cancel(job.id);
      expectErrorBody(again, 409);
      expect(again.body.message).toMatch(/cancelled/);
      expect(await admin.current(job.id)).toEqual(answer.body);
    });

    it('stops a running job within a second over gRPC', async () => {
      const submitted = await grpcAdmin.jobs('SubmitJob', { sql: CANCELLABLE_SQL });
      expect(submitted.code).toBe(status.OK);
      const id = submitted.response.id;
      toStop.add(id);
      await midScan(id);
      const started = performance.now();
      const answer = await grpcAdmin.jobs('CancelJob', { id });
      const latency = performance.now() - started;
      console.log(`cancel of a running job over gRPC answered after ${latency.toFixed(0)} ms`);
      expect(answer.code).toBe(status.OK);
      expect(answer.response).toMatchObject({ id, state: 'cancelled', cancelledBy: 'service' });
      expect(latency).toBeLessThan(1000);
      expect(await admin.current(id)).toMatchObject({ state: 'cancelled', cancelledBy: 'service' });
    });

    it('cancels a job whose cancel arrives just as it starts running', async () => {
      // The moment between the scheduler marking a job running and its statement executing is
      // still "running": a cancel there must stop the job, not wait for it to succeed.
      const outcomes: string[] = [];
      for (let i = 0; i < 5; i++) {
        const job = await admin.accepted({ sql: CANCELLABLE_SQL, name: `race-${i}` });
        toStop.add(job.id);
        await until(
          `job ${job.id} started`,
          () => admin.current(job.id),
          (j) => j.state !== 'queued',
          10_000,
          0,
        );
        const answer = await admin.cancel(job.id);
        outcomes.push(`${answer.status} ${(await admin.current(job.id)).state}`);
      }
      expect(outcomes).toEqual(Array(5).fill('200 cancelled'));
    });

    it('refuses to cancel a succeeded job (409 / FAILED_PRECONDITION) and leaves it as it was', async () => {
      const job = await admin.accepted({ sql: 'SELECT 7 AS seven' });
      const { job: done } = await admin.waitForJob(job.id, isTerminal);
      expect(done.state).toBe('succeeded');

      const rest = await admin.cancel(job.id);
      expectErrorBody(rest, 409);
      expect(rest.body.message).toMatch(/succeeded/);
      const grpc = await grpcAdmin.jobs('CancelJob', { id: job.id });
      expect({ code: grpc.code, message: grpc.message }).toEqual({
        code: status.FAILED_PRECONDITION,
        message: rest.body.message,
      });
      expect(await admin.current(job.id)).toEqual(done);
      expect((await admin.result(job.id)).body.rows).toEqual([[7]]);
    });

    it('cancels a queued job at once, and it never runs', async () => {
      const fillers = [await startEndless(), await startEndless()];
      expect(fillers.map((j) => j.state)).toEqual(['running', 'running']);
      const queued = await admin.accepted({ sql: 'SELECT 8 AS never' });
      expect((await admin.current(queued.id)).state).toBe('queued');

      const answer = await admin.cancel(queued.id);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        id: queued.id,
        state: 'cancelled',
        cancelledBy: 'service',
        finishedAt: expect.stringMatching(RFC3339),
      });
      expect(answer.body.startedAt).toBeUndefined();

      for (const filler of fillers) expect((await admin.cancel(filler.id)).status).toBe(200);
      // Jobs start in submission order: once a later job has run, the cancelled one had its turn.
      const later = await admin.accepted({ sql: 'SELECT 9 AS later' });
      expect((await admin.waitForJob(later.id, isTerminal)).job.state).toBe('succeeded');
      const after = await admin.current(queued.id);
      expect(after).toEqual(answer.body);
      expect(after.executorId).toBeUndefined();
      expectErrorBody(await admin.result(queued.id), 409);
    });
  });

  describe('timeouts', () => {
    it('fails a job that outlives its timeoutMs, naming the timeout (REST)', async () => {
      const job = await admin.accepted({ sql: ENDLESS_SQL, timeoutMs: 500 });
      toStop.add(job.id);
      expect(job.timeoutMs).toBe(500);
      const { job: failed } = await admin.waitForJob(job.id, isTerminal, 15_000);
      expect(failed).toMatchObject({ state: 'failed', timeoutMs: 500 });
      expect(failed.error).toMatch(/timeout of 500 ms/);
      const ran = Date.parse(failed.finishedAt) - Date.parse(failed.startedAt);
      expect(ran).toBeGreaterThanOrEqual(450);
      expect(ran).toBeLessThan(5000);
    });

    it('fails a job that outlives its timeout_ms (gRPC), and a generous timeout harms nobody', async () => {
      const submitted = await grpcAdmin.jobs('SubmitJob', { sql: ENDLESS_SQL, timeoutMs: 300 });
      expect(submitted.code).toBe(status.OK);
      expect(submitted.response.timeoutMs).toBe(300);
      toStop.add(submitted.response.id);
      const { job: failed } = await admin.waitForJob(submitted.response.id, isTerminal, 15_000);
      expect(failed.state).toBe('failed');
      expect(failed.error).toMatch(/timeout of 300 ms/);

      const quick = await admin.accepted({ sql: 'SELECT 10', timeoutMs: 60_000 });
      expect((await admin.waitForJob(quick.id, isTerminal)).job.state).toBe('succeeded');
    });
  });

  describe('statements are checked at submit', () => {
    const writerJobs = async () => (await writer.listAll({ submittedBy: 'writer-client' })).jobs;

    it.each([
      ["ATTACH 'elsewhere.db' AS elsewhere", /ATTACH/],
      ["SELECT 1; ATTACH 'elsewhere.db' AS elsewhere", /ATTACH/],
      ['INSTALL httpfs', /INSTALL/],
      ['SET threads = 1', /SET/],
    ])("refuses a writer's job running %j (403) and queues nothing", async (sql, named) => {
      const before = await writerJobs();
      const answer = await writer.submit({ sql });
      expectErrorBody(answer, 403);
      expect(answer.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
      expect(answer.body.message).toMatch(named);
      expect(answer.body.message).toMatch(/not allowed/);
      const grpc = await grpcWriter.jobs('SubmitJob', { sql });
      expect({ code: grpc.code, message: grpc.message }).toEqual({
        code: status.PERMISSION_DENIED,
        message: answer.body.message,
      });
      // Nobody may: the admin is refused the same way.
      expect((await admin.submit({ sql })).status).toBe(403);
      expect(await writerJobs()).toEqual(before);
    });

    it('refuses SQL that does not parse (400) and queues nothing', async () => {
      const before = await writerJobs();
      const answer = await writer.submit({ sql: 'SELEC 1 FROM' });
      expectErrorBody(answer, 400);
      expect(answer.body.message).toMatch(/syntax error/i);
      const grpc = await grpcWriter.jobs('SubmitJob', { sql: 'SELEC 1 FROM' });
      expect({ code: grpc.code, message: grpc.message }).toEqual({
        code: status.INVALID_ARGUMENT,
        message: answer.body.message,
      });
      expect(await writerJobs()).toEqual(before);
    });

    it("runs a writer's job that writes, and refuses a reader's submit", async () => {
      const table = `job_table_${randomUUID().replace(/-/g, '')}`;
      const job = await writer.accepted({
        sql: `CREATE TABLE ${table} AS SELECT * FROM range(3) t(i)`,
      });
      expect((await writer.waitForJob(job.id, isTerminal)).job.state).toBe('succeeded');
      expect((await reader.query(`SELECT count(*) AS n FROM ${table}`)).body.rows).toEqual([['3']]);
      const refused = await reader.submit({ sql: 'SELECT 1' });
      expectErrorBody(refused, 403);
      expect(refused.body.requiredRole).toBe('writer');
    });
  });

  describe('bad input is a clear 4xx, never a 5xx', () => {
    const huge = 'x'.repeat(10 * 1024);
    const unknownId = randomUUID();
    let succeededId: string;

    beforeAll(async () => {
      const job = await admin.accepted({ sql: 'SELECT * FROM range(20) t(i)' });
      succeededId = (await admin.waitForJob(job.id, isTerminal)).job.id;
    });

    type Case = [string, () => Promise<{ status: number; body: any }>, number[], RegExp?];
    const cases: Case[] = [
      ['empty SQL', () => admin.submit({ sql: '' }), [400], /sql is required/],
      ['blank SQL', () => admin.submit({ sql: '  \n ' }), [400], /sql is required/],
      ['no SQL at all', () => admin.submit({}), [400], /sql/],
      ['SQL that is not a string', () => admin.submit({ sql: 42 } as object), [400], /sql/],
      ['SQL that does not parse', () => admin.submit({ sql: 'SELEC 1' }), [400], /syntax/i],
      [
        'a body that is not JSON',
        () => admin.call('POST', '/api/v1/jobs', { rawBody: '{"sql": "SELECT 1"' }),
        [400],
      ],
      [
        'a 10 MiB SQL body',
        () =>
          admin.postLarge(
            '/api/v1/jobs',
            JSON.stringify({ sql: `SELECT 1 -- ${'x'.repeat(10 * 1024 * 1024)}` }),
          ),
        [400, 413],
      ],
      [
        'SQL over the 1 MiB limit',
        () => admin.submit({ sql: `SELECT 1 -- ${'x'.repeat(1536 * 1024)}` }),
        [400, 413],
        /larger than/,
      ],
      [
        'kind streaming',
        () => admin.submit({ sql: 'SELECT 1', kind: 'streaming' }),
        [400],
        /streaming/,
      ],
      ['kind bogus', () => admin.submit({ sql: 'SELECT 1', kind: 'bogus' }), [400], /kind/],
      ['timeoutMs -5', () => admin.submit({ sql: 'SELECT 1', timeoutMs: -5 }), [400], /timeoutMs/],
      ['timeoutMs 0', () => admin.submit({ sql: 'SELECT 1', timeoutMs: 0 }), [400], /timeoutMs/],
      [
        'timeoutMs 1.5',
        () => admin.submit({ sql: 'SELECT 1', timeoutMs: 1.5 }),
        [400],
        /timeoutMs/,
      ],
      [
        'timeoutMs as text',
        () => admin.submit({ sql: 'SELECT 1', timeoutMs: 'soon' }),
        [400],
        /timeoutMs/,
      ],
      ['a name that is a number', () => admin.submit({ sql: 'SELECT 1', name: 5 }), [400], /name/],
      ['a name of 10 KiB', () => admin.submit({ sql: 'SELECT 1', name: huge }), [400], /name/],
      [
        'an Idempotency-Key of 256 characters',
        () => admin.submit({ sql: 'SELECT 1' }, 'k'.repeat(256)),
        [400],
        /Idempotency-Key/,
      ],
      ['an unknown job id', () => admin.job(unknownId), [404], /does not exist/],
      ['the result of an unknown job', () => admin.result(unknownId), [404], /does not exist/],
      ['cancel of an unknown job', () => admin.cancel(unknownId), [404], /does not exist/],
      ['a job id of 10 KiB', () => admin.job(huge), [400, 404, 414]],
      ['the result of a job id of 10 KiB', () => admin.result(huge), [400, 404, 414]],
      ['cancel of a job id of 10 KiB', () => admin.cancel(huge), [400, 404, 414]],
      ['result limit 0', () => admin.result(succeededId, { limit: 0 }), [400], /limit/],
      ['result limit -1', () => admin.result(succeededId, { limit: -1 }), [400], /limit/],
      ['result limit 2.5', () => admin.result(succeededId, { limit: 2.5 }), [400], /limit/],
      ['result limit as text', () => admin.result(succeededId, { limit: 'all' }), [400], /limit/],
      ['result offset -1', () => admin.result(succeededId, { offset: -1 }), [400], /offset/],
      ['result offset 1.5', () => admin.result(succeededId, { offset: 1.5 }), [400], /offset/],
      [
        'result offset 1e20',
        () => admin.result(succeededId, { offset: '100000000000000000000' }),
        [400],
        /offset/,
      ],
      ['result offset as text', () => admin.result(succeededId, { offset: 'x' }), [400], /offset/],
      ['pageSize 0', () => admin.list({ pageSize: 0 }), [400], /pageSize/],
      ['pageSize -1', () => admin.list({ pageSize: -1 }), [400], /pageSize/],
      ['pageSize as text', () => admin.list({ pageSize: 'many' }), [400], /pageSize/],
      ['a state filter that is no state', () => admin.list({ state: 'done' }), [400], /state/],
      ['a kind filter that is no kind', () => admin.list({ kind: 'bogus' }), [400], /kind/],
      [
        'a pageToken that is garbage',
        () => admin.list({ pageToken: 'garbage' }),
        [400],
        /pageToken/,
      ],
    ];

    // Rest parameters: rows without a message must not make jest pass a `done` callback.
    it.each(cases)('REST: %s', async (...[, call, statuses, message]: Case) => {
      const answer = await call();
      expect(statuses).toContain(answer.status);
      expectErrorBody(answer, answer.status);
      if (message) expect(answer.body.message).toMatch(message);
    });

    it('caps limits and page sizes at their maximum, like synchronous queries', async () => {
      const capped = await admin.result(succeededId, { limit: 10_001 });
      expect(capped.status).toBe(200);
      expect((await admin.list({ pageSize: 10_000 })).status).toBe(200);
      expect((await grpcAdmin.jobs('ListJobs', { pageSize: 10_000 })).code).toBe(status.OK);
    });

    type GrpcCase = [string, string, () => object, status[], RegExp?];
    const grpcCases: GrpcCase[] = [
      ['SubmitJob with empty SQL', 'SubmitJob', () => ({ sql: '' }), [status.INVALID_ARGUMENT]],
      [
        'SubmitJob with SQL that does not parse',
        'SubmitJob',
        () => ({ sql: 'SELEC 1' }),
        [status.INVALID_ARGUMENT],
      ],
      [
        'SubmitJob with 10 MiB of SQL',
        'SubmitJob',
        () => ({ sql: `SELECT 1 -- ${'x'.repeat(10 * 1024 * 1024)}` }),
        [status.INVALID_ARGUMENT, status.RESOURCE_EXHAUSTED],
      ],
      [
        'SubmitJob of kind streaming',
        'SubmitJob',
        () => ({ sql: 'SELECT 1', kind: 'streaming' }),
        [status.INVALID_ARGUMENT],
        /streaming/,
      ],
      [
        'SubmitJob of kind bogus',
        'SubmitJob',
        () => ({ sql: 'SELECT 1', kind: 'bogus' }),
        [status.INVALID_ARGUMENT],
        /kind/,
      ],
      [
        'SubmitJob with timeout_ms 0',
        'SubmitJob',
        () => ({ sql: 'SELECT 1', timeoutMs: 0 }),
        [status.INVALID_ARGUMENT],
        /timeoutMs/,
      ],
      [
        'GetJob of an unknown id',
        'GetJob',
        () => ({ id: unknownId }),
        [status.NOT_FOUND],
        /does not exist/,
      ],
      [
        'GetJob of an empty id',
        'GetJob',
        () => ({ id: '' }),
        [status.NOT_FOUND, status.INVALID_ARGUMENT],
      ],
      [
        'GetJob of a 10 KiB id',
        'GetJob',
        () => ({ id: huge }),
        [status.NOT_FOUND, status.INVALID_ARGUMENT],
      ],
      [
        'GetJobResult of an unknown id',
        'GetJobResult',
        () => ({ id: unknownId }),
        [status.NOT_FOUND],
        /does not exist/,
      ],
      [
        'CancelJob of an unknown id',
        'CancelJob',
        () => ({ id: unknownId }),
        [status.NOT_FOUND],
        /does not exist/,
      ],
      [
        'ListJobs with a garbage page_token',
        'ListJobs',
        () => ({ pageToken: 'garbage' }),
        [status.INVALID_ARGUMENT],
        /pageToken/,
      ],
      [
        'ListJobs with a state that is no state',
        'ListJobs',
        () => ({ state: 'done' }),
        [status.INVALID_ARGUMENT],
        /state/,
      ],
    ];

    it.each(grpcCases)('gRPC: %s', async (...[, method, request, codes, message]: GrpcCase) => {
      const outcome = await grpcAdmin.jobs(method, request());
      expect(codes).toContain(outcome.code);
      expect(outcome.message.trim()).not.toBe('');
      // A 10 KiB id is not echoed back whole.
      expect(outcome.message.length).toBeLessThan(1024);
      if (message) expect(outcome.message).toMatch(message);
    });

    it('says the same thing on both transports', async () => {
      const pairs: [Promise<HttpAnswer>, Promise<GrpcOutcome>][] = [
        [admin.submit({ sql: 'SELEC 1' }), grpcAdmin.jobs('SubmitJob', { sql: 'SELEC 1' })],
        [admin.job(unknownId), grpcAdmin.jobs('GetJob', { id: unknownId })],
        [
          admin.submit({ sql: 'SELECT 1', kind: 'bogus' }),
          grpcAdmin.jobs('SubmitJob', { sql: 'SELECT 1', kind: 'bogus' }),
        ],
      ];
      for (const [rest, grpc] of pairs) {
        const message = (await rest).body.message;
        expect(message).toEqual(expect.any(String));
        expect((await grpc).message).toBe(message);
      }
    });
  });

  describe('listing', () => {
    it('lists newest first, and filters by submitter', async () => {
      const submitted = [];
      for (let i = 1; i <= 3; i++) {
        submitted.push(
          await writer.accepted({ sql: `SELECT ${i} AS listed`, name: `listed-${i}` }),
        );
      }
      const newestFirst = submitted.map((j) => j.id).reverse();
      const all = await admin.list({ pageSize: 3 });
      expect(all.status).toBe(200);
      expect(all.body.jobs.map((j: any) => j.id)).toEqual(newestFirst);
      expect(typeof all.body.nextPageToken).toBe('string');

      const mine = await writer.listAll({ submittedBy: 'writer-client' });
      expect(mine.jobs.slice(0, 3).map((j) => j.id)).toEqual(newestFirst);
      expect(new Set(mine.jobs.map((j) => j.submittedBy))).toEqual(new Set(['writer-client']));
      const theirs = await reader.listAll({ submittedBy: 'service' });
      expect(theirs.jobs.length).toBeGreaterThan(10);
      expect(new Set(theirs.jobs.map((j) => j.submittedBy))).toEqual(new Set(['service']));
      expect((await admin.list({ submittedBy: 'nobody-at-all' })).body).toEqual({ jobs: [] });
      for (const job of submitted) await admin.waitForJob(job.id, isTerminal);
    });

    it('walks every job exactly once with pageSize and pageToken, on both transports', async () => {
      const everything = await admin.listAll({}, 500);
      const ids = everything.jobs.map((j) => j.id);
      expect(ids.length).toBeGreaterThan(20);
      expect(ids.length).toBeLessThan(500);
      expect(new Set(ids).size).toBe(ids.length);
      const submittedAt = everything.jobs.map((j) => Date.parse(j.submittedAt));
      expect(submittedAt).toEqual([...submittedAt].sort((a, b) => b - a));

      const paged = await admin.listAll({}, 7);
      expect(paged.jobs.map((j) => j.id)).toEqual(ids);
      expect(paged.pages).toBe(Math.ceil(ids.length / 7));

      const grpcIds: string[] = [];
      let pageToken = '';
      let pages = 0;
      do {
        const page = await grpcAdmin.jobs('ListJobs', { pageSize: 7, pageToken });
        expect(page.code).toBe(status.OK);
        expect(page.response.jobs.length).toBeLessThanOrEqual(7);
        grpcIds.push(...page.response.jobs.map((j: any) => j.id));
        pageToken = page.response.nextPageToken;
        pages++;
      } while (pageToken && pages < 1000);
      expect(grpcIds).toEqual(ids);
    });

    it('filters by state and kind, each filter a subset of the whole list', async () => {
      const everything = (await admin.listAll()).jobs;
      // Every job of this suite has finished by now.
      expect(everything.filter((j) => !isTerminal(j))).toEqual([]);
      for (const state of ['queued', 'running', 'succeeded', 'failed', 'cancelled']) {
        const filtered = await reader.listAll({ state }, 9);
        expect(filtered.jobs.map((j) => j.id)).toEqual(
          everything.filter((j) => j.state === state).map((j) => j.id),
        );
      }
      expect((await admin.listAll({ state: 'failed' })).jobs.length).toBeGreaterThanOrEqual(3);
      expect((await admin.listAll({ state: 'cancelled' })).jobs.length).toBeGreaterThanOrEqual(3);
      expect((await admin.listAll({ kind: 'batch' }, 11)).jobs).toEqual(everything);
      expect((await admin.list({ kind: 'streaming' })).body).toEqual({ jobs: [] });
      const both = await admin.listAll({ state: 'succeeded', submittedBy: 'writer-client' }, 2);
      expect(both.jobs.map((j) => j.id)).toEqual(
        everything
          .filter((j) => j.state === 'succeeded' && j.submittedBy === 'writer-client')
          .map((j) => j.id),
      );
    });

    it('refuses a pageToken issued for another filter (400 / INVALID_ARGUMENT)', async () => {
      const first = await admin.list({ state: 'succeeded', pageSize: 2 });
      const token = first.body.nextPageToken;
      expect(typeof token).toBe('string');
      expect((await admin.list({ state: 'succeeded', pageSize: 2, pageToken: token })).status).toBe(
        200,
      );
      const others: Record<string, string>[] = [
        { state: 'failed' },
        {},
        { submittedBy: 'service', state: 'succeeded' },
        { kind: 'batch', state: 'succeeded' },
      ];
      for (const other of others) {
        const answer = await admin.list({ ...other, pageSize: 2, pageToken: token });
        expectErrorBody(answer, 400);
        expect(answer.body.message).toMatch(/pageToken/);
      }
      const grpc = await grpcAdmin.jobs('ListJobs', { state: 'failed', pageToken: token });
      expect(grpc.code).toBe(status.INVALID_ARGUMENT);
    });
  });

  describe('metrics', () => {
    it('counts jobs by state, slots and run times', async () => {
      const running = await startEndless();
      const busy = await scrape(coordinator.httpUrl);
      expect(metricValue(busy, 'krishiv_jobs', { state: 'running' })).toBe(1);
      expect(metricValue(busy, 'krishiv_executor_slots', { status: 'busy' })).toBe(1);
      expect(metricValue(busy, 'krishiv_executor_slots', { status: 'free' })).toBe(1);
      expect((await admin.cancel(running.id)).status).toBe(200);

      const text = await scrape(coordinator.httpUrl);
      const jobs = (await admin.listAll()).jobs;
      const count = (state: string) => jobs.filter((j) => j.state === state).length;
      expect(
        Object.fromEntries(
          ['queued', 'running', 'succeeded', 'failed', 'cancelled'].map((s) => [
            s,
            metricValue(text, 'krishiv_jobs', { state: s }),
          ]),
        ),
      ).toEqual({
        queued: 0,
        running: 0,
        succeeded: count('succeeded'),
        failed: count('failed'),
        cancelled: count('cancelled'),
      });
      expect(metricValue(text, 'krishiv_executor_slots', { status: 'busy' })).toBe(0);
      expect(metricValue(text, 'krishiv_executor_slots', { status: 'free' })).toBe(2);
      // Every succeeded and failed job ran here; cancelled ones ran only when cancelled running.
      expect(metricValue(text, 'krishiv_job_duration_seconds_count', { state: 'succeeded' })).toBe(
        count('succeeded'),
      );
      expect(metricValue(text, 'krishiv_job_duration_seconds_count', { state: 'failed' })).toBe(
        count('failed'),
      );
      expect(
        metricValue(text, 'krishiv_job_duration_seconds_count', { state: 'cancelled' }),
      ).toBeGreaterThanOrEqual(3);
      expect(
        metricValue(text, 'krishiv_job_duration_seconds_bucket', {
          state: 'succeeded',
          le: '+Inf',
        }),
      ).toBe(count('succeeded'));
    });
  });

  it('never logs a token', () => {
    expectNoSecretsIn(coordinator.logs(), secrets);
  });
});

describe('executors: drain, resume, remove', () => {
  let coordinator: Coordinator;
  const token = randomBytes(32).toString('base64url');
  let admin: RestApi;
  let grpcAdmin: GrpcApi;
  const toStop = new Set<string>();

  beforeAll(async () => {
    coordinator = await startCoordinator({
      env: {
        KRISHIV_COORDINATOR_BEARER_TOKEN: token,
        KRISHIV_EXECUTORS: '1',
        KRISHIV_EXECUTOR_SLOTS: '2',
        KRISHIV_LOG_LEVEL: 'info',
      },
    });
    admin = new RestApi(coordinator.httpUrl, token);
    grpcAdmin = new GrpcApi(coordinator.grpcAddress, token);
  });

  afterEach(async () => {
    for (const id of toStop) {
      await admin.cancel(id);
      toStop.delete(id);
    }
  });

  afterAll(async () => {
    closeGrpcClients();
    await coordinator?.stop();
  });

  it('lists the configured executors on both transports', async () => {
    const rest = await admin.call('GET', '/api/v1/executors');
    expect(rest.status).toBe(200);
    expect(rest.body).toEqual({
      executors: [
        {
          id: 'executor-1',
          state: 'active',
          slots: 2,
          runningJobs: 0,
          lastHeartbeatAt: expect.stringMatching(RFC3339),
          host: expect.stringMatching(/\S/),
        },
      ],
    });
    const one = await admin.executor('executor-1');
    expect(one.body).toMatchObject({ id: 'executor-1', state: 'active', slots: 2 });
    const grpc = await grpcAdmin.executors('ListExecutors', {});
    expect(grpc.code).toBe(status.OK);
    expect(grpc.response.executors).toEqual([
      expect.objectContaining({ id: 'executor-1', state: 'active', slots: 2, runningJobs: 0 }),
    ]);
    const missing = await admin.executor('executor-9');
    expectErrorBody(missing, 404);
    const grpcMissing = await grpcAdmin.executors('GetExecutor', { id: 'executor-9' });
    expect({ code: grpcMissing.code, message: grpcMissing.message }).toEqual({
      code: status.NOT_FOUND,
      message: missing.body.message,
    });
    for (const action of ['drain', 'resume', 'remove'] as const) {
      expectErrorBody(await admin.executor('executor-9', action), 404);
    }
  });

  it('drains: the running job finishes, new jobs wait until resume, then run', async () => {
    const running = await admin.accepted({ sql: CANCELLABLE_SQL, name: 'finishes during drain' });
    toStop.add(running.id);
    await admin.waitForJob(running.id, (j) => j.state === 'running');

    const drain = await admin.executor('executor-1', 'drain');
    expect(drain.status).toBe(200);
    expect(drain.body).toMatchObject({ id: 'executor-1', state: 'draining', runningJobs: 1 });
    const slots = await scrape(coordinator.httpUrl);
    expect(metricValue(slots, 'krishiv_executor_slots', { status: 'free' })).toBe(0);
    const waiting = await admin.accepted({ sql: 'SELECT 11 AS after_resume' });

    const { job: finished } = await admin.waitForJob(running.id, isTerminal, 30_000);
    expect(finished.state).toBe('succeeded');
    const drained = await until(
      'executor drained',
      () => admin.executor('executor-1'),
      (e) => e.body.state === 'drained',
      5_000,
    );
    expect(drained.body).toMatchObject({ state: 'drained', runningJobs: 0 });
    // Longer than a scheduler tick and the slot-freed pass: a drained executor takes nothing.
    await holdsFor(
      'job waits while drained',
      () => admin.current(waiting.id),
      (j) => j.state === 'queued',
      1_500,
    );
    // Draining again changes nothing.
    expect((await admin.executor('executor-1', 'drain')).body.state).toBe('drained');

    const resume = await grpcAdmin.executors('ResumeExecutor', { id: 'executor-1' });
    expect(resume.code).toBe(status.OK);
    expect(resume.response).toMatchObject({ id: 'executor-1', state: 'active' });
    const { job: ran } = await admin.waitForJob(waiting.id, isTerminal, 10_000);
    expect(ran).toMatchObject({ state: 'succeeded', executorId: 'executor-1' });
    expect(Date.parse(ran.startedAt)).toBeGreaterThan(Date.parse(finished.finishedAt));
    expect((await admin.result(waiting.id)).body.rows).toEqual([[11]]);
  });

  it('drains an idle executor at once (gRPC) and resumes it (REST)', async () => {
    const drain = await grpcAdmin.executors('DrainExecutor', { id: 'executor-1' });
    expect(drain.code).toBe(status.OK);
    expect(drain.response).toMatchObject({ state: 'drained', runningJobs: 0 });
    const resume = await admin.executor('executor-1', 'resume');
    expect(resume.status).toBe(200);
    expect(resume.body.state).toBe('active');
    // Resuming an active executor is harmless.
    expect((await admin.executor('executor-1', 'resume')).body.state).toBe('active');
  });

  it('removes: the running job fails naming the executor; a removed executor cannot be changed', async () => {
    const running = await admin.accepted({ sql: ENDLESS_SQL, name: 'lost with its executor' });
    toStop.add(running.id);
    await admin.waitForJob(running.id, (j) => j.state === 'running');
    await holdsFor(
      'job running',
      () => admin.current(running.id),
      (j) => j.state === 'running',
      250,
    );

    const started = performance.now();
    const removed = await admin.executor('executor-1', 'remove');
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ id: 'executor-1', state: 'removed' });
    const { job: failed } = await admin.waitForJob(running.id, isTerminal, 5_000);
    console.log(
      `job on a removed executor ended after ${(performance.now() - started).toFixed(0)} ms`,
    );
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/executor executor-1 was removed by service/);
    expect(failed.cancelledBy).toBeUndefined();

    expect((await admin.executor('executor-1')).body.state).toBe('removed');
    for (const action of ['drain', 'resume', 'remove'] as const) {
      const answer = await admin.executor('executor-1', action);
      expectErrorBody(answer, 409);
      expect(answer.body.message).toMatch(/removed/);
    }
    for (const method of ['DrainExecutor', 'ResumeExecutor', 'RemoveExecutor']) {
      const outcome = await grpcAdmin.executors(method, { id: 'executor-1' });
      expect({ method, code: outcome.code }).toEqual({
        method,
        code: status.FAILED_PRECONDITION,
      });
    }
    // With no executor left, a new job is accepted and waits.
    const waiting = await admin.accepted({ sql: 'SELECT 12' });
    await holdsFor(
      'job waits',
      () => admin.current(waiting.id),
      (j) => j.state === 'queued',
      1_200,
    );
    const text = await scrape(coordinator.httpUrl);
    expect(metricValue(text, 'krishiv_executor_slots', { status: 'free' })).toBe(0);
  });
});

describe('a thousand jobs', () => {
  let coordinator: Coordinator;
  const token = randomBytes(32).toString('base64url');

  beforeAll(async () => {
    coordinator = await startCoordinator({
      env: {
        KRISHIV_COORDINATOR_BEARER_TOKEN: token,
        KRISHIV_EXECUTOR_SLOTS: '4',
        KRISHIV_LOG_LEVEL: 'warn',
      },
    });
  });

  afterAll(async () => {
    await coordinator?.stop();
  });

  it('accepts 1,000 submits from 20 concurrent clients and runs every one to succeeded', async () => {
    const admin = new RestApi(coordinator.httpUrl, token);
    const total = 1000;
    const started = performance.now();
    const submitted = await mapConcurrently(
      Array.from({ length: total }, (_, i) => i),
      20,
      async (i) => {
        const answer = await admin.submit({ sql: `SELECT ${i} AS n`, name: `bulk-${i}` });
        return { i, status: answer.status, id: answer.body?.id as string };
      },
    );
    const submitMs = performance.now() - started;
    expect(submitted.filter((s) => s.status !== 202)).toEqual([]);

    const finished = await until(
      'all jobs finished',
      () => scrape(coordinator.httpUrl),
      (text) =>
        metricValue(text, 'krishiv_jobs', { state: 'queued' }) === 0 &&
        metricValue(text, 'krishiv_jobs', { state: 'running' }) === 0,
      45_000,
      100,
    );
    const totalMs = performance.now() - started;
    console.log(
      `${total} jobs: submitted in ${submitMs.toFixed(0)} ms ` +
        `(${((total * 1000) / submitMs).toFixed(0)} submits/s at concurrency 20), ` +
        `all finished ${totalMs.toFixed(0)} ms after the first submit ` +
        `(${((total * 1000) / totalMs).toFixed(0)} jobs/s end to end, 4 slots)`,
    );
    expect(metricValue(finished, 'krishiv_jobs', { state: 'succeeded' })).toBe(total);

    const { jobs } = await admin.listAll();
    expect(jobs).toHaveLength(total);
    expect(new Set(jobs.map((j) => j.id))).toEqual(new Set(submitted.map((s) => s.id)));
    expect(jobs.filter((j) => j.state !== 'succeeded')).toEqual([]);
    for (const { i, id } of [submitted[0], submitted[499], submitted[total - 1]]) {
      expect((await admin.result(id)).body.rows).toEqual([[i]]);
    }
  });
});

describe('restart after SIGKILL', () => {
  const token = randomBytes(32).toString('base64url');
  const env = { KRISHIV_COORDINATOR_BEARER_TOKEN: token, KRISHIV_LOG_LEVEL: 'info' };
  let dataDir: string;
  let coordinator: Coordinator | undefined;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'krishiv-jobs-kill-'));
  });

  afterAll(async () => {
    closeGrpcClients();
    await coordinator?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every accepted job exactly once: running ones fail, queued ones run', async () => {
    const first = await startCoordinator({ env, dataDir });
    coordinator = first;
    const admin = new RestApi(first.httpUrl, token);
    const grpcAdmin = new GrpcApi(first.grpcAddress, token);

    const runningIds = [
      (await admin.accepted({ sql: ENDLESS_SQL, name: 'running-rest' })).id,
      (await grpcAdmin.jobs('SubmitJob', { sql: ENDLESS_SQL, name: 'running-grpc' })).response.id,
    ];
    for (const id of runningIds) await admin.waitForJob(id, (j) => j.state === 'running');
    const key = `after-restart-${randomUUID()}`;
    const queued = [
      await admin.accepted({ sql: 'SELECT 21 AS n', name: 'queued-1' }, key),
      await admin.accepted({ sql: 'SELECT 22 AS n', name: 'queued-2' }),
      (await grpcAdmin.jobs('SubmitJob', { sql: 'SELECT 23 AS n', name: 'queued-3' })).response,
    ];
    for (const job of queued) expect((await admin.current(job.id)).state).toBe('queued');

    const exited = new Promise((resolve) => first.process.once('exit', resolve));
    first.process.kill('SIGKILL');
    await exited;
    closeGrpcClients();

    const second = await startCoordinator({ env, dataDir });
    coordinator = second;
    const again = new RestApi(second.httpUrl, token);
    const { jobs } = await again.listAll({}, 2);
    const accepted = [...runningIds, ...queued.map((j) => j.id)];
    expect(jobs.map((j) => j.id).sort()).toEqual([...accepted].sort());

    for (const id of runningIds) {
      const job = await again.current(id);
      expect(job).toMatchObject({
        state: 'failed',
        error: 'interrupted by coordinator restart',
        finishedAt: expect.stringMatching(RFC3339),
      });
    }
    for (const [i, job] of queued.entries()) {
      const { job: done } = await again.waitForJob(job.id, isTerminal, 15_000);
      expect(done).toMatchObject({ state: 'succeeded', name: `queued-${i + 1}` });
      expect((await again.result(job.id)).body.rows).toEqual([[21 + i]]);
    }
    // The idempotency key outlived the process too.
    const replay = await again.submit({ sql: 'SELECT 21 AS n', name: 'queued-1' }, key);
    expect(replay.status).toBe(202);
    expect(replay.body.id).toBe(queued[0].id);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await again.listAll()).jobs).toHaveLength(accepted.length);
  });
});

describe('retention', () => {
  const token = randomBytes(32).toString('base64url');
  const env = {
    KRISHIV_COORDINATOR_BEARER_TOKEN: token,
    KRISHIV_JOB_RETENTION_HOURS: '24',
    KRISHIV_LOG_LEVEL: 'info',
  };
  let dataDir: string;
  let coordinator: Coordinator | undefined;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'krishiv-jobs-retention-'));
  });

  afterAll(async () => {
    closeGrpcClients();
    await coordinator?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const resultFiles = (id: string) =>
    readdirSync(join(dataDir, 'results')).filter((name) => name.includes(id));

  /** Moves a job's timestamps back, as if it had finished `hours` ago. */
  /**
   * Moves jobs' timestamps into the past, in a child process: better-sqlite3 is a native addon,
   * and loading it into this test process as well as into a later suite's module registry leaves
   * that suite's copy broken (constraint errors go unreported).
   */
  function age(dbPath: string, hoursById: Record<string, number>): void {
    const script = `
      const Database = require('better-sqlite3');
      const [path, json] = process.argv.slice(1);
      const db = new Database(path);
      for (const [id, hours] of Object.entries(JSON.parse(json))) {
        const shift = (iso) => new Date(Date.parse(iso) - hours * 3600000).toISOString();
        const row = db.prepare('SELECT submitted_at, started_at, finished_at FROM jobs WHERE id = ?').get(id);
        const changed = db
          .prepare('UPDATE jobs SET submitted_at = ?, started_at = ?, finished_at = ? WHERE id = ?')
          .run(shift(row.submitted_at), shift(row.started_at), shift(row.finished_at), id);
        if (changed.changes !== 1) throw new Error('job ' + id + ' was not aged');
      }
      db.close();
    `;
    execFileSync(process.execPath, ['-e', script, dbPath, JSON.stringify(hoursById)], {
      cwd: REPO_ROOT,
    });
  }

  it('expires finished jobs older than the retention at start-up: 404 with the reason, result removed', async () => {
    const first = await startCoordinator({ env, dataDir });
    coordinator = first;
    let admin = new RestApi(first.httpUrl, token);
    const ids: Record<'old' | 'recent' | 'fresh', string> = { old: '', recent: '', fresh: '' };
    for (const name of ['old', 'recent', 'fresh'] as const) {
      const job = await admin.accepted({ sql: `SELECT '${name}' AS age`, name });
      await admin.waitForJob(job.id, isTerminal);
      ids[name] = job.id;
      expect(resultFiles(job.id)).toHaveLength(1);
    }
    await first.stop();

    age(join(dataDir, 'metadata.sqlite'), { [ids.old]: 200, [ids.recent]: 20 });

    const second = await startCoordinator({ env, dataDir });
    coordinator = second;
    admin = new RestApi(second.httpUrl, token);
    const gone = await until(
      'old job expired',
      () => admin.job(ids.old),
      (a) => a.status !== 200,
      10_000,
    );
    expectErrorBody(gone, 404);
    expect(gone.body.message).toMatch(/24 h/);
    expect(gone.body.message).toMatch(/removed/);
    expect(gone.body.message).toContain(ids.old);
    expectErrorBody(await admin.result(ids.old), 404);
    expectErrorBody(await admin.cancel(ids.old), 404);
    const grpc = await new GrpcApi(second.grpcAddress, token).jobs('GetJob', { id: ids.old });
    expect({ code: grpc.code, message: grpc.message }).toEqual({
      code: status.NOT_FOUND,
      message: gone.body.message,
    });
    expect(resultFiles(ids.old)).toEqual([]);

    const { jobs } = await admin.listAll();
    expect(jobs.map((j) => j.name).sort()).toEqual(['fresh', 'recent']);
    for (const name of ['recent', 'fresh'] as const) {
      expect((await admin.current(ids[name])).state).toBe('succeeded');
      expect((await admin.result(ids[name])).body.rows).toEqual([[name]]);
      expect(resultFiles(ids[name])).toHaveLength(1);
    }
    const text = await scrape(second.httpUrl);
    expect(metricValue(text, 'krishiv_jobs', { state: 'succeeded' })).toBe(2);
  });

  it('refuses a retention below one hour at start-up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'krishiv-jobs-retention-bad-'));
    try {
      const outcome = await runCoordinatorExpectingExit({
        KRISHIV_DATA_DIR: dir,
        KRISHIV_HTTP_ADDR: '127.0.0.1:0',
        KRISHIV_GRPC_ADDR: '127.0.0.1:0',
        KRISHIV_COORDINATOR_BEARER_TOKEN: token,
        KRISHIV_JOB_RETENTION_HOURS: '0',
      });
      expect(outcome.code).not.toBe(0);
      expect(outcome.stderr + outcome.stdout).toMatch(/KRISHIV_JOB_RETENTION_HOURS/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
