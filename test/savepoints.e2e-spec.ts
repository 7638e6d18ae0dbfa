import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { status } from '@grpc/grpc-js';
import { closeGrpcClients } from './support/grpc';
import { holdsFor, RestApi, RFC3339, until } from './support/jobs';
import { expectNoSecretsIn } from './support/secrets';
import {
  appendRecords,
  batchRows,
  createStream,
  Deployment,
  expectStatus,
  sinkRows,
  streamHead,
  submitStreaming,
  tableExists,
  waitCaughtUp,
  waitSavepoint,
} from './support/streaming';

const ORDER_COLUMNS = [
  { name: 'id', type: 'INTEGER' },
  { name: 'g', type: 'VARCHAR' },
  { name: 'v', type: 'INTEGER' },
  { name: 'amount', type: 'DECIMAL(10,2)' },
];

const TOTALS_SQL = `SELECT g, count(*) AS n, count(v) AS nv, sum(v) AS total, sum(amount) AS amount_total,
  min(v) AS lo, max(v) AS hi, avg(v) AS mean FROM orders GROUP BY g`;
const TOTALS_COLUMNS = ['g', 'n', 'nv', 'total', 'amount_total', 'lo', 'hi', 'mean'];

let nextId = 1;
/** Deterministic records: four groups (one NULL), small values, a NULL every so often. */
function orders(count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, () => {
    const id = nextId++;
    return {
      id,
      g: id % 11 === 0 ? null : ['north', 'south', 'east'][id % 3],
      v: id % 7 === 0 ? null : ((id * 37) % 19) - 9,
      amount: id % 13 === 0 ? null : `${(id * 7919) % 1000}.${String(id % 100).padStart(2, '0')}`,
    };
  });
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('savepoints of streaming jobs', () => {
  const deployment = new Deployment('savepoints');
  let admin: RestApi;
  let reader: RestApi;
  /** Jobs a test leaves running, cancelled after it so executor slots stay free. */
  const toCancel = new Set<string>();

  beforeAll(async () => {
    await deployment.start();
    admin = deployment.admin;
    reader = deployment.reader;
    await createStream(admin, 'orders', ORDER_COLUMNS);
    await appendRecords(admin, 'orders', orders(120));
  });

  afterEach(async () => {
    for (const id of toCancel) await admin.cancel(id);
    toCancel.clear();
  });

  afterAll(async () => {
    closeGrpcClients();
    const logs = await deployment.dispose();
    expectNoSecretsIn(logs, [deployment.adminToken, deployment.readerToken]);
  });

  async function totalsJob(sink: string): Promise<any> {
    const job = await submitStreaming(admin, { sql: TOTALS_SQL, sink, name: `totals ${sink}` });
    toCancel.add(job.id);
    await waitCaughtUp(admin, job.id, await streamHead(admin, 'orders'));
    return job;
  }

  function trigger(jobId: string, body: object = {}, api = admin) {
    return api.call('POST', `/api/v1/jobs/${encodeURIComponent(jobId)}/savepoints`, { body });
  }

  async function takeSavepoint(jobId: string, body: object = {}): Promise<any> {
    const pending = expectStatus(await trigger(jobId, body), 202);
    const done = await waitSavepoint(admin, pending.id);
    if (done.state !== 'completed') throw new Error(`savepoint failed: ${JSON.stringify(done)}`);
    return done;
  }

  function restore(savepointId: string, body: object = {}, api = admin) {
    return api.call('POST', `/api/v1/savepoints/${encodeURIComponent(savepointId)}/restore`, {
      body,
    });
  }

  async function expectTotalsEqualBatch(sink: string): Promise<void> {
    expect(await sinkRows(admin, sink, TOTALS_COLUMNS)).toEqual(await batchRows(admin, TOTALS_SQL));
  }

  describe('taking one', () => {
    it('completes for a running aggregate job, with offsets, a location and a checksummed manifest', async () => {
      const job = await totalsJob('totals_a');
      const head = await streamHead(admin, 'orders');
      const answer = await trigger(job.id, { label: 'before the migration' });
      expect(answer.status).toBe(202);
      expect(answer.body).toMatchObject({
        jobId: job.id,
        state: 'pending',
        label: 'before the migration',
      });
      expect(answer.body.createdAt).toMatch(RFC3339);

      const done = await waitSavepoint(admin, answer.body.id);
      const location = join(deployment.dataDir, 'savepoints', job.id, answer.body.id);
      expect(done).toMatchObject({
        id: answer.body.id,
        jobId: job.id,
        state: 'completed',
        label: 'before the migration',
        offsets: { orders: head },
        location,
      });
      expect(done.completedAt).toMatch(RFC3339);
      expect(done.error).toBeUndefined();

      expect(readdirSync(location).sort()).toEqual(['manifest.json', 'state.parquet']);
      const manifest = JSON.parse(readFileSync(join(location, 'manifest.json'), 'utf8'));
      expect(manifest).toMatchObject({
        savepointId: done.id,
        offsets: { orders: head },
        job: { id: job.id, sql: TOTALS_SQL, sink: 'totals_a' },
      });
      expect(manifest.files).toEqual([
        {
          name: 'state.parquet',
          rows: expect.any(Number),
          sha256: sha256(join(location, 'state.parquet')),
        },
      ]);
      expect(manifest.files[0].rows).toBe(4);

      const listed = expectStatus(
        await admin.call('GET', `/api/v1/jobs/${job.id}/savepoints`),
        200,
      );
      expect(listed.savepoints).toEqual([done]);
      const grpc = await deployment.grpc.jobs('GetSavepoint', { id: done.id });
      expect(grpc.code).toBe(status.OK);
      expect(grpc.response).toMatchObject({
        id: done.id,
        jobId: job.id,
        state: 'completed',
        location,
        offsets: { orders: String(head) },
        label: 'before the migration',
      });
      const grpcList = await deployment.grpc.jobs('ListSavepoints', { jobId: job.id });
      expect(grpcList.response.savepoints.map((s: any) => s.id)).toEqual([done.id]);
    });

    it('returns the same savepoint for a retried requestId (REST and gRPC share the key)', async () => {
      const job = await totalsJob('totals_retry');
      const first = expectStatus(await trigger(job.id, { requestId: 'nightly-1' }), 202);
      const again = expectStatus(await trigger(job.id, { requestId: 'nightly-1' }), 202);
      expect(again.id).toBe(first.id);
      const concurrent = await Promise.all(
        Array.from({ length: 4 }, () => trigger(job.id, { requestId: 'nightly-2' })),
      );
      expect(new Set(concurrent.map((a) => expectStatus(a, 202).id)).size).toBe(1);

      const grpc = deployment.grpc;
      const viaGrpc = await grpc.jobs('TriggerSavepoint', {
        jobId: job.id,
        requestId: 'nightly-3',
      });
      expect(viaGrpc.code).toBe(status.OK);
      const grpcAgain = await grpc.jobs('TriggerSavepoint', {
        jobId: job.id,
        requestId: 'nightly-3',
      });
      expect(grpcAgain.response.id).toBe(viaGrpc.response.id);
      const crossed = await grpc.jobs('TriggerSavepoint', {
        jobId: job.id,
        requestId: 'nightly-1',
      });
      expect(crossed.response.id).toBe(first.id);

      await waitSavepoint(admin, first.id);
      await waitSavepoint(admin, viaGrpc.response.id);
      const listed = expectStatus(
        await admin.call('GET', `/api/v1/jobs/${job.id}/savepoints`),
        200,
      );
      expect(listed.savepoints).toHaveLength(3);
      expect(listed.savepoints.every((s: any) => s.state === 'completed')).toBe(true);
    });

    it('refuses a batch job (409), a finished job (409) and an unknown job (404), on both transports', async () => {
      const batch = await admin.accepted({ sql: 'SELECT 1' });
      await admin.waitForJob(batch.id, (j) => j.state === 'succeeded');
      const batchAnswer = await trigger(batch.id);
      expect(batchAnswer.status).toBe(409);
      expect(batchAnswer.body.message).toMatch(/batch/);

      const finished = await submitStreaming(admin, {
        sql: 'SELECT id FROM orders',
        sink: 'finished_sink',
      });
      await waitCaughtUp(admin, finished.id, await streamHead(admin, 'orders'));
      expectStatus(await admin.cancel(finished.id), 200);
      const finishedAnswer = await trigger(finished.id);
      expect(finishedAnswer.status).toBe(409);
      expect(finishedAnswer.body.message).toMatch(/cancelled/);

      expect((await trigger('00000000-0000-4000-8000-000000000000')).status).toBe(404);
      expect((await admin.call('GET', '/api/v1/jobs/no-such-job/savepoints')).status).toBe(404);

      const grpc = deployment.grpc;
      expect((await grpc.jobs('TriggerSavepoint', { jobId: batch.id })).code).toBe(
        status.FAILED_PRECONDITION,
      );
      expect((await grpc.jobs('TriggerSavepoint', { jobId: finished.id })).code).toBe(
        status.FAILED_PRECONDITION,
      );
      expect((await grpc.jobs('TriggerSavepoint', { jobId: 'no-such-job' })).code).toBe(
        status.NOT_FOUND,
      );
      expect(
        expectStatus(await admin.call('GET', `/api/v1/jobs/${finished.id}/savepoints`), 200),
      ).toEqual({ savepoints: [] });
    });

    it('refuses malformed trigger and restore requests (400)', async () => {
      const job = await totalsJob('totals_invalid');
      for (const body of [
        { stop: 'yes' },
        { label: 'x'.repeat(201) },
        { requestId: 'r'.repeat(256) },
      ]) {
        const answer = await trigger(job.id, body);
        expect({ body: Object.keys(body), status: answer.status }).toEqual({
          body: Object.keys(body),
          status: 400,
        });
      }
      const savepoint = await takeSavepoint(job.id);
      expect(
        (await restore(savepoint.id, { name: 'n'.repeat(201), sink: 'fresh_sink' })).status,
      ).toBe(400);
      expect((await restore(savepoint.id, { sink: '9lives' })).status).toBe(400);
      expect(await tableExists(admin, 'fresh_sink')).toBe(false);
    });
  });

  describe('stop-with-savepoint and restore', () => {
    it('stops the job; later records stay out of the old sink; restores into the same sink and another one', async () => {
      const job = await totalsJob('totals_b');
      const savedRows = await sinkRows(admin, 'totals_b', TOTALS_COLUMNS);
      const savepoint = await takeSavepoint(job.id, { stop: true, label: 'upgrade' });
      const ended = await admin.waitForJob(job.id, (j) => j.state !== 'running');
      toCancel.delete(job.id);
      expect(ended.job.state).toBe('cancelled');
      const savedOffset = savepoint.offsets.orders;
      expect(savedOffset).toBe(await streamHead(admin, 'orders'));

      await appendRecords(admin, 'orders', orders(40));
      await appendRecords(admin, 'orders', orders(3));
      await holdsFor(
        'the stopped job folds nothing',
        () => sinkRows(admin, 'totals_b', TOTALS_COLUMNS),
        (rows) => JSON.stringify(rows) === JSON.stringify(savedRows),
        600,
      );
      expect((await admin.current(job.id)).offset).toBe(savedOffset);

      // Into another sink: the old one stays as it was.
      const copy = expectStatus(
        await restore(savepoint.id, { sink: 'totals_b_copy', name: 'copy' }),
        202,
      );
      toCancel.add(copy.id);
      expect(copy).toMatchObject({
        kind: 'streaming',
        sink: 'totals_b_copy',
        name: 'copy',
        restoredFrom: savepoint.id,
        sql: TOTALS_SQL,
      });
      let head = await streamHead(admin, 'orders');
      await waitCaughtUp(admin, copy.id, head);
      await expectTotalsEqualBatch('totals_b_copy');
      expect(await sinkRows(admin, 'totals_b', TOTALS_COLUMNS)).toEqual(savedRows);

      // Into the same sink: resumes at the saved offset, losing and repeating nothing.
      const resumed = expectStatus(await restore(savepoint.id), 202);
      toCancel.add(resumed.id);
      expect(resumed).toMatchObject({ sink: 'totals_b', restoredFrom: savepoint.id });
      // It starts at the saved offset (or has already folded what came after it).
      expect([savedOffset, head]).toContain((await admin.current(resumed.id)).offset);
      await appendRecords(admin, 'orders', orders(25));
      head = await streamHead(admin, 'orders');
      const view = await waitCaughtUp(admin, resumed.id, head);
      await expectTotalsEqualBatch('totals_b');
      expect(view.recordsProcessed).toBe(head);
      await waitCaughtUp(admin, copy.id, head);
      await expectTotalsEqualBatch('totals_b_copy');

      // Now a running job owns the sink: a second restore into it is refused on both transports.
      const owned = await restore(savepoint.id);
      expect(owned.status).toBe(409);
      expect(owned.body.message).toMatch(/totals_b/);
      const grpcOwned = await deployment.grpc.jobs('RestoreJob', { savepointId: savepoint.id });
      expect(grpcOwned.code).toBe(status.FAILED_PRECONDITION);
      // And a table that is no job's sink is never overwritten.
      expect((await restore(savepoint.id, { sink: 'orders' })).status).toBe(409);
      expect((await restore(savepoint.id, { sink: 'bad name' })).status).toBe(400);
    });

    it('restores over gRPC from a savepoint of a job that keeps running', async () => {
      const job = await totalsJob('totals_c');
      const savepoint = await takeSavepoint(job.id);
      await appendRecords(admin, 'orders', orders(10));
      const restored = await deployment.grpc.jobs('RestoreJob', {
        savepointId: savepoint.id,
        sink: 'totals_c_branch',
        name: 'branch',
      });
      expect(restored.code).toBe(status.OK);
      toCancel.add(restored.response.id);
      expect(restored.response).toMatchObject({
        kind: 'streaming',
        sink: 'totals_c_branch',
        restoredFrom: savepoint.id,
        name: 'branch',
      });
      const head = await streamHead(admin, 'orders');
      await waitCaughtUp(admin, restored.response.id, head);
      await waitCaughtUp(admin, job.id, head);
      await expectTotalsEqualBatch('totals_c_branch');
      await expectTotalsEqualBatch('totals_c');
    });

    it('gives one of several concurrent restores into one new sink a job and the others 409', async () => {
      const job = await totalsJob('totals_d');
      const savepoint = await takeSavepoint(job.id, { stop: true });
      await admin.waitForJob(job.id, (j) => j.state === 'cancelled');
      toCancel.delete(job.id);
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => restore(savepoint.id, { sink: 'totals_d_raced' })),
      );
      for (const answer of answers) if (answer.status === 202) toCancel.add(answer.body.id);
      const owners = (await admin.listAll({ kind: 'streaming' })).jobs.filter(
        (j) => j.sink === 'totals_d_raced',
      );
      expect({
        statuses: answers.map((a) => a.status).sort(),
        jobs: owners.length,
      }).toEqual({ statuses: [202, 409, 409, 409], jobs: 1 });
      await waitCaughtUp(admin, owners[0].id, await streamHead(admin, 'orders'));
      await expectTotalsEqualBatch('totals_d_raced');
    });
  });

  describe('exactness', () => {
    it('keeps sums beyond 64 bits, decimals and time buckets exact through stop, savepoint and restore', async () => {
      await createStream(admin, 'ledger', [
        { name: 'g', type: 'VARCHAR' },
        { name: 'big', type: 'BIGINT' },
        { name: 'amount', type: 'DECIMAL(18,4)' },
        { name: 'happened_at', type: 'TIMESTAMPTZ' },
      ]);
      const sql = `SELECT g, time_bucket(INTERVAL '1 minute', happened_at) AS minute, count(*) AS n,
        sum(big) AS big_total, sum(amount) AS amount_total, avg(big) AS big_mean,
        min(happened_at) AS first_at, max(amount) AS top FROM ledger
        GROUP BY g, time_bucket(INTERVAL '1 minute', happened_at)`;
      const columns = [
        'g',
        'minute',
        'n',
        'big_total',
        'amount_total',
        'big_mean',
        'first_at',
        'top',
      ];
      let k = 0;
      const entries = (count: number) =>
        Array.from({ length: count }, () => {
          k++;
          return {
            g: ['x', 'y'][k % 2],
            big: (4_611_686_018_427_387_000n + BigInt(k * 7919)).toString(),
            amount: `${k % 5 === 0 ? '-' : ''}${(k * 104_729) % 100_000_000}.${String(k % 10_000).padStart(4, '0')}`,
            happened_at: `2026-04-0${1 + (k % 2)}T08:0${k % 3}:${String(k % 60).padStart(2, '0')}.123456+02:00`,
          };
        });
      await appendRecords(admin, 'ledger', entries(9));
      const job = await submitStreaming(admin, { sql, sink: 'ledger_totals' });
      toCancel.add(job.id);
      await waitCaughtUp(admin, job.id, 9);
      const savepoint = await takeSavepoint(job.id, { stop: true });
      await admin.waitForJob(job.id, (j) => j.state === 'cancelled');
      toCancel.delete(job.id);
      await appendRecords(admin, 'ledger', entries(6));
      const restored = expectStatus(await restore(savepoint.id), 202);
      toCancel.add(restored.id);
      await waitCaughtUp(admin, restored.id, 15);
      const expected = await batchRows(admin, sql);
      expect(await sinkRows(admin, 'ledger_totals', columns)).toEqual(expected);
      // Each group sums several values near 2^62: past what 64 bits hold.
      const totals = expected.map((row) => JSON.parse(row)[3] as string);
      expect(totals.some((total) => BigInt(total) > 2n ** 63n)).toBe(true);
    });

    it("leaves nothing in the engine's staging folder, where no caller's SQL may write", async () => {
      const staging = join(deployment.dataDir, 'files', '_krishiv_staging');
      expect(readdirSync(staging)).toEqual([]);
      const written = await admin.call('POST', '/api/v1/query', {
        body: { sql: `COPY (SELECT 1 AS forged) TO '${staging}/state.parquet' (FORMAT parquet)` },
      });
      expect(written.status).toBe(403);
      expect(written.body.message).toMatch(/_krishiv_\* .*read-only/);
      expect(readdirSync(staging)).toEqual([]);
    });
  });

  describe('a damaged savepoint is refused before anything is created', () => {
    let job: any;

    beforeAll(async () => {
      job = await submitStreaming(admin, { sql: TOTALS_SQL, sink: 'totals_e' });
      await waitCaughtUp(admin, job.id, await streamHead(admin, 'orders'));
    });

    afterAll(async () => {
      await admin.cancel(job.id);
    });

    async function expectNothingCreated(sink: string, jobsBefore: number): Promise<void> {
      expect(await tableExists(admin, sink)).toBe(false);
      expect((await admin.listAll()).jobs.length).toBe(jobsBefore);
    }

    it('refuses a state file altered by one byte (409 naming the corruption)', async () => {
      const savepoint = await takeSavepoint(job.id);
      const file = join(savepoint.location, 'state.parquet');
      const bytes = readFileSync(file);
      bytes[Math.floor(bytes.length / 2)] ^= 0x01;
      writeFileSync(file, bytes);
      const jobsBefore = (await admin.listAll()).jobs.length;

      const answer = await restore(savepoint.id, { sink: 'totals_e_corrupt' });
      expect(answer.status).toBe(409);
      expect(answer.body.message).toMatch(/state\.parquet/);
      expect(answer.body.message).toMatch(/corrupt|checksum|sha-?256/i);
      const grpc = await deployment.grpc.jobs('RestoreJob', {
        savepointId: savepoint.id,
        sink: 'totals_e_corrupt',
      });
      expect({ code: grpc.code, message: grpc.message }).toEqual({
        code: status.FAILED_PRECONDITION,
        message: answer.body.message,
      });
      await expectNothingCreated('totals_e_corrupt', jobsBefore);
    });

    it('refuses a savepoint without its manifest (409) or without its state file (409)', async () => {
      const noManifest = await takeSavepoint(job.id);
      rmSync(join(noManifest.location, 'manifest.json'));
      const noState = await takeSavepoint(job.id);
      rmSync(join(noState.location, 'state.parquet'));
      const jobsBefore = (await admin.listAll()).jobs.length;

      const withoutManifest = await restore(noManifest.id, { sink: 'totals_e_nomanifest' });
      expect(withoutManifest.status).toBe(409);
      expect(withoutManifest.body.message).toMatch(/manifest/);
      const withoutState = await restore(noState.id, { sink: 'totals_e_nostate' });
      expect(withoutState.status).toBe(409);
      expect(withoutState.body.message).toMatch(/state\.parquet/);
      await expectNothingCreated('totals_e_nomanifest', jobsBefore);
      await expectNothingCreated('totals_e_nostate', jobsBefore);
    });

    it('answers 404 for an unknown savepoint on every call', async () => {
      const unknown = '00000000-0000-4000-8000-000000000000';
      expect((await restore(unknown)).status).toBe(404);
      expect((await admin.call('GET', `/api/v1/savepoints/${unknown}`)).status).toBe(404);
      expect((await admin.call('DELETE', `/api/v1/savepoints/${unknown}`)).status).toBe(404);
      const grpc = deployment.grpc;
      expect((await grpc.jobs('RestoreJob', { savepointId: unknown })).code).toBe(status.NOT_FOUND);
      expect((await grpc.jobs('GetSavepoint', { id: unknown })).code).toBe(status.NOT_FOUND);
      expect((await grpc.jobs('DeleteSavepoint', { id: unknown })).code).toBe(status.NOT_FOUND);
    });

    it('DELETE removes the savepoint and its directory (REST and gRPC)', async () => {
      const first = await takeSavepoint(job.id);
      expect(existsSync(first.location)).toBe(true);
      const deleted = expectStatus(
        await admin.call('DELETE', `/api/v1/savepoints/${first.id}`),
        200,
      );
      expect(deleted.id).toBe(first.id);
      expect(existsSync(first.location)).toBe(false);
      expect((await admin.call('GET', `/api/v1/savepoints/${first.id}`)).status).toBe(404);
      expect((await restore(first.id)).status).toBe(404);
      const listed = expectStatus(
        await admin.call('GET', `/api/v1/jobs/${job.id}/savepoints`),
        200,
      );
      expect(listed.savepoints.map((s: any) => s.id)).not.toContain(first.id);

      const second = await takeSavepoint(job.id);
      const grpc = await deployment.grpc.jobs('DeleteSavepoint', { id: second.id });
      expect(grpc.code).toBe(status.OK);
      expect(existsSync(second.location)).toBe(false);
      expect((await deployment.grpc.jobs('GetSavepoint', { id: second.id })).code).toBe(
        status.NOT_FOUND,
      );
    });

    it('lets a reader read savepoints but not trigger, delete or restore them (403, before any lookup)', async () => {
      const savepoint = await takeSavepoint(job.id);
      expect((await reader.call('GET', `/api/v1/jobs/${job.id}/savepoints`)).status).toBe(200);
      expect(
        expectStatus(await reader.call('GET', `/api/v1/savepoints/${savepoint.id}`), 200),
      ).toEqual(savepoint);
      const unknown = '00000000-0000-4000-8000-000000000000';
      for (const [what, answer] of [
        ['trigger', await trigger(job.id, {}, reader)],
        ['trigger unknown', await trigger(unknown, {}, reader)],
        ['delete', await reader.call('DELETE', `/api/v1/savepoints/${savepoint.id}`)],
        ['delete unknown', await reader.call('DELETE', `/api/v1/savepoints/${unknown}`)],
        ['restore', await restore(savepoint.id, { sink: 'reader_sink' }, reader)],
        ['restore unknown', await restore(unknown, {}, reader)],
      ] as const) {
        expect({ what, status: answer.status, role: answer.body?.requiredRole }).toEqual({
          what,
          status: 403,
          role: 'admin',
        });
      }
      const grpc = deployment.readerGrpc;
      expect((await grpc.jobs('ListSavepoints', { jobId: job.id })).code).toBe(status.OK);
      expect((await grpc.jobs('GetSavepoint', { id: savepoint.id })).code).toBe(status.OK);
      expect((await grpc.jobs('TriggerSavepoint', { jobId: job.id })).code).toBe(
        status.PERMISSION_DENIED,
      );
      expect((await grpc.jobs('DeleteSavepoint', { id: savepoint.id })).code).toBe(
        status.PERMISSION_DENIED,
      );
      expect((await grpc.jobs('RestoreJob', { savepointId: savepoint.id })).code).toBe(
        status.PERMISSION_DENIED,
      );
      expect(existsSync(savepoint.location)).toBe(true);
      expect(await tableExists(admin, 'reader_sink')).toBe(false);
      expect(
        expectStatus(await admin.call('GET', `/api/v1/jobs/${job.id}/savepoints`), 200).savepoints
          .length,
      ).toBeGreaterThan(0);
    });
  });

  describe('savepoints that cannot be taken any more end failed, never pending forever', () => {
    /** About a millisecond of engine work per record: a micro-batch of 2,500 runs for a while. */
    const SLOW_SQL =
      'SELECT id, md5(repeat(CAST(id % 10 AS VARCHAR), 200000)) AS digest FROM slow_orders';
    let created = false;

    async function slowJob(sink: string): Promise<any> {
      if (!created) {
        await createStream(admin, 'slow_orders', [{ name: 'id', type: 'INTEGER' }]);
        created = true;
      }
      const job = await submitStreaming(admin, { sql: SLOW_SQL, sink });
      toCancel.add(job.id);
      await waitCaughtUp(admin, job.id, await streamHead(admin, 'slow_orders'));
      // A long micro-batch: savepoints requested now queue behind it.
      await appendRecords(
        admin,
        'slow_orders',
        Array.from({ length: 2500 }, (_, i) => ({ id: i })),
      );
      await delay(350);
      return job;
    }

    async function expectSettled(jobId: string): Promise<any[]> {
      return until(
        `savepoints of job ${jobId} settled`,
        async () =>
          expectStatus(await admin.call('GET', `/api/v1/jobs/${jobId}/savepoints`), 200).savepoints,
        (savepoints: any[]) => savepoints.every((s) => s.state !== 'pending'),
        15_000,
        100,
      );
    }

    it('a savepoint queued behind a stop-with-savepoint', async () => {
      const job = await slowJob('slow_stop');
      const stop = expectStatus(await trigger(job.id, { stop: true, label: 'stop' }), 202);
      const behind = expectStatus(await trigger(job.id, { label: 'behind' }), 202);
      await admin.waitForJob(job.id, (j) => j.state === 'cancelled', 20_000);
      toCancel.delete(job.id);
      const settled = await expectSettled(job.id);
      expect(settled.find((s) => s.id === stop.id).state).toBe('completed');
      expect(settled.find((s) => s.id === behind.id).state).toMatch(/completed|failed/);
      expect((await admin.call('DELETE', `/api/v1/savepoints/${behind.id}`)).status).toBe(200);
    });

    it('a savepoint requested just before the job is cancelled', async () => {
      const job = await slowJob('slow_cancel');
      const pending = expectStatus(await trigger(job.id, { label: 'cancelled' }), 202);
      expect((await admin.cancel(job.id)).status).toBe(200);
      toCancel.delete(job.id);
      const [settled] = await expectSettled(job.id);
      expect(settled.id).toBe(pending.id);
      expect(settled.state).toMatch(/completed|failed/);
    });
  });
});
