import { randomBytes } from 'node:crypto';
import { CliRun, runCli } from './support/cli';
import { Coordinator, startCoordinator } from './support/coordinator';
import { expectNoSecretsIn } from './support/secrets';

/** Parses the JSON a command printed, showing what it printed when that is not JSON. */
function json<T = any>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
}

const AGGREGATE =
  'SELECT page, count(*) AS views, sum(amount) AS total, max(amount) AS top FROM clicks GROUP BY page';
const SINK_ROWS = 'SELECT page, views, total, top FROM per_page ORDER BY page';
const BATCH_ROWS = `${AGGREGATE} ORDER BY page`;
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

const ndjson = (records: object[]) => `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;

function clicks(from: number, count: number): object[] {
  return Array.from({ length: count }, (_, i) => ({
    page: `/p${(from + i) % 4}`,
    amount: (from + i) % 7,
  }));
}

type Cli = (args: string[], stdin?: string) => Promise<CliRun>;

/** Polls `jobs get` until the streaming job runs with everything up to `offset` in its sink. */
async function caughtUp(cli: Cli, jobId: string, offset: number): Promise<any> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const run = await cli(['jobs', 'get', jobId, '--format', 'json']);
    expect(run.code).toBe(0);
    const job = json(run);
    if (job.state === 'running' && job.lag === 0 && job.offset === offset) return job;
    if (Date.now() > deadline) {
      throw new Error(`job ${jobId} did not reach offset ${offset}: ${JSON.stringify(job)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('krishiv savepoints', () => {
  describe('on the development token', () => {
    let coordinator: Coordinator;
    let env: Record<string, string>;
    let jobId: string;
    let firstSavepoint: any;
    let stopSavepoint: any;
    let restoredId: string;
    let lastOffset = 0;

    beforeAll(async () => {
      coordinator = await startCoordinator({ env: { KRISHIV_EXECUTOR_SLOTS: '8' } });
      env = {
        KRISHIV_COORDINATOR: `http://${coordinator.grpcAddress}`,
        KRISHIV_DATA_DIR: coordinator.dataDir,
      };
    });

    afterAll(async () => {
      expectNoSecretsIn(coordinator.logs(), [coordinator.devToken()]);
      await coordinator.stop();
    });

    const cli: Cli = (args, stdin) => runCli(args, env, stdin);

    const append = async (records: object[]) => {
      const run = await cli(['streams', 'append', 'clicks', '--format', 'json'], ndjson(records));
      expect(run.code).toBe(0);
      lastOffset = json(run).lastOffset as number;
    };

    const sqlJson = async (sql: string) => {
      const run = await cli(['sql', '--format', 'json', '-q', sql]);
      expect(run.code).toBe(0);
      const { columns, rows } = json(run);
      return { columns, rows };
    };

    it('submit --streaming --sink starts a streaming job; jobs get shows offset and lag', async () => {
      const created = await cli([
        'streams',
        'create',
        'clicks',
        '--column',
        'page:VARCHAR',
        '--column',
        'amount:INTEGER',
      ]);
      expect(created.code).toBe(0);
      await append(clicks(0, 40));
      expect(lastOffset).toBe(40);

      const submit = await cli([
        'jobs',
        'submit',
        '--streaming',
        '--sink',
        'per_page',
        '--name',
        'per-page',
        '--format',
        'json',
        '-q',
        AGGREGATE,
      ]);
      expect(submit.code).toBe(0);
      expect(submit.stderr).toBe('');
      const job = json(submit);
      expect(job).toMatchObject({
        name: 'per-page',
        kind: 'streaming',
        sink: 'per_page',
        sql: AGGREGATE,
        submittedBy: 'service',
      });
      expect(['queued', 'running']).toContain(job.state);
      jobId = job.id;

      const running = await caughtUp(cli, jobId, 40);
      expect(running).toMatchObject({
        kind: 'streaming',
        sink: 'per_page',
        offset: 40,
        lag: 0,
        recordsProcessed: 40,
        executorId: expect.stringMatching(/^executor-/),
      });
      expect(running.lastBatchAt).toEqual(expect.any(String));

      const table = await cli(['jobs', 'get', jobId]);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/^kind\s+streaming$/m);
      expect(table.stdout).toMatch(/^sink\s+per_page$/m);
      expect(table.stdout).toMatch(/^offset\s+40$/m);
      expect(table.stdout).toMatch(/^lag\s+0$/m);
      expect(table.stdout).toMatch(/^recordsProcessed\s+40$/m);
      expect(table.stdout).toMatch(/^lastBatchAt\s+\d{4}-\d\d-\d\dT/m);

      const csv = await cli(['jobs', 'get', jobId, '--format', 'csv']);
      const [header, row] = csv.stdout.trimEnd().split('\n');
      const cells = Object.fromEntries(header.split(',').map((key, i) => [key, row.split(',')[i]]));
      expect(cells).toMatchObject({ kind: 'streaming', sink: 'per_page', offset: '40', lag: '0' });

      // A batch job shows none of the streaming fields.
      const batch = await cli(['jobs', 'submit', '--wait', '-q', 'SELECT 1']);
      expect(batch.code).toBe(0);
      expect(batch.stdout).not.toMatch(/^(sink|offset|lag|recordsProcessed)\s/m);

      expect(await sqlJson(SINK_ROWS)).toEqual(await sqlJson(BATCH_ROWS));
    });

    it('jobs savepoint --wait completes, with progress on stderr', async () => {
      const run = await cli([
        'jobs',
        'savepoint',
        jobId,
        '--wait',
        '--label',
        'first',
        '--format',
        'json',
      ]);
      expect(run.code).toBe(0);
      firstSavepoint = json(run);
      expect(firstSavepoint).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        jobId,
        state: 'completed',
        label: 'first',
        createdAt: expect.any(String),
        completedAt: expect.any(String),
        location: expect.any(String),
        offsets: { clicks: 40 },
      });
      expect(run.stderr).toMatch(
        new RegExp(`^savepoint ${firstSavepoint.id.slice(0, 8)}… completed, [\\d.]+ s$`, 'm'),
      );

      // Without --wait: the savepoint as it was triggered, and nothing on stderr.
      const quick = await cli(['jobs', 'savepoint', jobId, '--request-id', 'quick-1']);
      expect(quick.code).toBe(0);
      expect(quick.stderr).toBe('');
      expect(quick.stdout).toMatch(/^state\s+(pending|completed)$/m);
      const quickId = /^id\s+(\S+)$/m.exec(quick.stdout)?.[1];
      const again = await cli([
        'jobs',
        'savepoint',
        jobId,
        '--request-id',
        'quick-1',
        '--format',
        'json',
      ]);
      expect(again.code).toBe(0);
      expect(json(again).id).toBe(quickId);
    });

    it('savepoints list and get show it in every format', async () => {
      const list = await cli(['savepoints', 'list', jobId, '--format', 'json']);
      expect(list.code).toBe(0);
      const { savepoints } = json(list);
      expect(savepoints).toHaveLength(2);
      expect(savepoints).toContainEqual(firstSavepoint);

      const table = await cli(['savepoints', 'list', jobId]);
      expect(table.code).toBe(0);
      expect(table.stdout.split('\n')[0]).toMatch(
        /^id\s+\| state\s+\| label \| createdAt\s+\| completedAt\s+\| offsets$/,
      );
      expect(table.stdout).toMatch(
        new RegExp(`^${firstSavepoint.id} \\| completed \\| first \\| .* \\| clicks=40$`, 'm'),
      );
      expect(table.stdout).toContain('(2 savepoints)');

      const get = await cli(['savepoints', 'get', firstSavepoint.id]);
      expect(get.code).toBe(0);
      expect(get.stdout).toMatch(new RegExp(`^jobId\\s+${jobId}$`, 'm'));
      expect(get.stdout).toMatch(/^state\s+completed$/m);
      expect(get.stdout).toMatch(/^offsets\s+clicks=40$/m);
      expect(get.stdout).not.toMatch(/^error/m);

      const csv = await cli(['savepoints', 'get', firstSavepoint.id, '--format', 'csv']);
      expect(csv.code).toBe(0);
      const [header, row] = csv.stdout.trimEnd().split('\n');
      expect(header).toBe('id,jobId,state,label,createdAt,completedAt,offsets,location,error');
      expect(row.startsWith(`${firstSavepoint.id},${jobId},completed,first,`)).toBe(true);
    });

    it('jobs savepoint --stop --wait ends the job cancelled', async () => {
      await append(clicks(40, 25));
      await caughtUp(cli, jobId, 65);

      const run = await cli([
        'jobs',
        'savepoint',
        jobId,
        '--stop',
        '--wait',
        '--request-id',
        'stop-1',
        '--format',
        'json',
      ]);
      expect(run.code).toBe(0);
      stopSavepoint = json(run);
      expect(stopSavepoint).toMatchObject({ jobId, state: 'completed', offsets: { clicks: 65 } });
      expect(run.stderr).toMatch(
        new RegExp(`^savepoint ${stopSavepoint.id.slice(0, 8)}… completed, [\\d.]+ s$`, 'm'),
      );
      expect(run.stderr).toMatch(
        new RegExp(`^job ${jobId.slice(0, 8)}… cancelled, [\\d.]+ s$`, 'm'),
      );

      // --wait returned once the job had stopped: no polling needed before a restore.
      const job = json(await cli(['jobs', 'get', jobId, '--format', 'json']));
      expect(job).toMatchObject({ state: 'cancelled', cancelledBy: 'service', offset: 65 });

      // A retry with the same request id returns the same savepoint, even now.
      const retry = await cli([
        'jobs',
        'savepoint',
        jobId,
        '--stop',
        '--request-id',
        'stop-1',
        '--format',
        'json',
      ]);
      expect(retry.code).toBe(0);
      expect(json(retry).id).toBe(stopSavepoint.id);

      const stopped = await cli(['jobs', 'savepoint', jobId, '--wait']);
      expect(stopped.code).toBe(1);
      expect(stopped.stdout).toBe('');
      expect(stopped.stderr).toContain('a savepoint needs a running job');
    });

    it('jobs restore starts a new job whose sink keeps up with the stream', async () => {
      // Records appended while no job runs are picked up from the savepoint's offset.
      await append(clicks(65, 10));

      const run = await cli(['jobs', 'restore', stopSavepoint.id, '--format', 'json']);
      expect(run.code).toBe(0);
      const restored = json(run);
      expect(restored).toMatchObject({
        name: 'per-page-restored',
        kind: 'streaming',
        sql: AGGREGATE,
        sink: 'per_page',
        restoredFrom: stopSavepoint.id,
        submittedBy: 'service',
      });
      expect(restored.id).not.toBe(jobId);
      restoredId = restored.id;

      await append(clicks(75, 30));
      const job = await caughtUp(cli, restoredId, 105);
      expect(job.restoredFrom).toBe(stopSavepoint.id);

      const table = await cli(['jobs', 'get', restoredId]);
      expect(table.stdout).toMatch(new RegExp(`^restoredFrom\\s+${stopSavepoint.id}$`, 'm'));

      const sink = await sqlJson(SINK_ROWS);
      expect(sink.rows).toHaveLength(4);
      expect(sink).toEqual(await sqlJson(BATCH_ROWS));
      for (const format of ['table', 'csv']) {
        const fromSink = await cli(['sql', '--format', format, '-q', SINK_ROWS]);
        const fromBatch = await cli(['sql', '--format', format, '-q', BATCH_ROWS]);
        expect(fromSink.stdout).toBe(fromBatch.stdout);
      }

      // The running job owns the sink: restoring into it again is refused.
      const busy = await cli(['jobs', 'restore', firstSavepoint.id]);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toContain('written by a running job');
    });

    it('savepoints delete removes it; unknown savepoints exit 1', async () => {
      const run = await cli(['savepoints', 'delete', firstSavepoint.id, '--format', 'json']);
      expect(run.code).toBe(0);
      expect(json(run)).toEqual(firstSavepoint);

      const list = json(await cli(['savepoints', 'list', jobId, '--format', 'json']));
      expect(list.savepoints.map((s: { id: string }) => s.id)).not.toContain(firstSavepoint.id);

      for (const args of [
        ['savepoints', 'get', firstSavepoint.id],
        ['savepoints', 'delete', firstSavepoint.id],
        ['savepoints', 'get', UNKNOWN],
        ['jobs', 'restore', UNKNOWN],
        ['jobs', 'restore', firstSavepoint.id],
      ]) {
        const unknown = await cli(args);
        expect({ args, code: unknown.code }).toEqual({ args, code: 1 });
        expect(unknown.stdout).toBe('');
        expect(unknown.stderr).toContain('does not exist');
      }

      const noJob = await cli(['savepoints', 'list', UNKNOWN]);
      expect(noJob.code).toBe(1);
      expect(noJob.stderr).toContain('does not exist');
      const noJobSavepoint = await cli(['jobs', 'savepoint', UNKNOWN, '--wait']);
      expect(noJobSavepoint.code).toBe(1);
      expect(noJobSavepoint.stderr).toContain('does not exist');

      const batch = json(
        await cli(['jobs', 'submit', '--wait', '--format', 'json', '-q', 'SELECT 2']),
      );
      const ofBatch = await cli(['jobs', 'savepoint', batch.id]);
      expect(ofBatch.code).toBe(1);
      expect(ofBatch.stderr).toContain('savepoints are for streaming jobs');
    });

    it('exits 2 on usage errors, before calling the coordinator', async () => {
      const jobsBefore = json(await cli(['jobs', 'list', '--all', '--format', 'json'])).jobs;
      const usage = async (args: string[], message: RegExp) => {
        const run = await cli(args);
        expect({ args, code: run.code }).toEqual({ args, code: 2 });
        expect(run.stdout).toBe('');
        expect(run.stderr).toMatch(message);
      };
      await usage(['jobs', 'submit', '--streaming', '-q', AGGREGATE], /--streaming needs --sink/);
      await usage(
        ['jobs', 'submit', '--sink', 'other_sink', '-q', 'SELECT 1'],
        /--sink is for streaming jobs/,
      );
      await usage(
        ['jobs', 'submit', '--streaming', '--sink', 'other_sink', '--wait', '-q', AGGREGATE],
        /--wait is for batch jobs/,
      );
      await usage(
        [
          'jobs',
          'submit',
          '--streaming',
          '--sink',
          'other_sink',
          '--timeout-ms',
          '5000',
          '-q',
          AGGREGATE,
        ],
        /--timeout-ms is for batch jobs/,
      );
      await usage(
        ['jobs', 'submit', '--streaming', '--sink', '', '-q', AGGREGATE],
        /--sink must not be empty/,
      );
      await usage(['jobs', 'savepoint'], /missing required argument 'id'/);
      await usage(['jobs', 'savepoint', restoredId, '--label', ''], /--label must not be empty/);
      await usage(['jobs', 'savepoint', restoredId, '--bogus'], /unknown option '--bogus'/);
      await usage(['jobs', 'restore'], /missing required argument 'savepointId'/);
      await usage(['savepoints', 'list'], /missing required argument 'jobId'/);
      await usage(['savepoints', 'get'], /missing required argument 'id'/);
      await usage(['savepoints', 'delete', ''], /savepoint id must not be empty/);
      await usage(['savepoints', 'frobnicate'], /unknown command/);
      await usage(['--format', 'xml', 'savepoints', 'list', jobId], /Allowed choices/);

      const jobsAfter = json(await cli(['jobs', 'list', '--all', '--format', 'json'])).jobs;
      expect(jobsAfter).toHaveLength(jobsBefore.length);
      const tables = await sqlJson(
        "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'other_sink'",
      );
      expect(tables.rows).toEqual([[0]]);
      const restored = json(await cli(['savepoints', 'list', restoredId, '--format', 'json']));
      expect(restored.savepoints).toEqual([]);
    });

    it('every new command has --help with examples', async () => {
      for (const args of [
        ['jobs', 'submit'],
        ['jobs', 'savepoint'],
        ['jobs', 'restore'],
        ['savepoints'],
        ['savepoints', 'list'],
        ['savepoints', 'get'],
        ['savepoints', 'delete'],
      ]) {
        const run = await cli([...args, '--help']);
        expect({ args, code: run.code }).toEqual({ args, code: 0 });
        expect(run.stdout).toContain(`Usage: krishiv ${args.join(' ')}`);
        expect(run.stdout).toContain(`$ krishiv ${args.join(' ')}`);
      }
      const submit = await cli(['jobs', 'submit', '--help']);
      expect(submit.stdout).toContain('krishiv jobs submit --streaming --sink per_page');
      const savepoint = await cli(['jobs', 'savepoint', '--help']);
      expect(savepoint.stdout).toContain('--stop');
      expect(savepoint.stdout).toContain('krishiv jobs savepoint 1a2b3c4d-… --label');
    });
  });

  describe('with a reader token', () => {
    const uiToken = randomBytes(32).toString('base64url');
    const adminToken = randomBytes(32).toString('base64url');
    let coordinator: Coordinator;
    let reader: Cli;
    let admin: Cli;
    let jobId: string;
    let savepointId: string;

    beforeAll(async () => {
      coordinator = await startCoordinator({
        env: {
          KRISHIV_UI_TOKEN: uiToken,
          KRISHIV_COORDINATOR_BEARER_TOKEN: adminToken,
          KRISHIV_EXECUTOR_SLOTS: '8',
        },
      });
      const base = { KRISHIV_COORDINATOR: `http://${coordinator.grpcAddress}` };
      reader = (args, stdin) =>
        runCli(args, { ...base, KRISHIV_COORDINATOR_BEARER_TOKEN: uiToken }, stdin);
      admin = (args, stdin) =>
        runCli(args, { ...base, KRISHIV_COORDINATOR_BEARER_TOKEN: adminToken }, stdin);

      expect((await admin(['streams', 'create', 'clicks', '-c', 'page:VARCHAR'])).code).toBe(0);
      expect((await admin(['streams', 'append', 'clicks'], '{"page": "/a"}\n')).code).toBe(0);
      const submit = await admin([
        'jobs',
        'submit',
        '--streaming',
        '--sink',
        'views',
        '--format',
        'json',
        '-q',
        'SELECT page, count(*) AS n FROM clicks GROUP BY page',
      ]);
      expect(submit.code).toBe(0);
      jobId = json(submit).id;
      await caughtUp(admin, jobId, 1);
      const savepoint = await admin(['jobs', 'savepoint', jobId, '--wait', '--format', 'json']);
      expect(savepoint.code).toBe(0);
      savepointId = json(savepoint).id;
    });

    afterAll(async () => {
      expectNoSecretsIn(coordinator.logs(), [uiToken, adminToken]);
      await coordinator.stop();
    });

    it('reads jobs and savepoints, but jobs savepoint, restore and savepoints delete exit 4', async () => {
      const job = json(await reader(['jobs', 'get', jobId, '--format', 'json']));
      expect(job).toMatchObject({ kind: 'streaming', sink: 'views', offset: 1, lag: 0 });
      const list = await reader(['savepoints', 'list', jobId, '--format', 'json']);
      expect(list.code).toBe(0);
      expect(json(list).savepoints.map((s: { id: string }) => s.id)).toEqual([savepointId]);
      expect((await reader(['savepoints', 'get', savepointId])).code).toBe(0);

      for (const [args, action] of [
        [['jobs', 'savepoint', jobId, '--wait'], 'jobs:savepoint'],
        [['jobs', 'savepoint', jobId, '--stop'], 'jobs:savepoint'],
        [['jobs', 'savepoint', UNKNOWN], 'jobs:savepoint'],
        [['jobs', 'restore', savepointId], 'jobs:restore'],
        [['jobs', 'restore', UNKNOWN, '--sink', 'elsewhere'], 'jobs:restore'],
        [['savepoints', 'delete', savepointId], 'jobs:savepoint'],
      ] as [string[], string][]) {
        const run = await reader(args);
        expect({ args, code: run.code }).toEqual({ args, code: 4 });
        expect(run.stdout).toBe('');
        expect(run.stderr).toContain(`${action} needs role admin; you have reader`);
      }

      // Nothing changed: one savepoint, the job still running, no second job.
      expect(
        json(await admin(['savepoints', 'list', jobId, '--format', 'json'])).savepoints,
      ).toEqual([expect.objectContaining({ id: savepointId, state: 'completed' })]);
      expect(json(await admin(['jobs', 'get', jobId, '--format', 'json'])).state).toBe('running');
      expect(json(await admin(['jobs', 'list', '--format', 'json'])).jobs).toHaveLength(1);
    });
  });
});
