import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { serialize } from 'pg-protocol';
import { Coordinator, REPO_ROOT, startCoordinator } from './support/coordinator';
import {
  generateRsaKey,
  JwksServer,
  mintJwt,
  startJwksServer,
  TestKey,
} from './support/jwks-server';
import { OIDC_AUDIENCE, OidcClient, OidcProvider, startOidcProvider } from './support/oidc';
import { OPERATIONS } from './support/operations';
import { PgWireClient, errorOf, Message, rowsOf, tagOf } from './support/pg-wire';
import { freePort } from './support/ports';
import { expectedOutcome, PrincipalCase, PRINCIPALS } from './support/principals';
import { expectNoSecretsIn } from './support/secrets';
import { makeCertificate } from './support/tls';

const run = promisify(execFile);

/** Debian's pgjdbc (libpostgresql-jdbc-java). */
const PGJDBC = '/usr/share/java/postgresql.jar';

interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a client program; a non-zero exit is a result to assert, not an exception. */
async function runClient(
  file: string,
  args: string[],
  env: Record<string, string> = {},
  timeout = 30_000,
): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await run(file, args, {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      timeout,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === 'number' ? e.code : -1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? '',
    };
  }
}

describe('PostgreSQL wire protocol (psql, pgjdbc, raw protocol)', () => {
  let oidc: OidcProvider;
  let coordinator: Coordinator;
  let pgPort: number;
  const tlsDir = mkdtempSync(join(tmpdir(), 'krishiv-pgwire-tls-'));
  const serviceToken = randomBytes(32).toString('base64url');
  const uiToken = randomBytes(32).toString('base64url');
  const garbageToken = `garbage-${randomBytes(24).toString('hex')}`;
  const oidcTokens = new Map<OidcClient, string>();
  const secretsUsed = new Set<string>([serviceToken, uiToken, garbageToken]);
  const table = `bi_${randomBytes(4).toString('hex')}`;

  const tokenOf = (principal: PrincipalCase): string => {
    if (principal.credentials === 'none') return '';
    if (principal.credentials === 'invalid') return garbageToken;
    if (principal.client) return oidcTokens.get(principal.client) as string;
    return principal.method === 'service-token' ? serviceToken : uiToken;
  };
  const reader = () => oidcTokens.get('reader-client') as string;
  const writer = () => oidcTokens.get('writer-client') as string;

  const psql = (token: string, args: string[], sslmode = 'disable') =>
    runClient(
      'psql',
      [
        '-X',
        '-v',
        'ON_ERROR_STOP=1',
        '-v',
        'VERBOSITY=verbose',
        `host=127.0.0.1 port=${pgPort} user=analyst dbname=krishiv sslmode=${sslmode} connect_timeout=10`,
        ...args,
      ],
      { PGPASSWORD: token },
    );

  beforeAll(async () => {
    makeCertificate(tlsDir);
    oidc = await startOidcProvider();
    pgPort = await freePort();
    coordinator = await startCoordinator({
      env: {
        KRISHIV_PG_ADDR: `127.0.0.1:${pgPort}`,
        KRISHIV_OIDC_ISSUER: oidc.issuer,
        KRISHIV_OIDC_AUDIENCE: OIDC_AUDIENCE,
        KRISHIV_COORDINATOR_BEARER_TOKEN: serviceToken,
        KRISHIV_UI_TOKEN: uiToken,
        KRISHIV_TLS_CERT: join(tlsDir, 'cert.pem'),
        KRISHIV_TLS_KEY: join(tlsDir, 'key.pem'),
      },
      tlsCa: readFileSync(join(tlsDir, 'cert.pem')),
    });
    for (const principal of PRINCIPALS) {
      if (!principal.client) continue;
      const token = await oidc.token(principal.client);
      oidcTokens.set(principal.client, token);
      secretsUsed.add(token);
    }
  });

  afterAll(async () => {
    await coordinator?.stop();
    await oidc?.stop();
    rmSync(tlsDir, { recursive: true, force: true });
  });

  describe('psql', () => {
    it('lets a reader run a SELECT, over TLS', async () => {
      const result = await psql(reader(), ['-At', '-c', 'SELECT 41 + 1 AS answer'], 'require');
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe('42\n');
      const info = await psql(reader(), ['-c', '\\conninfo'], 'require');
      expect(info.stdout).toMatch(/SSL connection \(protocol: TLS/);
    });

    it('refuses a reader CREATE TABLE with 42501 and creates nothing', async () => {
      const result = await psql(reader(), ['-c', `CREATE TABLE ${table}_denied (id INTEGER)`]);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('ERROR:  42501:');
      expect(result.stderr).toContain('query:write needs role writer; you have reader');
      const listed = await psql(reader(), ['-At', '-c', '\\dt']);
      expect(listed.stdout).not.toContain(`${table}_denied`);
    });

    it('lets a writer create and fill a table', async () => {
      const result = await psql(writer(), [
        '-c',
        `CREATE TABLE ${table} (id INTEGER NOT NULL, name VARCHAR DEFAULT 'n/a', amount DECIMAL(18,2), big BIGINT)`,
        '-c',
        `INSERT INTO ${table} VALUES (1, 'one', 1.10, 9007199254740993), (2, 'two', 2.25, -1), (3, 'three', NULL, NULL)`,
      ]);
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe('CREATE TABLE\nINSERT 0 3\n');
    });

    it('refuses a wrong token (28P01 at login)', async () => {
      const result = await psql(garbageToken, ['-c', 'SELECT 1']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('password authentication failed for user "analyst"');
    });

    it('records refused logins and statements in the audit trail, without the token', async () => {
      const body = await new Promise<string>((resolve, reject) => {
        const url = `${coordinator.httpUrl.replace('http:', 'https:')}/api/v1/audit?transport=pgwire&decision=deny&pageSize=200`;
        const req = httpsRequest(
          url,
          {
            ca: readFileSync(join(tlsDir, 'cert.pem')),
            headers: { authorization: `Bearer ${serviceToken}` },
          },
          (res) => {
            let data = '';
            res.on('data', (c) => (data += c));
            res.on('end', () => resolve(data));
          },
        );
        req.on('error', reject);
        req.end();
      });
      const events = (JSON.parse(body) as { events: Record<string, unknown>[] }).events;
      expect(events).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            action: 'pgwire:login',
            decision: 'deny',
            transport: 'pgwire',
            clientAddress: '127.0.0.1',
            reason: expect.stringMatching(/^28P01 /),
          }),
          expect.objectContaining({
            action: 'query:write',
            decision: 'deny',
            transport: 'pgwire',
            role: 'reader',
            authMethod: 'oidc',
            reason: expect.stringMatching(/^42501 query:write needs role writer/),
          }),
        ]),
      );
      expectNoSecretsIn(body, secretsUsed);
    });

    it('lists the table with \\dt and describes it with \\d', async () => {
      const listed = await psql(reader(), ['-At', '-c', '\\dt']);
      expect(listed.stderr).toBe('');
      expect(listed.stdout.split('\n')).toContain(`main|${table}|table|krishiv`);
      expect(listed.stdout).not.toContain('_krishiv_streaming_progress');
      const described = await psql(reader(), ['-c', `\\d ${table}`]);
      expect(described.stderr).toBe('');
      expect(described.stdout).toContain(`Table "main.${table}"`);
      expect(described.stdout).toMatch(/id\s+\|\s+integer\s+\|\s+\|\s+not null\s+\|/);
      expect(described.stdout).toMatch(/amount\s+\|\s+numeric\(18,2\)/);
      expect(described.stdout).toMatch(/name\s+\|\s+text\s+\|\s+\|\s+\|\s+'n\/a'/);
    });

    it('reads values exactly and prints command tags', async () => {
      const result = await psql(reader(), [
        '-At',
        '-c',
        `SELECT id, name, amount, big FROM ${table} ORDER BY id`,
      ]);
      expect(result.stdout).toBe('1|one|1.10|9007199254740993\n2|two|2.25|-1\n3|three||\n');
    });
  });

  describe('pgjdbc (Debian libpostgresql-jdbc-java)', () => {
    const classes = mkdtempSync(join(tmpdir(), 'krishiv-jdbc-'));

    afterAll(() => rmSync(classes, { recursive: true, force: true }));

    it('connects with a token, runs a prepared statement, reads metadata, exact numbers, cancels and commits by hand', async () => {
      expect(existsSync(PGJDBC)).toBe(true);
      const compiled = await runClient('javac', [
        '-d',
        classes,
        join(REPO_ROOT, 'test', 'fixtures', 'PgwireJdbcCheck.java'),
      ]);
      expect(compiled.stderr).toBe('');
      const result = await runClient(
        'java',
        [
          '-cp',
          `${PGJDBC}:${classes}`,
          'PgwireJdbcCheck',
          `jdbc:postgresql://127.0.0.1:${pgPort}/krishiv?sslmode=require`,
          writer(),
          table,
        ],
        {},
        60_000,
      );
      expect(result.stderr).toBe('');
      const lines = Object.fromEntries(
        result.stdout
          .trim()
          .split('\n')
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
      expect(lines).toMatchObject({
        connected: 'PostgreSQL',
        prepared: '2:two,3:three',
        bigint: '9007199254740993',
        bigintExact: 'true',
        decimal: '12345678901234567890.123456789',
        bigintType: 'int8',
        decimalType: 'numeric',
        cancel: '57014',
        afterCancel: '42',
        // The rolled-back insert is gone; the committed two are there.
        manualCommit: '1,3',
        // Text on the first runs, binary once pgjdbc prepares the statement on the server.
        repeated:
          '-0.05|0.000|12345678901234567890.123456789|100000000|01:02:03|2024-02-29|2024-01-02 03:04:05.123456|[1, 2, null]|9007199254740993',
        repeatedStable: '1',
      });
      expect(lines.tables.split(',')).toContain(`main.${table}`);
      expect(lines.columns).toBe('id:int4,name:text,amount:numeric,big:int8');
      // Cancelled 0.7 s in: far before the query could finish on its own.
      expect(Number(lines.cancelMs)).toBeLessThan(10_000);
    }, 60_000);
  });

  describe('permission matrix over the wire protocol (query:read, query:write × every caller)', () => {
    // The catalog's sample statement for each query action (REST and every query RPC share it).
    const samples = (['query:read', 'query:write'] as const).map((action) => {
      const op = OPERATIONS.find((candidate) => candidate.action === action);
      if (!op) throw new Error(`the operation catalog has no ${action} operation`);
      return op;
    });
    const cells = samples.flatMap((op) =>
      PRINCIPALS.map((principal) => ({
        op,
        principal,
        outcome: expectedOutcome(principal, op.action),
        label: `${op.action} × ${principal.name}`,
      })),
    );
    const sqlOf = (op: (typeof cells)[number]['op']) => (op.rest.body?.() as { sql: string }).sql;

    const expectOutcome = (outcome: string, login: Message[], answer: Message[] | undefined) => {
      if (outcome === 'unauthenticated' || outcome === 'invalid-token') {
        expect(errorOf(login)).toMatchObject({ severity: 'FATAL', code: '28P01' });
        return;
      }
      expect(errorOf(login)).toBeUndefined();
      const error = errorOf(answer ?? []);
      if (outcome === 'forbidden') {
        expect(error).toMatchObject({ severity: 'ERROR', code: '42501' });
      } else {
        expect(error).toBeUndefined();
        expect(tagOf(answer ?? [])).toMatch(/^(SELECT 1|CREATE TABLE)$/);
      }
    };

    test.each(cells)('simple protocol: $label → $outcome', async ({ op, principal, outcome }) => {
      const client = await PgWireClient.connect(pgPort);
      try {
        const login = await client.login(tokenOf(principal));
        const answer = errorOf(login) ? undefined : await client.query(sqlOf(op));
        expectOutcome(outcome, login, answer);
      } finally {
        client.end();
      }
    });

    test.each(cells)('extended protocol: $label → $outcome', async ({ op, principal, outcome }) => {
      const client = await PgWireClient.connect(pgPort);
      try {
        const login = await client.login(tokenOf(principal));
        let answer: Message[] | undefined;
        if (!errorOf(login)) {
          client.write(
            Buffer.concat([
              serialize.parse({ text: sqlOf(op) }),
              serialize.bind({}),
              serialize.describe({ type: 'P' }),
              serialize.execute({}),
              serialize.sync(),
            ]),
          );
          answer = await client.until('readyForQuery');
        }
        expectOutcome(outcome, login, answer);
      } finally {
        client.end();
      }
    });
  });

  describe('protocol', () => {
    let client: PgWireClient;

    beforeEach(async () => {
      client = await PgWireClient.connect(pgPort);
      expect(errorOf(await client.login(serviceToken))).toBeUndefined();
    });

    afterEach(() => client.end());

    it('reports the session parameters drivers read and a cancel key', async () => {
      const fresh = await PgWireClient.connect(pgPort);
      const login = await fresh.login(reader(), 'dashboards');
      fresh.end();
      const status = Object.fromEntries(
        login
          .filter((m) => m.name === 'parameterStatus')
          .map((m) => [m.parameterName, m.parameterValue]),
      );
      expect(status).toMatchObject({
        server_version: '15.0',
        client_encoding: 'UTF8',
        DateStyle: 'ISO, MDY',
        integer_datetimes: 'on',
        standard_conforming_strings: 'on',
        session_authorization: 'dashboards',
      });
      expect(login.find((m) => m.name === 'backendKeyData')).toBeDefined();
    });

    it('accepts a token pasted with its "Bearer " prefix', async () => {
      const pasted = await PgWireClient.connect(pgPort);
      expect(errorOf(await pasted.login(`Bearer ${reader()}`))).toBeUndefined();
      expect(rowsOf(await pasted.query('SELECT 1'))).toEqual([['1']]);
      pasted.end();
    });

    it('binds parameters and honours portal row limits', async () => {
      client.write(
        Buffer.concat([
          serialize.parse({
            name: 'evens',
            text: 'SELECT range AS n FROM range(18) WHERE range % 2 = 0 AND range >= $1',
          }),
          serialize.describe({ type: 'S', name: 'evens' }),
          serialize.bind({ statement: 'evens', portal: 'p', values: ['4'] }),
          serialize.execute({ portal: 'p', rows: 3 }),
          serialize.execute({ portal: 'p', rows: 3 }),
          serialize.execute({ portal: 'p', rows: 3 }),
          serialize.sync(),
        ]),
      );
      const messages = await client.until('readyForQuery');
      expect(messages.map((m) => m.name)).toEqual([
        'parseComplete',
        'parameterDescription',
        'rowDescription',
        'bindComplete',
        'dataRow',
        'dataRow',
        'dataRow',
        'portalSuspended',
        'dataRow',
        'dataRow',
        'dataRow',
        'portalSuspended',
        'dataRow',
        'commandComplete',
        'readyForQuery',
      ]);
      expect(messages[1].dataTypeIDs).toEqual([20]);
      expect(rowsOf(messages).map((r) => r[0])).toEqual(['4', '6', '8', '10', '12', '14', '16']);
      // PostgreSQL counts the rows of the Execute that completed the portal.
      expect(tagOf(messages)).toBe('SELECT 1');
    });

    it('gives every engine type its PostgreSQL type OID and text form', async () => {
      const columns: [string, number, string | null][] = [
        ['true', 16, 't'],
        ['1::TINYINT', 21, '1'],
        ['2::SMALLINT', 21, '2'],
        ['3::INTEGER', 23, '3'],
        ['9007199254740993::BIGINT', 20, '9007199254740993'],
        ['4::UTINYINT', 21, '4'],
        ['5::USMALLINT', 23, '5'],
        ['6::UINTEGER', 20, '6'],
        ['18446744073709551615::UBIGINT', 1700, '18446744073709551615'],
        [
          '170141183460469231731687303715884105727::HUGEINT',
          1700,
          '170141183460469231731687303715884105727',
        ],
        ['1.5::FLOAT', 700, '1.5'],
        ['0.1::FLOAT', 700, '0.1'],
        ['0.1::DOUBLE', 701, '0.1'],
        ['1e-7::DOUBLE', 701, '1e-07'],
        ["'NaN'::DOUBLE", 701, 'NaN'],
        ['123.456::DECIMAL(18,3)', 1700, '123.456'],
        ["'héllo'", 25, 'héllo'],
        ["'\\xDE\\xAD'::BLOB", 17, '\\xdead'],
        ["DATE '2024-01-02'", 1082, '2024-01-02'],
        ["DATE '0044-03-15 (BC)'", 1082, '0044-03-15 BC'],
        ["TIME '03:04:05.25'", 1083, '03:04:05.25'],
        ["TIMESTAMP '2024-01-02 03:04:05.123456'", 1114, '2024-01-02 03:04:05.123456'],
        ["TIMESTAMPTZ '2024-01-02 03:04:05.5-05:30'", 1184, '2024-01-02 08:34:05.5+00'],
        ["INTERVAL '1 year 2 months 3 days 04:05:06.5'", 1186, '1 year 2 mons 3 days 04:05:06.5'],
        [
          "'6ba7b810-9dad-11d1-80b4-00c04fd430c8'::UUID",
          2950,
          '6ba7b810-9dad-11d1-80b4-00c04fd430c8',
        ],
        ['[1, 2, NULL]', 1007, '{1,2,NULL}'],
        ["['a b', 'c']", 1009, '{"a b",c}'],
        ["{'k': 1, 's': 'x'}", 114, '{"k":1,"s":"x"}'],
        ["MAP {'k': 1}", 114, '[{"key":"k","value":1}]'],
        ['\'{"a": 1}\'::JSON', 114, '{"a": 1}'],
        ['NULL::INTEGER', 23, null],
      ];
      const sql = `SELECT ${columns.map(([expression], i) => `${expression} AS c${i}`).join(', ')}`;
      const messages = await client.query(sql);
      expect(errorOf(messages)).toBeUndefined();
      const description = messages.find((m) => m.name === 'rowDescription');
      expect(description?.fields.map((f: { dataTypeID: number }) => f.dataTypeID)).toEqual(
        columns.map((c) => c[1]),
      );
      expect(rowsOf(messages)[0]).toEqual(columns.map((c) => c[2]));
      expect(description?.fields[15].dataTypeModifier).toBe(((18 << 16) | 3) + 4);
    });

    it('answers syntax errors with 42601 and recovers', async () => {
      const bad = await client.query('SELEC 1');
      expect(errorOf(bad)).toMatchObject({ code: '42601' });
      expect(bad[bad.length - 1]).toMatchObject({ name: 'readyForQuery', status: 'I' });
      client.write(
        Buffer.concat([
          serialize.parse({ text: 'SELEC 1' }),
          serialize.bind({}),
          serialize.execute({}),
          serialize.sync(),
        ]),
      );
      const extended = await client.until('readyForQuery');
      expect(extended.map((m) => m.name)).toEqual(['error', 'readyForQuery']);
      expect(rowsOf(await client.query('SELECT 7'))).toEqual([['7']]);
    });

    it('answers session statements itself and keeps engine settings locked', async () => {
      const threads = rowsOf(await client.query("SELECT current_setting('threads')"))[0][0];
      for (const statement of [
        'SET extra_float_digits = 3',
        "SET application_name = 'PostgreSQL JDBC Driver'",
        'SET DateStyle = ISO',
        'SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED',
      ]) {
        const answer = await client.query(statement);
        expect({ statement, error: errorOf(answer)?.message, tag: tagOf(answer) }).toEqual({
          statement,
          error: undefined,
          tag: 'SET',
        });
      }
      const shown = await client.query('SHOW TRANSACTION ISOLATION LEVEL');
      expect(rowsOf(shown)).toEqual([['repeatable read']]);
      expect(rowsOf(await client.query('SHOW application_name'))).toEqual([
        ['PostgreSQL JDBC Driver'],
      ]);
      // SHOW of something that is not a setting is the engine's (SHOW TABLES), on both protocols.
      expect(rowsOf(await client.query('SHOW TABLES')).flat()).toContain(table);
      client.write(
        Buffer.concat([
          serialize.parse({ text: 'SHOW TABLES' }),
          serialize.bind({}),
          serialize.describe({ type: 'P' }),
          serialize.execute({}),
          serialize.sync(),
        ]),
      );
      expect(rowsOf(await client.until('readyForQuery')).flat()).toContain(table);
      const denied = await client.query('SET threads = 1');
      expect(errorOf(denied)).toMatchObject({ code: '42704' });
      expect(rowsOf(await client.query("SELECT current_setting('threads')"))[0][0]).toBe(threads);
      expect(errorOf(await client.query("SET client_encoding = 'LATIN1'"))).toMatchObject({
        code: '22023',
      });
    });

    it('sends binary results when the driver asks for them', async () => {
      // pg-protocol's parser reads fields as UTF-8 text; the values are chosen so that every byte
      // of their binary form is below 0x80 and comes through unchanged.
      const binary = await PgWireClient.connect(pgPort);
      expect(errorOf(await binary.login(serviceToken))).toBeUndefined();
      binary.write(
        Buffer.concat([
          serialize.parse({
            text: "SELECT 7::INTEGER AS i, 9007199254740993::BIGINT AS b, 2.5::DOUBLE AS d, true AS t, 'é' AS s, DATE '2000-01-03' AS day",
          }),
          serialize.bind({ binary: true }),
          serialize.describe({ type: 'P' }),
          serialize.execute({}),
          serialize.sync(),
        ]),
      );
      const messages = await binary.until('readyForQuery');
      binary.end();
      expect(errorOf(messages)).toBeUndefined();
      const description = messages.find((m) => m.name === 'rowDescription');
      expect(description?.fields.map((f: { format: string }) => f.format)).toEqual(
        Array(6).fill('binary'),
      );
      const [i, b, d, t, s, day] = rowsOf(messages)[0].map((field) =>
        Buffer.from(field as string, 'latin1'),
      );
      expect(i.readInt32BE(0)).toBe(7);
      expect(b.readBigInt64BE(0)).toBe(9007199254740993n);
      expect(d.readDoubleBE(0)).toBe(2.5);
      expect([...t]).toEqual([1]);
      expect(s.toString('latin1')).toBe('é');
      expect(day.readInt32BE(0)).toBe(2); // days since 2000-01-01
    });

    it('applies statement_timeout (capped by KRISHIV_QUERY_TIMEOUT_MS) with 57014', async () => {
      expect(tagOf(await client.query('SET statement_timeout = 300'))).toBe('SET');
      const started = Date.now();
      const answer = await client.query('SELECT sum(hash(range)) FROM range(1000000000000)');
      expect(errorOf(answer)).toMatchObject({ code: '57014' });
      expect(errorOf(answer)?.message).toContain('statement timeout');
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(rowsOf(await client.query('SELECT 1'))).toEqual([['1']]);
    });

    describe('transaction blocks', () => {
      const statusOf = (answer: any[]) => answer[answer.length - 1]?.status;
      let other: PgWireClient;

      beforeAll(async () => {
        other = await PgWireClient.connect(pgPort);
        expect(
          errorOf(await other.login(oidcTokens.get('writer-client') as string)),
        ).toBeUndefined();
      });

      afterAll(() => other.end());

      it('ROLLBACK undoes every statement of the block', async () => {
        const name = `${table}_rolled_back`;
        const begin = await client.query('BEGIN');
        expect(tagOf(begin)).toBe('BEGIN');
        expect(statusOf(begin)).toBe('T');
        expect(tagOf(await client.query(`CREATE TABLE ${name} (id INTEGER)`))).toBe('CREATE TABLE');
        expect(tagOf(await client.query(`INSERT INTO ${name} VALUES (1), (2)`))).toBe('INSERT 0 2');
        // Inside the block its own writes are visible.
        expect(rowsOf(await client.query(`SELECT count(*) FROM ${name}`))).toEqual([['2']]);
        const rollback = await client.query('ROLLBACK');
        expect(tagOf(rollback)).toBe('ROLLBACK');
        expect(statusOf(rollback)).toBe('I');
        expect(errorOf(await client.query(`SELECT * FROM ${name}`))?.message).toMatch(
          /does not exist/,
        );
      });

      it('COMMIT makes the block visible to other sessions at once, and not before', async () => {
        const name = `${table}_committed`;
        await client.query('BEGIN');
        await client.query(`CREATE TABLE ${name} (id INTEGER)`);
        await client.query(`INSERT INTO ${name} VALUES (1), (2), (3)`);
        expect(errorOf(await other.query(`SELECT count(*) FROM ${name}`))?.message).toMatch(
          /does not exist/,
        );
        const commit = await client.query('COMMIT');
        expect(tagOf(commit)).toBe('COMMIT');
        expect(statusOf(commit)).toBe('I');
        expect(rowsOf(await other.query(`SELECT count(*) FROM ${name}`))).toEqual([['3']]);
      });

      it('after an error, refuses statements with 25P02 until the block ends; COMMIT then rolls back', async () => {
        const name = `${table}_aborted`;
        expect(tagOf(await client.query(`CREATE TABLE ${name} (id INTEGER)`))).toBe('CREATE TABLE');
        await client.query('BEGIN');
        await client.query(`INSERT INTO ${name} VALUES (1)`);
        const failed = await client.query('SELECT * FROM no_such_table_here');
        expect(errorOf(failed)).toBeDefined();
        expect(statusOf(failed)).toBe('E');
        const ignored = await client.query(`INSERT INTO ${name} VALUES (2)`);
        expect(errorOf(ignored)).toMatchObject({ code: '25P02' });
        const commit = await client.query('COMMIT');
        expect(tagOf(commit)).toBe('ROLLBACK');
        expect(statusOf(commit)).toBe('I');
        expect(rowsOf(await client.query(`SELECT count(*) FROM ${name}`))).toEqual([['0']]);
      });

      it('rolls back the block of a session that ends without COMMIT', async () => {
        const name = `${table}_abandoned`;
        const leaving = await PgWireClient.connect(pgPort);
        expect(
          errorOf(await leaving.login(oidcTokens.get('writer-client') as string)),
        ).toBeUndefined();
        await leaving.query('BEGIN');
        expect(tagOf(await leaving.query(`CREATE TABLE ${name} (id INTEGER)`))).toBe(
          'CREATE TABLE',
        );
        leaving.end();
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(errorOf(await other.query(`SELECT * FROM ${name}`))?.message).toMatch(
          /does not exist/,
        );
      });

      it("keeps a reader's block read-only: a write is refused with 42501 and fails the block", async () => {
        const reading = await PgWireClient.connect(pgPort);
        expect(
          errorOf(await reading.login(oidcTokens.get('reader-client') as string)),
        ).toBeUndefined();
        expect(tagOf(await reading.query('BEGIN'))).toBe('BEGIN');
        expect(rowsOf(await reading.query('SELECT 1'))).toEqual([['1']]);
        const refused = await reading.query(`CREATE TABLE ${table}_by_reader (id INTEGER)`);
        expect(errorOf(refused)).toMatchObject({ code: '42501' });
        expect(statusOf(refused)).toBe('E');
        expect(tagOf(await reading.query('ROLLBACK'))).toBe('ROLLBACK');
        reading.end();
      });
    });

    it('answers catalog queries only to callers with query:read, and never writes through them', async () => {
      const norole = await PgWireClient.connect(pgPort);
      expect(
        errorOf(await norole.login(oidcTokens.get('norole-client') as string)),
      ).toBeUndefined();
      const denied = await norole.query('SELECT relname FROM pg_catalog.pg_class');
      norole.end();
      expect(errorOf(denied)).toMatchObject({ code: '42501' });
      expect(rowsOf(denied)).toEqual([]);
      const copy = await client.query(
        `CREATE TABLE ${table}_catalog_copy AS SELECT relname FROM pg_catalog.pg_class`,
      );
      expect(errorOf(copy)).toMatchObject({ code: '42501' });
      const tables = await client.query(
        `SELECT count(*) FROM information_schema.tables WHERE table_name = '${table}_catalog_copy'`,
      );
      expect(rowsOf(tables)).toEqual([['0']]);
    });

    it('refuses what the sandbox refuses, with 42501', async () => {
      const attach = await client.query("ATTACH '/tmp/elsewhere.duckdb' AS other");
      expect(errorOf(attach)).toMatchObject({ code: '42501' });
      const file = await client.query("SELECT * FROM read_csv('/etc/passwd')");
      expect(errorOf(file)?.code).toBeDefined();
      expect(rowsOf(file)).toEqual([]);
    });
  });

  describe('bad input', () => {
    /** A session that works before, during and after the bad connection. */
    async function healthySession(): Promise<PgWireClient> {
      const client = await PgWireClient.connect(pgPort);
      expect(errorOf(await client.login(serviceToken))).toBeUndefined();
      return client;
    }

    const stillWorks = async (client: PgWireClient) =>
      expect(rowsOf(await client.query('SELECT 1'))).toEqual([['1']]);

    it('closes a connection that sends garbage', async () => {
      const healthy = await healthySession();
      const bad = await PgWireClient.connect(pgPort);
      bad.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
      const answer = await bad.until('never');
      await bad.done;
      expect(errorOf(answer)).toMatchObject({ severity: 'FATAL', code: '08P01' });
      await stillWorks(healthy);
      healthy.end();
    });

    it('closes a startup packet with an unknown protocol version', async () => {
      const healthy = await healthySession();
      const bad = await PgWireClient.connect(pgPort);
      const packet = Buffer.alloc(8);
      packet.writeInt32BE(8, 0);
      packet.writeInt32BE((9 << 16) | 9, 4);
      bad.write(packet);
      const answer = await bad.until('never');
      await bad.done;
      expect(errorOf(answer)).toMatchObject({ severity: 'FATAL', code: '0A000' });
      expect(errorOf(answer)?.message).toContain('unsupported frontend protocol 9.9');
      await stillWorks(healthy);
      healthy.end();
    });

    it('closes a startup packet whose parameters are cut short', async () => {
      const bad = await PgWireClient.connect(pgPort);
      const body = Buffer.from('user\0analyst', 'latin1');
      const packet = Buffer.alloc(8 + body.length);
      packet.writeInt32BE(packet.length, 0);
      packet.writeInt32BE(3 << 16, 4);
      body.copy(packet, 8);
      bad.write(packet);
      const answer = await bad.until('never');
      await bad.done;
      expect(errorOf(answer)).toMatchObject({ severity: 'FATAL', code: '08P01' });
    });

    it('closes a message that claims 100 MiB without buffering it', async () => {
      const healthy = await healthySession();
      const bad = await healthySession();
      const header = Buffer.alloc(5);
      header.write('Q', 0);
      header.writeInt32BE(100 * 1024 * 1024, 1);
      bad.write(header);
      const answer = await bad.until('never');
      await bad.done;
      expect(errorOf(answer)).toMatchObject({ severity: 'FATAL', code: '08P01' });
      expect(errorOf(answer)?.message).toContain('invalid message length 104857600');
      await stillWorks(healthy);
      healthy.end();
    });

    it('closes a connection that sends nothing', async () => {
      const healthy = await healthySession();
      const silent = await PgWireClient.connect(pgPort);
      const started = Date.now();
      const answer = await silent.until('never', 20_000);
      await silent.done;
      expect(errorOf(answer)).toMatchObject({ severity: 'FATAL', code: '08006' });
      expect(Date.now() - started).toBeGreaterThan(5_000);
      await stillWorks(healthy);
      healthy.end();
    }, 30_000);
  });

  it('never logs a token', () => {
    expectNoSecretsIn(coordinator.logs(), secretsUsed);
    expect(coordinator.logs()).toContain('pgwire permission-denied (42501)');
    expect(coordinator.logs()).toContain('pgwire authentication-failed (28P01)');
  });
});

describe('PostgreSQL wire protocol in production (TLS required off loopback, expiring tokens)', () => {
  const tlsDir = mkdtempSync(join(tmpdir(), 'krishiv-pgwire-prod-'));
  let ca: Buffer;
  let jwks: JwksServer;
  let coordinator: Coordinator;
  let pgPort: number;
  let key: TestKey;
  const serviceToken = randomBytes(32).toString('base64url');
  const audience = 'krishiv-pg';

  const token = (lifetimeSecs: number) => {
    const now = Math.floor(Date.now() / 1000);
    return mintJwt(key, {
      iss: jwks.issuer,
      aud: audience,
      sub: 'short-lived',
      iat: now,
      exp: now + lifetimeSecs,
      'https://krishiv/roles': ['reader'],
    });
  };

  beforeAll(async () => {
    makeCertificate(tlsDir);
    ca = readFileSync(join(tlsDir, 'cert.pem'));
    key = await generateRsaKey('pg-expiry');
    jwks = await startJwksServer([key.jwk]);
    pgPort = await freePort();
    coordinator = await startCoordinator({
      env: {
        KRISHIV_PRODUCTION: '1',
        // Every interface: only TLS sessions may send a password.
        KRISHIV_PG_ADDR: `0.0.0.0:${pgPort}`,
        KRISHIV_OIDC_ISSUER: jwks.issuer,
        KRISHIV_OIDC_AUDIENCE: audience,
        KRISHIV_OIDC_CLOCK_SKEW_SECS: '0',
        KRISHIV_COORDINATOR_BEARER_TOKEN: serviceToken,
        KRISHIV_TLS_CERT: join(tlsDir, 'cert.pem'),
        KRISHIV_TLS_KEY: join(tlsDir, 'key.pem'),
      },
      tlsCa: ca,
    });
  });

  afterAll(async () => {
    await coordinator?.stop();
    await jwks?.close();
    rmSync(tlsDir, { recursive: true, force: true });
  });

  it('refuses a login without TLS (28000) before asking for the password', async () => {
    const plain = await PgWireClient.connect(pgPort);
    const answer = await plain.login(serviceToken);
    await plain.done;
    expect(answer).toHaveLength(1);
    expect(errorOf(answer)).toMatchObject({ severity: 'FATAL', code: '28000' });
    expect(errorOf(answer)?.message).toContain('TLS is required');
  });

  it('accepts the same login over TLS', async () => {
    const secure = await PgWireClient.connect(pgPort, ca);
    expect(errorOf(await secure.login(serviceToken))).toBeUndefined();
    expect(rowsOf(await secure.query('SELECT 1'))).toEqual([['1']]);
    secure.end();
  });

  it('ends a session whose token expired at the next statement with 28000', async () => {
    const expiring = await token(6);
    const client = await PgWireClient.connect(pgPort, ca);
    expect(errorOf(await client.login(expiring))).toBeUndefined();
    expect(rowsOf(await client.query('SELECT 1'))).toEqual([['1']]);
    const exp = JSON.parse(Buffer.from(expiring.split('.')[1], 'base64url').toString()).exp;
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, exp * 1000 - Date.now()) + 1100),
    );
    const answer = await client.query('SELECT 1');
    await client.done;
    expect(errorOf(answer)).toMatchObject({ severity: 'FATAL', code: '28000' });
    expect(rowsOf(answer)).toEqual([]);
    expect(coordinator.logs()).toContain('pgwire session-expired (28000)');
    expectNoSecretsIn(coordinator.logs(), [expiring, serviceToken]);
  }, 30_000);
});
