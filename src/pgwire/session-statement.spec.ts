import { parseSessionStatement } from './session-statement';

describe('parseSessionStatement', () => {
  it.each([
    [
      'SET extra_float_digits = 3',
      { kind: 'set', name: 'extra_float_digits', value: '3', local: false },
    ],
    [
      "SET application_name = 'PostgreSQL JDBC Driver'",
      { kind: 'set', name: 'application_name', value: 'PostgreSQL JDBC Driver', local: false },
    ],
    [
      'set DateStyle to ISO, MDY;',
      { kind: 'set', name: 'datestyle', value: 'ISO, MDY', local: false },
    ],
    ["SET SESSION TIME ZONE 'UTC'", { kind: 'set', name: 'timezone', value: 'UTC', local: false }],
    [
      'SET LOCAL statement_timeout = DEFAULT',
      { kind: 'set', name: 'statement_timeout', value: null, local: true },
    ],
    ["SET NAMES 'UTF8'", { kind: 'set', name: 'client_encoding', value: 'UTF8', local: false }],
    [
      'SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED',
      { kind: 'noop', tag: 'SET' },
    ],
    ['SHOW TRANSACTION ISOLATION LEVEL', { kind: 'show', name: 'transaction_isolation' }],
    ['show search_path', { kind: 'show', name: 'search_path' }],
    ['RESET ALL', { kind: 'reset', name: null }],
    ['BEGIN READ ONLY', { kind: 'transaction', command: 'BEGIN', readOnly: true }],
    ['START TRANSACTION', { kind: 'transaction', command: 'BEGIN', readOnly: false }],
    ['commit', { kind: 'transaction', command: 'COMMIT', readOnly: false }],
    ['ROLLBACK', { kind: 'transaction', command: 'ROLLBACK', readOnly: false }],
    ['DISCARD ALL', { kind: 'discard' }],
    [
      '/* driver */ SET extra_float_digits = 3 -- trailing',
      { kind: 'set', name: 'extra_float_digits', value: '3', local: false },
    ],
  ])('%s', (sql, expected) => {
    expect(parseSessionStatement(sql)).toEqual(expected);
  });

  it.each([
    'SELECT 1',
    'SET extra_float_digits = 3; DROP TABLE t',
    "SET application_name = 'unterminated",
    'SHOW TABLES FROM main',
    'START something',
    'SET',
    '',
  ])('leaves %j to the engine', (sql) => {
    expect(parseSessionStatement(sql)).toBeUndefined();
  });
});
