import { randomBytes } from 'node:crypto';
import { Coordinator, startCoordinator } from './support/coordinator';
import { CliRun, runCli } from './support/cli';
import { expectNoSecretsIn } from './support/secrets';

/** Parses the JSON a command printed, showing what it printed when that is not JSON. */
function json<T = any>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
}

const RESULT_SQL = "SELECT range AS n, 'row ' || range AS label FROM range(25) ORDER BY n";
const LONG_SQL = 'SELECT count(*) FROM range(10000000000)';

describe('krishiv jobs and executors', () => {
  describe('on the development token', () => {
    let coordinator: Coordinator;
    let env: Record<string, string>;
    let resultJobId: string;

    beforeAll(async () => {
      // Two executors, so one can be removed for good.
      coordinator = await startCoordinator({ env: { KRISHIV_EXECUTORS: '2' } });
      env = {
        KRISHIV_COORDINATOR: `http://${coordinator.grpcAddress}`,
        KRISHIV_DATA_DIR: coordinator.dataDir,
      };
    });

    afterAll(async () => {
      expectNoSecretsIn(coordinator.logs(), [coordinator.devToken()]);
      await coordinator.stop();
    });

    const cli = (args: string[], stdin?: string) => runCli(args, env, stdin);

    it('submit --wait prints the succeeded job, with progress on stderr', async () => {
      const run = await cli([
        'jobs',
        'submit',
        '--wait',
        '--name',
        'twenty-five',
        '--format',
        'json',
        '-q',
        RESULT_SQL,
      ]);
      expect(run.code).toBe(0);
      const job = json(run);
      expect(job).toMatchObject({
        name: 'twenty-five',
        kind: 'batch',
        state: 'succeeded',
        submittedBy: 'service',
        executorId: expect.stringMatching(/^executor-[12]$/),
        rowCount: 25,
      });
      expect(job.error).toBeUndefined();
      expect(run.stderr).toMatch(
        new RegExp(`^job ${job.id.slice(0, 8)}… succeeded, [\\d.]+ s$`, 'm'),
      );
      resultJobId = job.id;
    });

    it('submit without --wait reads SQL from stdin and prints the queued job as a table', async () => {
      const run = await cli(['jobs', 'submit', '--request-id', 'stdin-once'], 'SELECT 1');
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/^id\s+[0-9a-f-]{36}$/m);
      expect(run.stdout).toMatch(/^state\s+(queued|running|succeeded)$/m);
      const again = await cli(['jobs', 'submit', '--request-id', 'stdin-once'], 'SELECT 1');
      expect(again.code).toBe(0);
      const id = (text: string) => /^id\s+(\S+)$/m.exec(text)?.[1];
      expect(id(again.stdout)).toBe(id(run.stdout));
    });

    it('jobs result pages, and --all, equal `krishiv sql` output of the same query', async () => {
      const pages: unknown[][] = [];
      let offset: number | undefined = 0;
      while (offset !== undefined) {
        const run = await cli([
          'jobs',
          'result',
          resultJobId,
          '--offset',
          String(offset),
          '--limit',
          '10',
          '--format',
          'json',
        ]);
        expect(run.code).toBe(0);
        const page = json(run);
        expect(page).toMatchObject({ totalRows: 25, offset });
        pages.push(...(page.rows as unknown[][]));
        offset = page.nextOffset as number | undefined;
        if (offset !== undefined) expect(run.stderr).toContain(`--offset ${offset}`);
      }
      const sqlJson = json(await cli(['sql', '--format', 'json', '-q', RESULT_SQL]));
      expect(pages).toEqual(sqlJson.rows);
      expect(pages).toHaveLength(25);

      for (const format of ['table', 'csv', 'json']) {
        const sql = await cli(['sql', '--format', format, '-q', RESULT_SQL]);
        const all = await cli([
          'jobs',
          'result',
          resultJobId,
          '--all',
          '--limit',
          '7',
          '--format',
          format,
        ]);
        expect(all.code).toBe(0);
        expect(all.stderr).toBe('');
        if (format === 'json') {
          expect(json(all)).toEqual({
            columns: sqlJson.columns,
            rows: sqlJson.rows,
            totalRows: 25,
            offset: 0,
          });
        } else {
          expect(all.stdout).toBe(sql.stdout);
        }
      }

      const tail = await cli(['jobs', 'result', resultJobId, '--offset', '20']);
      expect(tail.code).toBe(0);
      expect(tail.stdout).toContain('(5 rows)');
      expect(tail.stderr).toBe('');
    });

    it('jobs list shows the job, filters by state, and pages', async () => {
      const list = await cli(['jobs', 'list', '--format', 'json']);
      expect(list.code).toBe(0);
      const { jobs } = json<{ jobs: { id: string; state: string }[] }>(list);
      expect(jobs).toContainEqual(
        expect.objectContaining({ id: resultJobId, name: 'twenty-five', state: 'succeeded' }),
      );

      const table = await cli(['jobs', 'list', '--state', 'succeeded']);
      expect(table.code).toBe(0);
      expect(table.stdout.split('\n')[0]).toMatch(
        /^id\s+\| name\s+\| state\s+\| submittedBy \| submittedAt\s+\| rows$/,
      );
      expect(table.stdout).toMatch(new RegExp(`^${resultJobId} \\| twenty-five .*\\|\\s+25$`, 'm'));

      const first = await cli(['jobs', 'list', '--page-size', '1', '--format', 'json']);
      expect(first.code).toBe(0);
      const page = json(first);
      expect(page.jobs).toHaveLength(1);
      expect(page.nextPageToken).toEqual(expect.any(String));
      expect(first.stderr).toContain(`--page-token ${page.nextPageToken}`);
      const next = await cli([
        'jobs',
        'list',
        '--page-size',
        '1',
        '--page-token',
        page.nextPageToken,
        '--format',
        'json',
      ]);
      expect(json(next).jobs[0].id).not.toBe(page.jobs[0].id);

      const all = await cli(['jobs', 'list', '--all', '--page-size', '1', '--format', 'json']);
      expect(all.code).toBe(0);
      expect(all.stderr).toBe('');
      expect(json(all).jobs.map((j: { id: string }) => j.id)).toEqual(jobs.map((j) => j.id));
    });

    it('jobs get prints one job; an unknown id exits 1 with the server message', async () => {
      const get = await cli(['jobs', 'get', resultJobId, '--format', 'csv']);
      expect(get.code).toBe(0);
      const [header, row] = get.stdout.trimEnd().split('\n');
      expect(header.split(',').slice(0, 4)).toEqual(['id', 'name', 'kind', 'state']);
      expect(row.startsWith(`${resultJobId},twenty-five,batch,succeeded,`)).toBe(true);

      const unknown = await cli(['jobs', 'get', '00000000-0000-4000-8000-000000000000']);
      expect(unknown.code).toBe(1);
      expect(unknown.stdout).toBe('');
      expect(unknown.stderr).toContain('does not exist');
    });

    it('jobs cancel stops a long job; cancelling it again exits 1', async () => {
      const submitted = json(await cli(['jobs', 'submit', '--format', 'json', '-q', LONG_SQL]));
      expect(['queued', 'running']).toContain(submitted.state);
      const deadline = Date.now() + 15_000;
      let state = submitted.state as string;
      while (state !== 'running' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        state = json(await cli(['jobs', 'get', submitted.id, '--format', 'json'])).state;
      }
      expect(state).toBe('running');

      const cancel = await cli(['jobs', 'cancel', submitted.id, '--format', 'json']);
      expect(cancel.code).toBe(0);
      expect(json(cancel)).toMatchObject({
        id: submitted.id,
        state: 'cancelled',
        cancelledBy: 'service',
      });

      const again = await cli(['jobs', 'cancel', submitted.id]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('already cancelled');

      const result = await cli(['jobs', 'result', submitted.id]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('results exist only for succeeded jobs');
    });

    it('submit --wait of failing SQL exits 1 with the engine message', async () => {
      const run = await cli([
        'jobs',
        'submit',
        '--wait',
        '--format',
        'json',
        '-q',
        'SELECT * FROM no_such_table',
      ]);
      expect(run.code).toBe(1);
      expect(json(run)).toMatchObject({ state: 'failed' });
      expect(run.stderr).toMatch(/failed: Catalog Error: Table with name no_such_table/);
    });

    it('a job that is refused at submission exits 1 without a job', async () => {
      const run = await cli(['jobs', 'submit', '--wait', '-q', 'SELEC 1']);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('syntax error');
    });

    it('executors list, drain, resume and remove', async () => {
      const list = await cli(['executors', 'list']);
      expect(list.code).toBe(0);
      expect(list.stdout).toMatch(/^executor-1 \| active \|\s+2 \|\s+0 \|/m);
      expect(list.stdout).toMatch(/^executor-2 \| active \|/m);
      expect(list.stdout).toContain('(2 executors)');

      const drain = await cli(['executors', 'drain', 'executor-1', '--format', 'json']);
      expect(drain.code).toBe(0);
      expect(json(drain)).toMatchObject({ id: 'executor-1', state: 'drained', runningJobs: 0 });

      const listed = json(await cli(['executors', 'list', '--format', 'json']));
      expect(listed.executors).toEqual([
        expect.objectContaining({ id: 'executor-1', state: 'drained' }),
        expect.objectContaining({ id: 'executor-2', state: 'active' }),
      ]);

      const resume = await cli(['executors', 'resume', 'executor-1']);
      expect(resume.code).toBe(0);
      expect(resume.stdout).toMatch(/^state\s+active$/m);

      const remove = await cli(['executors', 'remove', 'executor-2', '--format', 'json']);
      expect(remove.code).toBe(0);
      expect(json(remove)).toMatchObject({ id: 'executor-2', state: 'removed' });
      const removeAgain = await cli(['executors', 'remove', 'executor-2']);
      expect(removeAgain.code).toBe(1);
      expect(removeAgain.stderr).toContain('was removed');

      const job = json(
        await cli(['jobs', 'submit', '--wait', '--format', 'json', '-q', 'SELECT 1']),
      );
      expect(job).toMatchObject({ state: 'succeeded', executorId: 'executor-1' });

      const unknown = await cli(['executors', 'drain', 'executor-99']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('does not exist');
    });

    it('exits 2 on usage errors, before calling the coordinator', async () => {
      const usage = async (args: string[], stdin?: string) => {
        const run = await cli(args, stdin);
        expect({ args, code: run.code }).toEqual({ args, code: 2 });
        expect(run.stdout).toBe('');
        return run;
      };
      expect((await usage(['jobs', 'result'])).stderr).toContain("missing required argument 'id'");
      expect((await usage(['jobs', 'result', resultJobId, '--limit', '0'])).stderr).toContain(
        '--limit must be a whole number of at least 1',
      );
      await usage(['jobs', 'result', resultJobId, '--offset', '-1']);
      await usage(['jobs', 'list', '--state', 'done']);
      await usage(['jobs', 'list', '--page-size', 'ten']);
      await usage(['jobs', 'submit'], '');
      await usage(['jobs', 'submit', '-q', 'SELECT 1', '--timeout-ms', '1.5']);
      await usage(['jobs', 'get', '']);
      await usage(['jobs', 'frobnicate']);
      await usage(['executors', 'drain']);
      await usage(['--format', 'xml', 'executors', 'list']);
    });

    it('every new command has --help with examples', async () => {
      for (const args of [
        ['jobs'],
        ['jobs', 'submit'],
        ['jobs', 'list'],
        ['jobs', 'get'],
        ['jobs', 'result'],
        ['jobs', 'cancel'],
        ['executors'],
        ['executors', 'list'],
        ['executors', 'drain'],
        ['executors', 'resume'],
        ['executors', 'remove'],
      ]) {
        const run = await cli([...args, '--help']);
        expect({ args, code: run.code }).toEqual({ args, code: 0 });
        expect(run.stdout).toContain(`Usage: krishiv ${args.join(' ')}`);
        expect(run.stdout).toContain(`$ krishiv ${args.join(' ')}`);
      }
    });
  });

  describe('with a reader token', () => {
    const uiToken = randomBytes(32).toString('base64url');
    let coordinator: Coordinator;
    let env: Record<string, string>;

    beforeAll(async () => {
      coordinator = await startCoordinator({ env: { KRISHIV_UI_TOKEN: uiToken } });
      env = {
        KRISHIV_COORDINATOR: `http://${coordinator.grpcAddress}`,
        KRISHIV_COORDINATOR_BEARER_TOKEN: uiToken,
      };
    });

    afterAll(async () => {
      expectNoSecretsIn(coordinator.logs(), [uiToken]);
      await coordinator.stop();
    });

    it('lists jobs and executors but exits 4 on submit and drain', async () => {
      expect((await runCli(['jobs', 'list'], env)).code).toBe(0);
      expect((await runCli(['executors', 'list'], env)).code).toBe(0);

      const submit = await runCli(['jobs', 'submit', '-q', 'SELECT 1'], env);
      expect(submit.code).toBe(4);
      expect(submit.stderr).toContain('needs role writer; you have reader');

      const drain = await runCli(['executors', 'drain', 'executor-1'], env);
      expect(drain.code).toBe(4);
      expect(drain.stderr).toContain('needs role admin; you have reader');

      const state = json(await runCli(['executors', 'list', '--format', 'json'], env));
      expect(state.executors[0].state).toBe('active');
    });

    it('exits 3 with a wrong token', async () => {
      const run = await runCli(['jobs', 'list'], {
        ...env,
        KRISHIV_COORDINATOR_BEARER_TOKEN: 'wrong-token-wrong-token',
      });
      expect(run.code).toBe(3);
    });
  });
});
