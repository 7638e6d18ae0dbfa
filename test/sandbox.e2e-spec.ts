import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { Coordinator, startCoordinator } from './support/coordinator';
import { callGrpc, closeGrpcClients } from './support/grpc';
import { expectNoSecretsIn } from './support/secrets';

interface QueryBody {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  rowCount: number;
  truncated: boolean;
  elapsedMs: number;
}

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  requiredRole?: string;
}

/** Something from /etc/passwd that no legitimate answer contains. */
const PASSWD_MARKER = /root:.*:0:0:/;

/** The content of a secret file the data dir holds outside files/. */
const SECRET = `secret-${randomBytes(16).toString('hex')}`;

/** A query that would run for hours unless interrupted. */
const ENDLESS = 'SELECT sum(hash(a.range * b.range)) FROM range(1000000) a, range(1000000) b';

describe('the SQL sandbox', () => {
  const adminToken = randomBytes(32).toString('base64url');
  const readerToken = randomBytes(32).toString('base64url');
  let coordinator: Coordinator;
  let filesDir: string;

  beforeAll(async () => {
    coordinator = await startCoordinator({
      env: {
        KRISHIV_COORDINATOR_BEARER_TOKEN: adminToken,
        KRISHIV_UI_TOKEN: readerToken,
        KRISHIV_UI_TOKEN_ROLE: 'reader',
        KRISHIV_LOG_LEVEL: 'info',
      },
    });
    filesDir = join(coordinator.dataDir, 'files');
    const setup = await query(adminToken, {
      sql: 'CREATE TABLE t (id INTEGER, name VARCHAR); INSERT INTO t VALUES (1, $$one$$), (2, $$two$$)',
    });
    expect(setup.status).toBe(200);
  });

  afterAll(async () => {
    closeGrpcClients();
    if (coordinator) {
      expectNoSecretsIn(coordinator.logs(), [adminToken, readerToken]);
      await coordinator.stop();
    }
  });

  async function query(
    token: string,
    body: { sql: string; maxRows?: number; timeoutMs?: number },
    accept = 'application/json',
  ) {
    const response = await fetch(`${coordinator.httpUrl}/api/v1/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text };
  }

  const json = <T>(text: string) => JSON.parse(text) as T;

  async function rowsOf(sql: string, token = adminToken): Promise<unknown[][]> {
    const response = await query(token, { sql });
    expect({ status: response.status, sql }).toEqual({ status: 200, sql });
    return json<QueryBody>(response.text).rows;
  }

  const countOf = async (table: string) => (await rowsOf(`SELECT count(*) FROM ${table}`))[0][0];

  const tableExists = async (table: string) =>
    (await rowsOf(`SELECT count(*) FROM duckdb_tables() WHERE table_name = '${table}'`))[0][0] !==
    '0';

  /** Refused or failed cleanly: a 4xx the caller can act on, never data and never a 5xx. */
  function expectClientError(response: { status: number; text: string }, label: string) {
    if (response.status !== 400 && response.status !== 403) {
      throw new Error(
        `${label}: expected 400 or 403, got ${response.status}: ${response.text.slice(0, 300)}`,
      );
    }
    expect(response.text).not.toMatch(PASSWD_MARKER);
  }

  /** SQL with `{data}` and `{files}` standing for the data dir and its files/ folder. */
  const expand = (sql: string) =>
    sql.replaceAll('{files}', filesDir).replaceAll('{data}', coordinator.dataDir);

  describe('file access outside <dataDir>/files', () => {
    const passwdReads: [string, string][] = [
      ['read_text', "SELECT * FROM read_text('/etc/passwd')"],
      ['read_blob', "SELECT * FROM read_blob('/etc/passwd')"],
      ['read_csv', "SELECT * FROM read_csv('/etc/passwd')"],
      ['read_csv_auto', "SELECT * FROM read_csv_auto('/etc/passwd')"],
      ['read_json', "SELECT * FROM read_json('/etc/passwd')"],
      ['read_json_auto', "SELECT * FROM read_json_auto('/etc/passwd')"],
      ['read_parquet', "SELECT * FROM read_parquet('/etc/passwd')"],
      ['a bare file path', "SELECT * FROM '/etc/passwd'"],
      ['glob', "SELECT * FROM glob('/etc/*')"],
      ['COPY FROM', "COPY t FROM '/etc/passwd'"],
      ['a file:// URL', "SELECT * FROM read_text('file:///etc/passwd')"],
      ['a path with ..', "SELECT * FROM read_text('/etc/../etc/passwd')"],
      ['a relative path', "SELECT * FROM read_text('../../../../../../../../etc/passwd')"],
      ['the home directory', "SELECT * FROM glob('~/*')"],
      ['traversal out of files/', "SELECT * FROM read_text('{files}/../../../../../etc/passwd')"],
      ['COPY FROM with traversal', "COPY t FROM '{files}/../../../../../etc/passwd'"],
    ];

    it.each(passwdReads)('refuses %s for an admin', async (_label, sql) => {
      expectClientError(await query(adminToken, { sql: expand(sql) }), sql);
    });

    it.each(passwdReads)('refuses %s for a reader', async (_label, sql) => {
      expectClientError(await query(readerToken, { sql: expand(sql) }), sql);
    });

    it.each([
      ['COPY TO the data dir', "COPY t TO '{data}/escaped.csv'"],
      ['COPY TO with traversal', "COPY t TO '{files}/../escaped.csv'"],
      ['COPY TO /tmp', "COPY t TO '/tmp/krishiv-escaped.csv'"],
    ])('refuses writing a file outside files/: %s', async (_label, sql) => {
      expectClientError(await query(adminToken, { sql: expand(sql) }), sql);
      expect(existsSync(join(coordinator.dataDir, 'escaped.csv'))).toBe(false);
    });

    it('refuses it over gRPC too', async () => {
      const outcome = await callGrpc(
        coordinator.grpcAddress,
        'QueryService',
        'ExecuteQuery',
        { sql: "SELECT * FROM read_text('/etc/passwd')" },
        adminToken,
      );
      expect([status.INVALID_ARGUMENT, status.PERMISSION_DENIED]).toContain(outcome.code);
      expect(outcome.message).not.toMatch(PASSWD_MARKER);
    });

    describe('a secret kept in the data dir beside files/', () => {
      beforeAll(() => {
        // A stand-in for the development token and the metadata.
        writeFileSync(join(coordinator.dataDir, 'secret-token'), `${SECRET}\n`, { mode: 0o600 });
      });

      it.each([
        "SELECT * FROM read_text('{data}/secret-token')",
        "SELECT * FROM read_blob('{data}/secret-token')",
        "SELECT * FROM read_csv('{data}/secret-token')",
        "SELECT * FROM read_text('{files}/../secret-token')",
        "SELECT * FROM glob('{files}/../*')",
        "SELECT * FROM glob('{data}/*')",
      ])('is unreachable: %s', async (sql) => {
        const response = await query(adminToken, { sql: expand(sql) });
        expectClientError(response, sql);
        expect(response.text).not.toContain(SECRET);
        expect(response.text).not.toContain(Buffer.from(SECRET).toString('base64').slice(0, 24));
      });
    });

    it('lets an admin write and read back files inside files/', async () => {
      const path = `${filesDir}/roundtrip.csv`;
      const write = await query(adminToken, {
        sql: `COPY (SELECT * FROM t ORDER BY id) TO '${path}' (HEADER)`,
      });
      expect(write.status).toBe(200);
      expect(existsSync(path)).toBe(true);
      expect(await rowsOf(`SELECT id, name FROM read_csv('${path}') ORDER BY id`)).toEqual([
        ['1', 'one'],
        ['2', 'two'],
      ]);
      expect(await rowsOf(`SELECT * FROM glob('${filesDir}/*.csv')`)).toEqual([[path]]);
    });

    it('lets a reader read files inside files/ but not write them', async () => {
      const path = `${filesDir}/roundtrip.csv`;
      expect(await rowsOf(`SELECT count(*) FROM read_csv('${path}')`, readerToken)).toEqual([
        ['2'],
      ]);
      const readerWrite = await query(readerToken, {
        sql: `COPY t TO '${filesDir}/by-reader.csv'`,
      });
      expect(readerWrite.status).toBe(403);
      expect(existsSync(`${filesDir}/by-reader.csv`)).toBe(false);
    });
  });

  describe('statements nobody may run', () => {
    it.each([
      "ATTACH ':memory:' AS other",
      "ATTACH '{files}/other.duckdb' AS other",
      'DETACH other',
      'INSTALL httpfs',
      'LOAD httpfs',
      'SET threads = 1',
      'SET enable_external_access = true',
      "SET allowed_directories = ['/']",
      'RESET threads',
      'PRAGMA threads = 1',
      "EXPORT DATABASE '{files}/export'",
      'SET VARIABLE x = 1',
      'BEGIN TRANSACTION',
      'COMMIT',
      'ROLLBACK',
      'USE memory',
      'SELECT 1; SET threads = 1',
    ])('refuses %s for an admin with 403', async (sql) => {
      const response = await query(adminToken, { sql: expand(sql) });
      expect(response.status).toBe(403);
      expect(json<ErrorBody>(response.text).message.length).toBeGreaterThan(0);
      expect(existsSync(`${filesDir}/other.duckdb`)).toBe(false);
    });

    it('a refused EXPORT DATABASE leaves nothing behind', async () => {
      const target = `${filesDir}/export-refused`;
      expect((await query(adminToken, { sql: `EXPORT DATABASE '${target}'` })).status).toBe(403);
      expect((await query(readerToken, { sql: `EXPORT DATABASE '${target}'` })).status).toBe(403);
      // The engine creates the target folder while binding, before the statement is refused;
      // nothing is ever written into it.
      expect(existsSync(target) ? readdirSync(target) : []).toEqual([]);
    });

    it('refuses them over gRPC with PERMISSION_DENIED', async () => {
      for (const sql of ['INSTALL httpfs', "ATTACH ':memory:' AS other", 'SET threads = 1']) {
        const outcome = await callGrpc(
          coordinator.grpcAddress,
          'QueryService',
          'ExecuteQuery',
          { sql },
          adminToken,
        );
        expect({ sql, code: outcome.code }).toEqual({ sql, code: status.PERMISSION_DENIED });
      }
    });

    it("keeps the coordinator's own tables out of every write, even an admin's", async () => {
      const progress = '_krishiv_streaming_progress';
      const before = await rowsOf(`SELECT count(*) FROM ${progress}`);
      for (const sql of [
        `DELETE FROM ${progress}`,
        `UPDATE "_KRISHIV_STREAMING_PROGRESS" SET last_offset = 0`,
        `INSERT INTO ${progress} VALUES ('forged', 10, 10, 1, NULL)`,
        `DROP TABLE ${progress}`,
        `ALTER TABLE ${progress} RENAME TO gone`,
      ]) {
        const response = await query(adminToken, { sql });
        expect({ sql, status: response.status }).toEqual({ sql, status: 403 });
        expect(json<ErrorBody>(response.text).message).toMatch(/_krishiv_\* .*read-only/);
      }
      expect(await tableExists(progress)).toBe(true);
      expect(await rowsOf(`SELECT count(*) FROM ${progress}`, readerToken)).toEqual(before);
    });

    it('leaves the engine settings as they were', async () => {
      expect(
        await rowsOf(
          "SELECT current_setting('enable_external_access'), current_setting('lock_configuration')",
        ),
      ).toEqual([[false, true]]);
    });
  });

  describe('roles', () => {
    it("refuses a reader's multi-statement request that holds a write, running nothing", async () => {
      const response = await query(readerToken, { sql: 'SELECT 1; DROP TABLE t' });
      expect(response.status).toBe(403);
      expect(json<ErrorBody>(response.text).requiredRole).toBe('writer');
      expect(response.headers.get('www-authenticate')).toMatch(/insufficient_scope/);
      expect(await tableExists('t')).toBe(true);
      expect(await countOf('t')).toBe('2');
    });

    it("refuses a reader's CREATE TABLE", async () => {
      const response = await query(readerToken, { sql: 'CREATE TABLE made_by_reader (x INTEGER)' });
      expect(response.status).toBe(403);
      expect(await tableExists('made_by_reader')).toBe(false);
    });

    it("does not let a reader's EXPLAIN ANALYZE insert", async () => {
      const response = await query(readerToken, {
        sql: 'EXPLAIN ANALYZE INSERT INTO t VALUES (99, $$explained$$)',
      });
      expect(response.status).toBe(403);
      expect(await countOf('t')).toBe('2');
    });

    it("does not let a reader's EXPLAIN ANALYZE write a file", async () => {
      const path = `${filesDir}/explained-by-reader.csv`;
      const response = await query(readerToken, {
        sql: `EXPLAIN ANALYZE COPY (SELECT 42 AS answer) TO '${path}'`,
      });
      expect(response.status).toBe(403);
      expect(existsSync(path)).toBe(false);
    });

    it.each(['EXPLAIN ANALYZE CHECKPOINT', 'EXPLAIN ANALYZE SET VARIABLE leaked = 42'])(
      "refuses a reader's %s (EXPLAIN ANALYZE runs the statement it explains)",
      async (sql) => {
        expect((await query(readerToken, { sql })).status).toBe(403);
      },
    );

    it('refuses EXPLAIN ANALYZE of a statement nobody may run, even for an admin', async () => {
      const sql = 'EXPLAIN ANALYZE SET VARIABLE carried_over = 42';
      expect((await query(adminToken, { sql })).status).toBe(403);
    });

    it('lets a reader read', async () => {
      expect(await rowsOf('SELECT id FROM t ORDER BY id', readerToken)).toEqual([[1], [2]]);
    });
  });

  describe('atomic requests', () => {
    it('leaves nothing behind when the last statement fails to bind', async () => {
      const response = await query(adminToken, {
        sql:
          'CREATE TABLE atomic_a (x INTEGER); INSERT INTO atomic_a VALUES (1); ' +
          'INSERT INTO t VALUES (10, $$ten$$); SELECT * FROM no_such_table',
      });
      expect(response.status).toBe(400);
      expect(await tableExists('atomic_a')).toBe(false);
      expect(await countOf('t')).toBe('2');
    });

    it('leaves nothing behind when the last statement fails while running', async () => {
      const response = await query(adminToken, {
        sql:
          'CREATE TABLE atomic_b (x INTEGER); INSERT INTO atomic_b VALUES (1); ' +
          "UPDATE t SET name = 'changed'; SELECT error('boom')",
      });
      expect(response.status).toBe(400);
      expect(await tableExists('atomic_b')).toBe(false);
      expect(await rowsOf('SELECT name FROM t ORDER BY id')).toEqual([['one'], ['two']]);
    });

    it('leaves nothing behind when a later statement reaches outside the data dir', async () => {
      const response = await query(adminToken, {
        sql: "CREATE TABLE atomic_d (line VARCHAR); COPY atomic_d FROM '/etc/passwd'",
      });
      expectClientError(response, 'COPY FROM after CREATE');
      expect(await tableExists('atomic_d')).toBe(false);
    });

    it('keeps everything when every statement succeeds', async () => {
      const response = await query(adminToken, {
        sql: 'CREATE TABLE atomic_c (x INTEGER); INSERT INTO atomic_c VALUES (1), (2); SELECT sum(x) AS s FROM atomic_c',
      });
      expect(response.status).toBe(200);
      expect(json<QueryBody>(response.text).rows).toEqual([['3']]);
      expect(await countOf('atomic_c')).toBe('2');
    });
  });

  describe('limits', () => {
    it('truncates at maxRows and says so', async () => {
      const response = await query(adminToken, {
        sql: 'SELECT range AS n FROM range(100)',
        maxRows: 10,
      });
      expect(response.status).toBe(200);
      const body = json<QueryBody>(response.text);
      expect(body.rowCount).toBe(10);
      expect(body.rows).toHaveLength(10);
      expect(body.truncated).toBe(true);
      expect(body.rows.map((r) => r[0])).toEqual([
        '0',
        '1',
        '2',
        '3',
        '4',
        '5',
        '6',
        '7',
        '8',
        '9',
      ]);
    });

    it('truncates across the engine chunk boundary', async () => {
      const response = await query(adminToken, {
        sql: 'SELECT range AS n FROM range(5000)',
        maxRows: 2050,
      });
      const body = json<QueryBody>(response.text);
      expect(body.rowCount).toBe(2050);
      expect(body.truncated).toBe(true);
    });

    it('does not claim truncation when everything fits exactly', async () => {
      const response = await query(adminToken, { sql: 'SELECT range FROM range(10)', maxRows: 10 });
      const body = json<QueryBody>(response.text);
      expect(body.rowCount).toBe(10);
      expect(body.truncated).toBe(false);
    });

    it('truncates over gRPC too', async () => {
      const outcome = await callGrpc(
        coordinator.grpcAddress,
        'QueryService',
        'ExecuteQuery',
        { sql: 'SELECT range FROM range(100)', maxRows: 5 },
        adminToken,
      );
      expect(outcome.code).toBe(status.OK);
      expect(outcome.response.rows).toHaveLength(5);
      expect(outcome.response.rowCount).toBe('5');
      expect(outcome.response.truncated).toBe(true);
    });

    it('interrupts a long query at timeoutMs with 504', async () => {
      const started = Date.now();
      const response = await query(adminToken, { sql: ENDLESS, timeoutMs: 300 });
      const elapsed = Date.now() - started;
      expect(response.status).toBe(504);
      expect(json<ErrorBody>(response.text).message).toMatch(/timeout/);
      expect(elapsed).toBeLessThan(5000);
    });

    it('interrupts a long query at timeout_ms with DEADLINE_EXCEEDED over gRPC', async () => {
      const started = Date.now();
      const outcome = await callGrpc(
        coordinator.grpcAddress,
        'QueryService',
        'ExecuteQuery',
        { sql: ENDLESS, timeoutMs: 300 },
        adminToken,
      );
      expect(outcome.code).toBe(status.DEADLINE_EXCEEDED);
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('keeps answering while a long query runs', async () => {
      const long = query(adminToken, { sql: ENDLESS, timeoutMs: 2000 });
      await new Promise((r) => setTimeout(r, 200));
      const latencies: number[] = [];
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        const health = await fetch(`${coordinator.httpUrl}/healthz`);
        latencies.push(performance.now() - started);
        expect(health.status).toBe(200);
        await new Promise((r) => setTimeout(r, 100));
      }
      const other = await query(readerToken, { sql: 'SELECT 42 AS answer' });
      expect(other.status).toBe(200);
      expect(Math.max(...latencies)).toBeLessThan(200);
      expect((await long).status).toBe(504);
    });

    it('is usable again after a timeout', async () => {
      expect(await rowsOf('SELECT 1 AS one')).toEqual([[1]]);
    });
  });

  describe('CSV', () => {
    it('answers Accept: text/csv with RFC 4180 CSV', async () => {
      const response = await query(
        adminToken,
        {
          sql:
            "SELECT 1 AS a, 'x,y' AS b, 'say \"hi\"' AS c, NULL AS d, 'line1' || chr(10) || 'line2' AS e, " +
            '9007199254740993::BIGINT AS "big, num"',
        },
        'text/csv',
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(response.text).toBe(
        'a,b,c,d,e,"big, num"\r\n' + '1,"x,y","say ""hi""",,"line1\nline2",9007199254740993\r\n',
      );
    });

    it('returns just the header for an empty result', async () => {
      const response = await query(
        adminToken,
        { sql: 'SELECT id, name FROM t WHERE false' },
        'text/csv',
      );
      expect(response.status).toBe(200);
      expect(response.text).toBe('id,name\r\n');
    });
  });

  describe('isolation between requests', () => {
    it('carries no session state from one request into the next', async () => {
      await query(adminToken, { sql: 'EXPLAIN ANALYZE SET VARIABLE carried_over = 42' });
      expect(await rowsOf("SELECT getvariable('carried_over') AS v", readerToken)).toEqual([
        [null],
      ]);
    });

    it('carries no temporary objects from one request into the next', async () => {
      const create = await query(adminToken, {
        sql: "CREATE TEMP VIEW t AS SELECT 999 AS id, 'shadow' AS name",
      });
      expect(create.status).toBe(200);
      // A later caller on the same engine must see the real table t, not a leftover temp view.
      try {
        expect(await rowsOf('SELECT id FROM t ORDER BY id', readerToken)).toEqual([[1], [2]]);
        expect(await rowsOf('SELECT id FROM t ORDER BY id', adminToken)).toEqual([[1], [2]]);
      } finally {
        await query(adminToken, { sql: 'DROP VIEW IF EXISTS temp.main.t' });
      }
    });
  });
});
