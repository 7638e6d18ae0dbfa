import { Injectable } from '@nestjs/common';
import {
  DuckDBConnection,
  DuckDBExtractedStatements,
  DuckDBPreparedStatement,
  DuckDBResult,
  StatementType,
  VARCHAR,
} from '@duckdb/node-api';
import { Principal, roleAllows } from '../access/principal';
import {
  CoordinatorError,
  InvalidArgumentError,
  PermissionDeniedError,
} from '../common/errors/coordinator.error';
import { isOutOfSpace } from '../common/errors/storage-exhausted.error';
import { Action, requiredRole } from '../access/permissions';
import { EngineService, isFatalEngineError } from './engine.service';
import { classifyStatement, refusedBeforeParsing, StatementClass } from './statement-classifier';

/** DuckDB error classes that describe the caller's SQL, not a fault of the coordinator. */
const USER_ERROR =
  /^(Parser|Binder|Catalog|Conversion|Constraint|Invalid Input|Out of Range|Not implemented|Permission|Dependency|Syntax|Serialization|TransactionContext|Sequence|Invalid|Type|Mismatch Type|Invalid type|Missing Extension|Interrupt)\b/i;

/** The engine's words for a file it could not find, open or read. */
const IO_ERROR = /^IO Error\b/i;

/** The denial message of the permission table, for a statement that needs a higher role. */
function denial(principal: Principal, action: Action): string {
  const required = requiredRole(action);
  return principal.role !== null
    ? `${action} needs role ${required}; you have ${principal.role}`
    : `${action} needs role ${required}; your token carries no recognised role`;
}

/** Audited under the kind that was refused, so the trail says what was attempted. */
function refusal(statement: Extract<StatementClass, { kind: 'refused' }>): PermissionDeniedError {
  return new PermissionDeniedError(
    `${statement.name} is not allowed through the API: ${statement.reason}`,
    null,
    `query:refused:${statement.name.toLowerCase().replace(/\s+/g, '_')}`,
  );
}

/** Statement types that can create a function or macro. */
const CREATES = new Set<StatementType>([StatementType.CREATE, StatementType.CREATE_FUNC]);

/** Functions that are not built-in but carry a built-in's name; qualified, so no macro can bend it. */
const SHADOWING =
  'SELECT f.function_name FROM system.main.duckdb_functions() f WHERE NOT f.internal AND ' +
  'system.main.lower(f.function_name) IN (SELECT system.main.lower(b.function_name) ' +
  'FROM system.main.duckdb_functions() b WHERE b.internal) LIMIT 1';

/** Consumes the last statement's result while its transaction is still open. */
export type ResultConsumer<T> = (result: DuckDBResult) => Promise<T>;

/**
 * Runs a request's SQL for a principal, for the query API and for jobs alike. Every statement is
 * classified by the engine's own parser before the first one runs; the request needs the highest
 * role any of its statements needs, and the whole request runs as one transaction (read-only for
 * readers, as a second line of defence), so a refused or failed request leaves nothing behind.
 */
@Injectable()
export class SqlRunner {
  constructor(private readonly engine: EngineService) {}

  /**
   * Checks, without running anything, that the principal may run `sql`: it parses, and every
   * statement that binds now is allowed. Statements that bind only after earlier ones ran are
   * checked again when they run.
   */
  public async check(
    connection: DuckDBConnection,
    principal: Principal,
    sql: string,
  ): Promise<void> {
    try {
      const extracted = await this.extract(connection, sql);
      if (extracted.count === 0) throw new InvalidArgumentError('sql holds no statement');
      for (let i = 0; i < extracted.count; i++) {
        const statement = await extracted.prepare(i).catch(() => undefined);
        if (statement) this.allow(principal, classifyStatement(statement.statementType, sql));
      }
    } catch (err) {
      throw this.translate(err, principal);
    }
  }

  /**
   * Runs every statement; `consume` reads the last one's result before the commit. `parameters`
   * (text, cast by the engine to each parameter's type) are bound to the last statement.
   * `inOpenTransaction`: the connection is inside a transaction its caller opened (a wire
   * protocol BEGIN) and ends; nothing here begins, commits or rolls back.
   */
  public async run<T>(
    connection: DuckDBConnection,
    principal: Principal,
    sql: string,
    consume: ResultConsumer<T>,
    parameters: (string | null)[] = [],
    inOpenTransaction = false,
  ): Promise<T> {
    let inTransaction = false;
    try {
      const extracted = await this.extract(connection, sql);
      if (extracted.count === 0) throw new InvalidArgumentError('sql holds no statement');

      // Prepare what can be prepared before anything runs. A statement that depends on an
      // earlier one (INSERT into a table created above) binds only once that one ran.
      const prepared: (DuckDBPreparedStatement | undefined)[] = [];
      let firstFailure: unknown;
      for (let i = 0; i < extracted.count; i++) {
        prepared.push(
          await extracted.prepare(i).catch((err: unknown) => {
            firstFailure ??= err;
            return undefined;
          }),
        );
      }
      for (const statement of prepared) {
        if (statement) this.allow(principal, classifyStatement(statement.statementType, sql));
      }
      // A lone statement that does not bind cannot bind later either: its own error is the answer.
      if (extracted.count === 1 && !prepared[0]) throw firstFailure;

      const readOnly = principal.role === 'reader';
      // One statement is already atomic in autocommit; an explicit transaction is needed to make
      // several statements one unit, and for readers, whose transaction is read-only.
      // A CREATE (the engine reports CREATE MACRO as a plain CREATE) is checked after it ran, so it must run where it can be undone.
      const mayCreateFunction = prepared.some((p) => !p || CREATES.has(p.statementType));
      if (!inOpenTransaction && (readOnly || extracted.count > 1 || mayCreateFunction)) {
        await connection.run(readOnly ? 'BEGIN TRANSACTION READ ONLY' : 'BEGIN TRANSACTION');
        inTransaction = true;
      }
      let reparsed: DuckDBExtractedStatements | undefined;
      let output: T | undefined;
      for (let i = 0; i < extracted.count; i++) {
        let statement = prepared[i];
        if (!statement) {
          // A failed prepare consumes the extracted statement, so bind it from a fresh parse. Its
          // error is the answer when it still fails: no text is ever run without being classified.
          reparsed ??= await this.extract(connection, sql);
          statement = await reparsed.prepare(i);
          this.allow(principal, classifyStatement(statement.statementType, sql));
        }
        if (CREATES.has(statement.statementType)) {
          const created = await statement.run();
          await this.refuseShadowing(connection, inOpenTransaction);
          if (i === extracted.count - 1) output = await consume(created);
          continue;
        }
        if (i < extracted.count - 1) {
          await statement.run();
          continue;
        }
        if (parameters.length > 0)
          statement.bind(
            parameters,
            parameters.map(() => VARCHAR),
          );
        const streaming = statement.statementType === StatementType.SELECT;
        output = await consume(streaming ? await statement.stream() : await statement.run());
      }
      if (inTransaction) await connection.run('COMMIT');
      inTransaction = false;
      return output as T;
    } catch (err) {
      if (inTransaction) await connection.run('ROLLBACK').catch(() => undefined);
      throw this.translate(err, principal);
    }
  }

  /**
   * Splits the caller's SQL into statements. For some text (a lone non-ASCII character before a
   * space, `;` or the end) the engine's parser builds an error message that is not valid UTF-8,
   * and the bindings report only "Error in native callback". Extraction does nothing but parse
   * the caller's text, so that failure is the caller's syntax error, not an internal one.
   */
  private async extract(connection: DuckDBConnection, sql: string) {
    const refused = refusedBeforeParsing(sql);
    if (refused?.kind === 'refused') throw refusal(refused);
    try {
      return await connection.extractStatements(sql);
    } catch (err) {
      if (err instanceof Error && err.message === 'Error in native callback') {
        throw new InvalidArgumentError(
          'Parser Error: syntax error (the engine could not describe where; check non-ASCII characters outside quotes)',
        );
      }
      throw err;
    }
  }

  /**
   * A function or macro named like a built-in would change what the built-in means for every
   * caller and for the coordinator's own SQL. The engine itself says which name was created (no
   * matching on the caller's text): any non-built-in function that shares a built-in's name,
   * case-insensitively and in any schema, refuses the request. Inside a transaction the caller
   * opened, a failing statement aborts that transaction, so its COMMIT cannot keep the macro.
   */
  private async refuseShadowing(connection: DuckDBConnection, inOpenTransaction: boolean) {
    const reader = await connection.runAndReadAll(SHADOWING);
    const rows = reader.getRows();
    if (rows.length === 0) return;
    if (inOpenTransaction) {
      await connection.run("SELECT system.main.error('refused')").catch(() => undefined);
    }
    throw new PermissionDeniedError(
      `CREATE FUNCTION/MACRO ${String(rows[0][0])} is refused: it has the name of a built-in function, ` +
        'which it would replace for every caller; choose another name',
      null,
      'query:write',
    );
  }

  private allow(principal: Principal, statement: StatementClass): void {
    if (statement.kind === 'refused') throw refusal(statement);
    const required = requiredRole(statement.action);
    if (!roleAllows(principal.role, required)) {
      throw new PermissionDeniedError(
        denial(principal, statement.action),
        required,
        statement.action,
      );
    }
  }

  /** Engine errors about the caller's SQL become 400s with the engine's message; others pass. */
  public translate(err: unknown, principal: Principal): unknown {
    if (err instanceof CoordinatorError) return err;
    // Errors from the native bindings may come from another realm (a VM context), where
    // `instanceof Error` is false: read the message field itself.
    const field = (err as { message?: unknown } | null)?.message;
    const message = typeof field === 'string' ? field : String(err);
    // A full disk or a fatal engine error is not the caller's SQL: the engine service reports it.
    if (isOutOfSpace(err) || isFatalEngineError(err)) return err;
    const text = message.replace(
      /^Failed to (extract statements|prepare statement|execute prepared statement): /,
      '',
    );
    if (/read-only mode/.test(text) && principal.role === 'reader') {
      return new PermissionDeniedError(denial(principal, 'query:write'), 'writer', 'query:write');
    }
    // A file the caller named that is missing or unreadable is the caller's to fix, like a typo.
    if (USER_ERROR.test(text) || IO_ERROR.test(text)) {
      const hint =
        /file system operations are disabled/.test(text) || IO_ERROR.test(text)
          ? ` (files are reachable only under ${this.engine.filesDir}/)`
          : '';
      return new InvalidArgumentError(`${text.trim()}${hint}`.slice(0, 4000));
    }
    return err;
  }
}
