import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fc from 'fast-check';
import {
  DuckDBConnection,
  DuckDBExtractedStatements,
  DuckDBInstance,
  DuckDBPreparedStatement,
} from '@duckdb/node-api';
import { requiredRole } from '../access/permissions';
import { Principal, Role, roleAllows } from '../access/principal';
import { CoordinatorError } from '../common/errors/coordinator.error';
import type { EngineService } from './engine.service';
import { collectRows } from './result-set';
import { SqlRunner } from './sql-runner';
import { classifyStatement } from './statement-classifier';

/** Text the runner itself sends: transaction control and its own catalog check. */
const COORDINATOR_TEXT =
  /^(BEGIN TRANSACTION( READ ONLY)?|COMMIT|ROLLBACK|SELECT f\.function_name FROM system\.main\.duckdb_functions\(\) .*|SELECT system\.main\.error\('refused'\))$/;

const CASES = 1000;

describe('SqlRunner: no unchecked text reaches the engine', () => {
  let dir: string;
  let files: string;
  let instance: DuckDBInstance;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'krishiv-runner-'));
    files = join(dir, 'files');
    mkdirSync(files);
    instance = await DuckDBInstance.create(join(dir, 'engine.duckdb'), {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    });
    const setup = await instance.connect();
    await setup.run(`SET temp_directory = '${join(dir, 'engine.tmp')}'`);
    await setup.run(`SET allowed_directories = ['${files}/']`);
    await setup.run('SET enable_external_access = false');
    await setup.run('SET lock_configuration = true');
    await setup.run('CREATE TABLE t (x INTEGER); CREATE TABLE _krishiv_p (x INTEGER)');
    setup.closeSync();
  });

  afterAll(() => {
    instance?.closeSync();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A bind-time coin: the statement does not prepare when `ok` is false. */
  const guard = (ok: boolean) => `CASE WHEN ${ok} THEN 1 ELSE error('bind') END`;
  /** A run-time coin: the statement prepares, then fails while running. */
  const boom = (ok: boolean) => `CASE WHEN x > 0 AND NOT ${ok} THEN error('run') ELSE 1 END`;

  const statement = fc.oneof(
    fc.boolean().map((ok) => `SELECT count(*) FROM range(${guard(ok)})`),
    fc.boolean().map((ok) => `SELECT ${boom(ok)} FROM t`),
    fc.boolean().map((ok) => `INSERT INTO t SELECT 1 FROM range(${guard(ok)})`),
    fc.constant('DELETE FROM t WHERE x = 1'),
    fc.nat(5).map((n) => `CREATE TABLE IF NOT EXISTS u${n} (x INTEGER)`),
    fc
      .tuple(fc.boolean(), fc.nat(5))
      .map(([ok, n]) => `COPY (SELECT 'x' AS m FROM range(${guard(ok)})) TO '${files}/p${n}.csv'`),
    fc
      .boolean()
      .map((ok) => `COPY (SELECT 1 FROM range(${guard(ok)})) TO '${files}/_krishiv_s.csv'`),
    fc.constant('INSERT INTO _krishiv_p VALUES (1)'),
    fc.constant("ATTACH ':memory:' AS other"),
    fc.constant('PRAGMA threads = 1'),
    fc.constant('SET threads = 1'),
    fc.constant("CREATE MACRO lower(x) AS 'same'"),
    fc.constant('CREATE OR REPLACE MACRO own_macro(a) AS a'),
  );

  const scenario = fc.record({
    role: fc.constantFrom<Role | null>('reader', 'writer', 'admin', null),
    statements: fc.array(statement, { minLength: 1, maxLength: 4 }),
    // Which prepare calls fail, in order: a failure the bindings could report at any call.
    failures: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  });

  async function state(connection: DuckDBConnection) {
    const reader = await connection.runAndReadAll(
      "SELECT (SELECT count(*) FROM t), (SELECT count(*) FROM _krishiv_p), (SELECT count(*) FROM duckdb_tables()), (SELECT count(*) FROM duckdb_databases()), (SELECT count(*) FROM duckdb_functions() WHERE NOT internal AND function_name = 'lower')",
    );
    return JSON.stringify(reader.getRows(), (_k, v: unknown) =>
      typeof v === 'bigint' ? String(v) : v,
    );
  }

  /**
   * The engine connection as the runner sees it, recording every text and every prepared
   * statement that runs, failing the prepare calls the scenario picks.
   */
  function watched(connection: DuckDBConnection, failures: boolean[], ran: string[]) {
    let call = 0;
    const wrapPrepared = (prepared: DuckDBPreparedStatement) =>
      new Proxy(prepared, {
        get(target, key) {
          const value = Reflect.get(target, key, target) as unknown;
          if ((key === 'run' || key === 'stream') && typeof value === 'function') {
            return (...args: unknown[]) => {
              ran.push(`prepared:${target.statementType}`);
              return (value as (...a: unknown[]) => unknown).apply(target, args);
            };
          }
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    const wrapExtracted = (extracted: DuckDBExtractedStatements) =>
      new Proxy(extracted, {
        get(target, key) {
          if (key === 'prepare') {
            return async (index: number) => {
              if (failures[call++ % failures.length]) {
                throw new Error('Failed to prepare statement: Binder Error: injected');
              }
              return wrapPrepared(await target.prepare(index));
            };
          }
          const value = Reflect.get(target, key, target) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    return new Proxy(connection, {
      get(target, key) {
        const value = Reflect.get(target, key, target) as unknown;
        if (key === 'extractStatements') {
          return async (sql: string) => wrapExtracted(await target.extractStatements(sql));
        }
        if (
          ['run', 'runAndReadAll', 'prepare', 'stream', 'streamAndReadAll'].includes(String(key))
        ) {
          return (sql: string, ...rest: unknown[]) => {
            ran.push(`text:${sql}`);
            return (value as (...a: unknown[]) => unknown).call(target, sql, ...rest);
          };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  it(`holds for ${CASES} generated requests`, async () => {
    const runner = new SqlRunner({ filesDir: files } as EngineService);
    await fc.assert(
      fc.asyncProperty(scenario, async ({ role, statements, failures }) => {
        const sql = statements.join('; ');
        const principal: Principal = { subject: 'p', role, method: 'service-token' };
        const connection = await instance.connect();
        try {
          const before = await state(connection);
          const filesBefore = readdirSync(files).sort();
          const ran: string[] = [];
          let failure: unknown;
          await runner
            .run(watched(connection, failures, ran), principal, sql, (r) => collectRows(r, 10))
            .catch((err: unknown) => {
              failure = err;
            });

          for (const entry of ran) {
            if (entry.startsWith('text:')) {
              expect(entry.slice(5)).toMatch(COORDINATOR_TEXT);
            } else {
              const kind = classifyStatement(Number(entry.slice(9)), sql);
              expect(kind.kind).toBe('allowed');
              if (kind.kind === 'allowed') {
                expect(roleAllows(role, requiredRole(kind.action))).toBe(true);
              }
            }
          }
          if (failure !== undefined) {
            expect(failure).toBeInstanceOf(CoordinatorError);
            const status = (failure as CoordinatorError).httpStatus;
            expect(status >= 400 && status < 500).toBe(true);
          }
          if (role !== 'writer' && role !== 'admin') {
            expect(await state(connection)).toBe(before);
            expect(readdirSync(files).sort()).toEqual(filesBefore);
          }
          // Nobody attaches, shadows a built-in or writes the coordinator's own objects.
          const after = JSON.parse(await state(connection)) as string[][];
          const was = JSON.parse(before) as string[][];
          expect([after[0][1], after[0][3], after[0][4]]).toEqual([
            was[0][1],
            was[0][3],
            was[0][4],
          ]);
          expect(readdirSync(files).some((f) => f.includes('_krishiv_'))).toBe(false);
        } finally {
          connection.closeSync();
        }
      }),
      { numRuns: CASES, seed: 20261204 },
    );
  }, 300_000);
});
