import { DuckDBConnection, DuckDBInstance, StatementType } from '@duckdb/node-api';
import { classifyStatement } from './statement-classifier';

type Expected = 'query:read' | 'query:write' | 'refused';

/**
 * The decision for every statement type the engine knows. A new engine version that adds a type
 * fails the completeness test below until someone decides what the new type means.
 */
const EXPECTED: Record<keyof typeof StatementType, Expected> = {
  INVALID: 'refused',
  SELECT: 'query:read',
  INSERT: 'query:write',
  UPDATE: 'query:write',
  EXPLAIN: 'query:read',
  DELETE: 'query:write',
  PREPARE: 'refused',
  CREATE: 'query:write',
  EXECUTE: 'refused',
  ALTER: 'query:write',
  TRANSACTION: 'refused',
  COPY: 'query:write',
  ANALYZE: 'query:write',
  VARIABLE_SET: 'refused',
  CREATE_FUNC: 'query:write',
  DROP: 'query:write',
  EXPORT: 'refused',
  PRAGMA: 'refused',
  VACUUM: 'query:write',
  CALL: 'query:write',
  SET: 'refused',
  LOAD: 'refused',
  RELATION: 'query:read',
  EXTENSION: 'refused',
  LOGICAL_PLAN: 'refused',
  ATTACH: 'refused',
  DETACH: 'refused',
  MULTI: 'refused',
  COPY_DATABASE: 'refused',
  UPDATE_EXTENSIONS: 'refused',
  MERGE_INTO: 'query:write',
};

const STATEMENT_TYPES = Object.entries(StatementType).filter(
  (entry): entry is [keyof typeof StatementType, StatementType] => typeof entry[1] === 'number',
);

function decision(type: StatementType): Expected {
  const result = classifyStatement(type);
  return result.kind === 'allowed' ? result.action : 'refused';
}

describe('classifyStatement', () => {
  it('has a decision for every statement type of the engine', () => {
    expect(STATEMENT_TYPES.length).toBeGreaterThan(0);
    expect(STATEMENT_TYPES.map(([name]) => name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(STATEMENT_TYPES)('classifies %s', (name, type) => {
    const result = classifyStatement(type);
    expect(decision(type)).toBe(EXPECTED[name]);
    expect(result.name).toBe(name);
    if (result.kind === 'refused') expect(result.reason.length).toBeGreaterThan(0);
  });

  it.each([-1, 999, 31, 1.5])('refuses an unknown statement type %p', (type) => {
    const result = classifyStatement(type as StatementType);
    expect(result.kind).toBe('refused');
    expect(result.name).toContain(String(type));
  });

  it('names the reason for the statements nobody may run', () => {
    const reasonOf = (type: StatementType) => {
      const result = classifyStatement(type);
      return result.kind === 'refused' ? result.reason : '';
    };
    expect(reasonOf(StatementType.ATTACH)).toMatch(/database/);
    expect(reasonOf(StatementType.LOAD)).toMatch(/INSTALL|LOAD|extension/);
    expect(reasonOf(StatementType.SET)).toMatch(/SET|setting/);
    expect(reasonOf(StatementType.TRANSACTION)).toMatch(/transaction/);
  });

  it.each([
    'DELETE FROM _krishiv_streaming_progress',
    'UPDATE "_KRISHIV_STREAMING_PROGRESS" SET last_offset = 0',
    'DROP TABLE main._Krishiv_streaming_progress',
    'CREATE TABLE copy AS SELECT * FROM _krishiv_streaming_progress',
  ])('refuses a write naming the coordinator own tables: %s', (sql) => {
    const result = classifyStatement(StatementType.DELETE, sql);
    expect(result).toMatchObject({ kind: 'refused', name: 'DELETE' });
    if (result.kind === 'refused') expect(result.reason).toMatch(/_krishiv_\* .*read-only/);
  });

  it('still lets anyone read the coordinator own tables', () => {
    expect(
      classifyStatement(StatementType.SELECT, 'SELECT * FROM _krishiv_streaming_progress'),
    ).toMatchObject({ kind: 'allowed', action: 'query:read' });
  });
});

/** Classification of real statements, typed by the engine's own parser and binder. */
describe('classifyStatement on statements parsed by the engine', () => {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;

  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:', {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    });
    connection = await instance.connect();
    await connection.run('CREATE TABLE t (a INTEGER, b VARCHAR)');
  });

  afterAll(() => {
    connection.closeSync();
    instance.closeSync();
  });

  async function classifySql(sql: string): Promise<Expected> {
    const extracted = await connection.extractStatements(sql);
    expect(extracted.count).toBe(1);
    const prepared = await extracted.prepare(0);
    return decision(prepared.statementType);
  }

  it.each<[string, Expected]>([
    ['SELECT 1', 'query:read'],
    ['WITH x AS (SELECT 1 AS a) SELECT * FROM x', 'query:read'],
    ['VALUES (1), (2)', 'query:read'],
    ['EXPLAIN SELECT * FROM t', 'query:read'],
    ['DESCRIBE t', 'query:read'],
    ['SHOW TABLES', 'query:read'],
    ['SUMMARIZE t', 'query:read'],
    ['FROM t', 'query:read'],
    ["SELECT * FROM pragma_table_info('t')", 'query:read'],
    ['INSERT INTO t VALUES (1, $$x$$)', 'query:write'],
    ['UPDATE t SET a = 2', 'query:write'],
    ['DELETE FROM t', 'query:write'],
    ['CREATE TABLE u (x INTEGER)', 'query:write'],
    ['CREATE VIEW v AS SELECT 1', 'query:write'],
    ['CREATE MACRO m(x) AS x + 1', 'query:write'],
    ['DROP TABLE t', 'query:write'],
    ['ALTER TABLE t ADD COLUMN c INTEGER', 'query:write'],
    ['COPY t TO $$/tmp/never-written.csv$$', 'query:write'],
    ['CHECKPOINT', 'query:write'],
    ["ATTACH ':memory:' AS other", 'refused'],
    ['DETACH other', 'refused'],
    ['INSTALL httpfs', 'refused'],
    ['LOAD httpfs', 'refused'],
    ['SET threads = 1', 'refused'],
    ['RESET threads', 'refused'],
    ['SET VARIABLE x = 1', 'refused'],
    ['PRAGMA threads = 2', 'refused'],
    ['USE memory', 'refused'],
    ['EXPORT DATABASE $$/tmp/never-exported$$', 'refused'],
    ['BEGIN TRANSACTION', 'refused'],
    ['COMMIT', 'refused'],
    ['ROLLBACK', 'refused'],
    ['PREPARE p AS SELECT 1', 'refused'],
    ['UPDATE EXTENSIONS', 'refused'],
  ])('%s → %s', async (sql, expected) => {
    expect(await classifySql(sql)).toBe(expected);
  });
});
