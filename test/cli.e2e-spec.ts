import { randomBytes } from 'node:crypto';
import { Coordinator, startCoordinator } from './support/coordinator';
import { runCli } from './support/cli';
import { expectNoSecretsIn } from './support/secrets';

describe('krishiv CLI', () => {
  describe('on the development token', () => {
    let coordinator: Coordinator;
    let env: Record<string, string>;

    beforeAll(async () => {
      coordinator = await startCoordinator();
      // Only the data dir: the CLI must find the dev token by itself.
      env = {
        KRISHIV_COORDINATOR: `http://${coordinator.grpcAddress}`,
        KRISHIV_DATA_DIR: coordinator.dataDir,
      };
    });

    afterAll(async () => {
      expectNoSecretsIn(coordinator.logs(), [coordinator.devToken()]);
      await coordinator.stop();
    });

    it('prints SELECT 42 as a table', async () => {
      const run = await runCli(['sql', '--query', 'SELECT 42 AS answer'], env);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toBe('answer\n------\n    42\n(1 row)\n');
    });

    it('writes csv and json, reading SQL from stdin', async () => {
      const csv = await runCli(['sql', '--format', 'csv'], env, "SELECT 1 AS a, 'x,y' AS b");
      expect(csv.code).toBe(0);
      expect(csv.stdout).toBe('a,b\n1,"x,y"\n');
      const json = await runCli(
        ['--format', 'json', 'sql', '-q', 'SELECT 9007199254740993::BIGINT AS big'],
        env,
      );
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({
        rows: [['9007199254740993']],
        rowCount: 1,
        truncated: false,
      });
    });

    it('says when rows were truncated', async () => {
      const run = await runCli(['sql', '--max-rows', '2', '-q', 'SELECT * FROM range(10)'], env);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('(2 rows, truncated');
    });

    it('shows whoami and can-i for the service token', async () => {
      const who = await runCli(['whoami', '--format', 'json'], { ...env });
      expect(who.code).toBe(0);
      expect(JSON.parse(who.stdout)).toMatchObject({
        subject: 'service',
        role: 'admin',
        method: 'service-token',
      });
      const can = await runCli(['auth', 'can-i', 'jobs:cancel'], env);
      expect(can.code).toBe(0);
      expect(can.stdout).toMatch(/allowed\s+true/);
    });

    it('exits 1 on a SQL error with the engine message on stderr', async () => {
      const run = await runCli(['sql', '-q', 'SELEC 1'], env);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('syntax error');
    });

    it('exits 2 on usage errors', async () => {
      expect((await runCli(['sql', '--max-rows', '0', '-q', 'SELECT 1'], env)).code).toBe(2);
      expect((await runCli(['--no-such-flag'], env)).code).toBe(2);
      expect((await runCli(['auth', 'can-i', 'bogus:action'], env)).code).toBe(2);
      expect((await runCli(['sql'], env, '')).code).toBe(2);
      expect((await runCli(['--coordinator', 'ftp://x', 'whoami'], env)).code).toBe(2);
    });

    it('exits 3 with a hint when the token is wrong', async () => {
      const run = await runCli(['whoami'], {
        ...env,
        KRISHIV_COORDINATOR_BEARER_TOKEN: 'wrong-token-wrong-token',
      });
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('hint:');
    });

    it('exits 1 with a hint when no coordinator listens', async () => {
      const run = await runCli(['whoami'], { ...env, KRISHIV_COORDINATOR: 'http://127.0.0.1:9' });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('cannot reach the coordinator');
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

    it('reads but exits 4 on a write, naming the role needed', async () => {
      expect((await runCli(['sql', '-q', 'SELECT 1'], env)).code).toBe(0);
      const run = await runCli(['sql', '-q', 'CREATE TABLE t (a INT)'], env);
      expect(run.code).toBe(4);
      expect(run.stderr).toContain('needs role writer; you have reader');
      const can = await runCli(['auth', 'can-i', 'query:write'], env);
      expect(can.code).toBe(4);
    });

    it('reads the token from --token-file', async () => {
      const { writeFileSync } = await import('node:fs');
      const path = `${coordinator.dataDir}/reader-token`;
      writeFileSync(path, `${uiToken}\n`, { mode: 0o600 });
      const run = await runCli(['--token-file', path, 'whoami', '--format', 'json'], {
        KRISHIV_COORDINATOR: env.KRISHIV_COORDINATOR,
      });
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({
        subject: 'ui',
        role: 'reader',
        method: 'ui-token',
      });
    });
  });
});
