import { StatementType } from '@duckdb/node-api';
import { Action } from '../access/permissions';

export type StatementClass =
  | { kind: 'allowed'; action: Extract<Action, 'query:read' | 'query:write'>; name: string }
  | { kind: 'refused'; name: string; reason: string };

const READ = new Set<StatementType>([
  StatementType.SELECT,
  StatementType.EXPLAIN,
  StatementType.RELATION,
]);

const WRITE = new Set<StatementType>([
  StatementType.INSERT,
  StatementType.UPDATE,
  StatementType.DELETE,
  StatementType.MERGE_INTO,
  StatementType.CREATE,
  StatementType.CREATE_FUNC,
  StatementType.DROP,
  StatementType.ALTER,
  StatementType.COPY,
  StatementType.ANALYZE,
  StatementType.VACUUM,
  StatementType.CALL,
]);

const REFUSED: Partial<Record<StatementType, string>> = {
  [StatementType.ATTACH]: 'the engine serves only its own database',
  [StatementType.DETACH]: 'the engine serves only its own database',
  [StatementType.LOAD]: 'extensions are fixed by the coordinator (INSTALL/LOAD)',
  [StatementType.EXTENSION]: 'extensions are fixed by the coordinator',
  [StatementType.UPDATE_EXTENSIONS]: 'extensions are fixed by the coordinator',
  [StatementType.SET]: 'engine settings are locked (SET/RESET)',
  [StatementType.VARIABLE_SET]: 'session variables do not survive between requests',
  [StatementType.PRAGMA]:
    'PRAGMA can change engine settings; use the pragma_* table functions to read',
  [StatementType.EXPORT]: 'EXPORT DATABASE is not available through the API',
  [StatementType.COPY_DATABASE]: 'COPY FROM DATABASE is not available through the API',
  [StatementType.TRANSACTION]:
    'each request already runs as one transaction; remove BEGIN/COMMIT/ROLLBACK',
  [StatementType.PREPARE]: 'prepared statements do not survive between requests',
  [StatementType.EXECUTE]: 'prepared statements do not survive between requests',
};

const EXPLAIN_ANALYZE: StatementClass = {
  kind: 'refused',
  name: 'EXPLAIN ANALYZE',
  reason:
    'it executes the statement it explains; run that statement itself, or EXPLAIN without ANALYZE',
};

const INTERNAL_WRITE: Omit<Extract<StatementClass, { kind: 'refused' }>, 'name'> = {
  kind: 'refused',
  reason:
    "objects named _krishiv_* hold the coordinator's own state (streaming progress) and are read-only; " +
    'remove that name from the statement',
};

/**
 * Classifies one statement by the type DuckDB's own parser and binder gave it (never by
 * matching text). Unknown types are refused: deny by default.
 *
 * One refinement needs the text: the engine reports EXPLAIN and EXPLAIN ANALYZE alike, and the
 * latter runs its statement (a COPY, an ATTACH) whatever the caller's role. An EXPLAIN is therefore
 * refused when the request mentions ANALYZE/ANALYSE anywhere. That can only refuse more, never
 * allow more: the keyword cannot reach the parser without those letters in the text. A write that
 * names a `_krishiv_` object (the coordinator's streaming progress) is refused the same way.
 */
export function classifyStatement(type: StatementType, sql = ''): StatementClass {
  if (type === StatementType.EXPLAIN && /analy[sz]e/i.test(sql)) return EXPLAIN_ANALYZE;
  const name = StatementType[type] ?? `type ${type}`;
  if (READ.has(type)) return { kind: 'allowed', action: 'query:read', name };
  if (WRITE.has(type)) {
    // The engine has no per-table rights, so the coordinator's own tables are kept out of every
    // write by name, the same way: only refuses more (an identifier is matched case-insensitively).
    if (/_krishiv_/i.test(sql)) return { ...INTERNAL_WRITE, name };
    return { kind: 'allowed', action: 'query:write', name };
  }
  return {
    kind: 'refused',
    name,
    reason: REFUSED[type] ?? 'this kind of statement is not supported',
  };
}

/**
 * IMPORT DATABASE is expanded by the parser itself into the statements of the folder it names
 * (read while splitting the text), so no statement type ever shows it: it is refused on the
 * words, before the text is parsed. Like the ANALYZE check, this can only refuse more.
 */
export function refusedBeforeParsing(sql: string): StatementClass | undefined {
  if (/\bimport\s+database\b/i.test(sql)) {
    return {
      kind: 'refused',
      name: 'IMPORT DATABASE',
      reason: 'IMPORT DATABASE is not available through the API',
    };
  }
  return undefined;
}
