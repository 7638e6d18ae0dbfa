import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statfsSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { closeGrpcClients } from './support/grpc';
import { RestApi, until } from './support/jobs';
import {
  createStream,
  Deployment,
  expectStatus,
  query,
  streamHead,
  submitStreaming,
  waitCaughtUp,
  waitSavepoint,
} from './support/streaming';

/**
 * The data dir on a small tmpfs that the test fills with ballast: writes fail with 507 /
 * RESOURCE_EXHAUSTED naming the data dir, nothing acknowledged is lost, a savepoint cut short
 * leaves nothing behind, and once the ballast is gone everything works again in the same process.
 */
jest.setTimeout(90_000);

const TMPFS_SIZE = '48m';

function freeBytes(dir: string): number {
  const stats = statfsSync(dir);
  return stats.bavail * stats.bsize;
}

/** Writes ballast files until at most `leave` bytes are free (0: until the disk refuses). */
function fill(dir: string, name: string, leave = 0): string {
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(256 * 1024, 0x5a);
  try {
    for (;;) {
      const room = freeBytes(dir) - leave;
      if (room <= 0) break;
      try {
        writeSync(fd, chunk, 0, Math.min(chunk.length, room));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
        throw err;
      }
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A completed savepoint's files match its manifest; it names its own id. */
function expectValidSavepoint(savepoint: any): void {
  const manifest = JSON.parse(readFileSync(join(savepoint.location, 'manifest.json'), 'utf8'));
  expect(manifest.savepointId).toBe(savepoint.id);
  for (const file of manifest.files) {
    expect(sha256(join(savepoint.location, file.name))).toBe(file.sha256);
  }
}

/** Every directory under `<dataDir>/savepoints`, relative, for "nothing half-written" checks. */
function savepointDirectories(dataDir: string): string[] {
  const root = join(dataDir, 'savepoints');
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((job) => readdirSync(join(root, job)).map((s) => `${job}/${s}`));
}

describe('storage faults: the data dir fills up', () => {
  const deployment = new Deployment('storage-faults', {
    KRISHIV_STREAMING_TICK_MS: '50',
    KRISHIV_QUERY_MAX_ROWS: '1000000',
  });
  const dataDir = deployment.dataDir;
  const outOfSpace = `the data directory ${dataDir} is out of space: free space and retry`;
  let mounted = false;
  let admin: RestApi;
  let pid: number | undefined;
  let streamingJob: any;
  let nextId = 1;
  /** Every append the coordinator acknowledged: its ids and the offsets it reported. */
  const appended: { ids: number[]; firstOffset: number; lastOffset: number }[] = [];
  /** Every job the coordinator acknowledged (202 / OK). */
  const acceptedJobs: string[] = [];
  const ballast: string[] = [];

  function records(count: number): { id: number; note: string }[] {
    return Array.from({ length: count }, () => ({
      id: nextId++,
      // Incompressible, so the sink's state file is large enough to be cut short by the fault.
      note: randomBytes(24).toString('hex'),
    }));
  }

  async function append(count: number) {
    const batch = records(count);
    const answer = await admin.call('POST', '/api/v1/streams/readings/records', { body: batch });
    if (answer.status === 200) {
      expect(answer.body.lastOffset - answer.body.firstOffset + 1).toBe(count);
      appended.push({ ids: batch.map((r) => r.id), ...answer.body });
    }
    return answer;
  }

  async function submit(sql: string) {
    const answer = await admin.submit({ sql });
    if (answer.status === 202) acceptedJobs.push(answer.body.id);
    return answer;
  }

  function trigger(jobId: string) {
    return admin.call('POST', `/api/v1/jobs/${jobId}/savepoints`, { body: {} });
  }

  beforeAll(async () => {
    try {
      execFileSync(
        'mount',
        ['-t', 'tmpfs', '-o', `size=${TMPFS_SIZE},mode=0700`, 'tmpfs', dataDir],
        {
          stdio: 'pipe',
        },
      );
      mounted = true;
    } catch (err) {
      throw new Error(
        `the storage-faults suite needs root (allowed to mount, i.e. CAP_SYS_ADMIN): it mounts a ` +
          `${TMPFS_SIZE} tmpfs as the data dir; CI runs it as root. mount said: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`,
      );
    }
    await deployment.start();
    pid = deployment.coordinator.process.pid;
    admin = deployment.admin;
    await createStream(admin, 'readings', [
      { name: 'id', type: 'BIGINT' },
      { name: 'note', type: 'VARCHAR' },
    ]);
    streamingJob = await submitStreaming(admin, {
      sql: 'SELECT id, note FROM readings',
      sink: 'readings_copy',
    });
    for (let i = 0; i < 3; i++) expectStatus(await append(10_000), 200);
    await waitCaughtUp(admin, streamingJob.id, await streamHead(admin, 'readings'));
  });

  afterAll(async () => {
    closeGrpcClients();
    for (const path of ballast) rmSync(path, { force: true });
    if (deployment.running) await deployment.stopGracefully();
    if (mounted) {
      try {
        execFileSync('umount', [dataDir], { stdio: 'pipe' });
      } catch {
        execFileSync('umount', ['-l', dataDir], { stdio: 'pipe' });
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('ends a savepoint and a job result cut short by the full disk failed, naming the data dir, with no files left', async () => {
    const before = savepointDirectories(dataDir);
    // Room for the metadata, not for the sink's state file (about 1.5 MB).
    ballast.push(fill(dataDir, 'ballast-1', 256 * 1024));
    const answer = await trigger(streamingJob.id);
    expect(answer.status).toBe(202);
    const done = await waitSavepoint(admin, answer.body.id);
    expect(done).toMatchObject({ state: 'failed', error: outOfSpace });
    expect(done.location).toBeUndefined();
    expect(savepointDirectories(dataDir)).toEqual(before);
    // The job goes on: a failed savepoint is not a failed job.
    expect((await admin.current(streamingJob.id)).state).toBe('running');

    // A batch job whose result (several MB of Parquet) does not fit fails the same way.
    const big = expectStatus(
      await submit('SELECT range AS n, md5(range::VARCHAR) AS h FROM range(300000)'),
      202,
    );
    const { job } = await admin.waitForJob(
      big.id,
      (j) => j.state !== 'queued' && j.state !== 'running',
    );
    expect(job).toMatchObject({ state: 'failed', error: outOfSpace });
    expect(readdirSync(join(dataDir, 'results'))).toEqual([]);
  });

  it('answers 507 / RESOURCE_EXHAUSTED naming the data dir for appends, submits and savepoints', async () => {
    ballast.push(fill(dataDir, 'ballast-2'));
    expect(freeBytes(dataDir)).toBeLessThan(64 * 1024);

    // Writes may still land in space the stores had already claimed: each one acknowledged counts.
    let refused: any;
    for (let i = 0; i < 200 && !refused; i++) {
      const answer = await append(1_000);
      if (answer.status !== 200) refused = answer;
    }
    expect(refused?.status).toBe(507);
    expect(refused.body).toEqual({
      statusCode: 507,
      error: 'Insufficient Storage',
      message: outOfSpace,
    });
    let grpcAppend: { code: status; message: string; response?: any } | undefined;
    for (let i = 0; i < 200 && grpcAppend?.code !== status.RESOURCE_EXHAUSTED; i++) {
      const batch = records(1_000);
      grpcAppend = await deployment.grpc.call('StreamService', 'AppendRecords', {
        name: 'readings',
        records: batch.map((r) => ({
          fields: { id: { intValue: String(r.id) }, note: { stringValue: r.note } },
        })),
      });
      if (grpcAppend.code !== status.OK) break;
      appended.push({
        ids: batch.map((r) => r.id),
        firstOffset: Number(grpcAppend.response.firstOffset),
        lastOffset: Number(grpcAppend.response.lastOffset),
      });
    }
    expect({ code: grpcAppend?.code, message: grpcAppend?.message }).toEqual({
      code: status.RESOURCE_EXHAUSTED,
      message: outOfSpace,
    });

    // A long comment makes each job record large, so the metadata store fills within a few submits.
    const padding = 'x'.repeat(32 * 1024);
    refused = undefined;
    for (let i = 0; i < 500 && !refused; i++) {
      const answer = await submit(`SELECT ${i} AS n -- ${padding}`);
      if (answer.status !== 202) refused = answer;
    }
    expect(refused?.status).toBe(507);
    expect(refused.body.message).toBe(outOfSpace);
    const grpcSubmit = await deployment.grpc.jobs('SubmitJob', { sql: `SELECT 1 -- ${padding}` });
    expect({ code: grpcSubmit.code, message: grpcSubmit.message }).toEqual({
      code: status.RESOURCE_EXHAUSTED,
      message: outOfSpace,
    });

    const savepoint = await trigger(streamingJob.id);
    expect({ status: savepoint.status, message: savepoint.body.message }).toEqual({
      status: 507,
      message: outOfSpace,
    });
    const grpcSavepoint = await deployment.grpc.jobs('TriggerSavepoint', {
      jobId: streamingJob.id,
    });
    expect({ code: grpcSavepoint.code, message: grpcSavepoint.message }).toEqual({
      code: status.RESOURCE_EXHAUSTED,
      message: outOfSpace,
    });

    // Reading needs no space: the coordinator keeps serving.
    const count = await query(admin, 'SELECT count(*) AS n FROM readings');
    expect(Number(count.rows[0][0])).toBe(appended.at(-1)?.lastOffset);
    expect(expectStatus(await admin.job(acceptedJobs[0] ?? streamingJob.id), 200).id).toBeDefined();
  });

  it('answers 507 when an engine checkpoint cannot be written, and reopens the invalidated engine', async () => {
    // FORCE: a streaming job's micro-batch may hold a write transaction open just then.
    const answer = await admin.query('FORCE CHECKPOINT');
    expect({ status: answer.status, message: answer.body.message }).toEqual({
      status: 507,
      message: outOfSpace,
    });
    // The next call reopens the engine (replaying its log): it then lands or gets a clean 507.
    const next = await append(10);
    if (next.status !== 200) {
      expect({ status: next.status, message: next.body.message }).toEqual({
        status: 507,
        message: outOfSpace,
      });
    }
  });

  it('works again once space is freed, without a restart', async () => {
    for (const path of ballast.splice(0)) rmSync(path, { force: true });
    expect(deployment.coordinator.process.exitCode).toBeNull();
    expect(deployment.coordinator.process.pid).toBe(pid);

    const last = appended.at(-1)?.lastOffset as number;
    const again = expectStatus(await append(100), 200);
    expect(again.firstOffset).toBe(last + 1);
    const grpcAppend = await deployment.grpc.call('StreamService', 'AppendRecords', {
      name: 'readings',
      records: [{ fields: { id: { intValue: String(nextId) }, note: { stringValue: 'grpc' } } }],
    });
    expect(grpcAppend.code).toBe(status.OK);
    appended.push({
      ids: [nextId++],
      firstOffset: Number(grpcAppend.response.firstOffset),
      lastOffset: Number(grpcAppend.response.lastOffset),
    });
    expect((await fetch(`${deployment.coordinator.httpUrl}/readyz`)).status).toBe(200);
    expect(deployment.coordinator.logs()).toContain('engine reopened after a fatal error');

    const job = expectStatus(await submit('SELECT 42 AS answer'), 202);
    const { job: finished } = await admin.waitForJob(job.id, (j) => j.state === 'succeeded');
    expect(finished.rowCount).toBe(1);
    const grpcSubmit = await deployment.grpc.jobs('SubmitJob', { sql: 'SELECT 43' });
    expect(grpcSubmit.code).toBe(status.OK);
    acceptedJobs.push(grpcSubmit.response.id);

    // The streaming job paused while the disk was full and caught up afterwards.
    const head = await streamHead(admin, 'readings');
    expect(head).toBe(appended.at(-1)?.lastOffset);
    await waitCaughtUp(admin, streamingJob.id, head, 30_000);
    const savepoint = expectStatus(await trigger(streamingJob.id), 202);
    const done = await waitSavepoint(admin, savepoint.id);
    expect(done).toMatchObject({ state: 'completed', offsets: { readings: head } });
    expectValidSavepoint(done);
  });

  it('lost nothing it acknowledged, and shows no half-written savepoint', async () => {
    const stored = await query(admin, 'SELECT _offset, id FROM readings ORDER BY _offset');
    const offsets = stored.rows.map((row) => Number(row[0]));
    expect(offsets).toEqual(offsets.map((_, i) => i + 1));
    const idAt = new Map(stored.rows.map((row) => [Number(row[0]), Number(row[1])]));
    for (const batch of appended) {
      batch.ids.forEach((id, i) => expect(idAt.get(batch.firstOffset + i)).toBe(id));
    }
    const sink = await query(
      admin,
      'SELECT count(*), count(DISTINCT id) FROM readings_copy WHERE id IN (SELECT id FROM readings)',
    );
    expect(sink.rows[0].map(Number)).toEqual([offsets.length, offsets.length]);

    for (const id of acceptedJobs) {
      const { job } = await admin.waitForJob(
        id,
        (j) => j.state !== 'queued' && j.state !== 'running',
      );
      // Jobs that ran while the disk was full could not spool their result, and say why.
      if (job.state === 'failed') expect(job.error).toBe(outOfSpace);
      else expect(job.state).toBe('succeeded');
    }

    const savepoints = await until(
      'no savepoint pending',
      async () =>
        expectStatus(await admin.call('GET', `/api/v1/jobs/${streamingJob.id}/savepoints`), 200)
          .savepoints as any[],
      (list) => list.every((s) => s.state !== 'pending'),
    );
    const completed = savepoints.filter((s) => s.state === 'completed');
    expect(completed.length).toBeGreaterThan(0);
    for (const savepoint of completed) expectValidSavepoint(savepoint);
    for (const savepoint of savepoints.filter((s) => s.state === 'failed')) {
      expect(savepoint.error).toBe(outOfSpace);
    }
    // On disk: exactly the completed savepoints, nothing partial.
    expect(savepointDirectories(dataDir).sort()).toEqual(
      completed.map((s) => `${streamingJob.id}/${s.id}`).sort(),
    );
    expect((await admin.current(streamingJob.id)).state).toBe('running');
    // Results cut short by the fault left no partial Parquet file behind.
    expect(readdirSync(join(dataDir, 'results')).filter((f) => !f.endsWith('.parquet'))).toEqual(
      [],
    );
  });
});
