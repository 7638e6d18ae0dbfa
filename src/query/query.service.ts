import { performance } from 'node:perf_hooks';
import { Injectable } from '@nestjs/common';
import {
  DuckDBConnection,
  DuckDBExtractedStatements,
  DuckDBPreparedStatement,
  DuckDBResult,
  DuckDBType,
  DuckDBValue,
  StatementType,
} from '@duckdb/node-api';
import { AuthService } from '../auth/auth.service';
import { Principal, roleAllows } from '../auth/principal';
import { AppConfigService } from '../config/app-config.service';
import {
  CoordinatorError,
  DeadlineExceededError,
  InvalidArgumentError,
  PermissionDeniedError,
} from '../common/errors/coordinator.error';
import { EngineService } from '../engine/engine.service';
import { classifyStatement, StatementClass } from '../engine/statement-classifier';
import { MetricsService } from '../metrics/metrics.service';
import { requiredRole } from '../roles/permissions';

export const MAX_SQL_BYTES = 1024 * 1024;

export interface QueryRequest {
  sql: string;
  maxRows?: number;
  timeoutMs?: number;
}

export interface ResultColumn {
  name: string;
  type: string;
  duckdbType: DuckDBType;
}

/** A query's result before it is encoded for a transport. */
export interface QueryResult {
  columns: ResultColumn[];
  rows: DuckDBValue[][];
  rowCount: number;
  truncated: boolean;
  elapsedMs: number;
}

/** DuckDB error classes that describe the caller's SQL, not a fault of the coordinator. */
const USER_ERROR =
  /^(Parser|Binder|Catalog|Conversion|Constraint|Invalid Input|Out of Range|Not implemented|Permission|Dependency|Syntax|Serialization|TransactionContext|Sequence|Invalid|Type|Mismatch Type|Invalid type|Missing Extension|Interrupt)\b/i;

/**
 * Runs SQL for a principal. Every statement is classified by the engine's own parser before the
 * first one runs; the request needs the highest role any of its statements needs, and the whole
 * request runs as one transaction (read-only for readers, as a second line of defence).
 */
@Injectable()
export class QueryService {
  constructor(
    private readonly engine: EngineService,
    private readonly auth: AuthService,
    private readonly config: AppConfigService,
    private readonly metrics: MetricsService,
  ) {}

  public async execute(principal: Principal, request: QueryRequest): Promise<QueryResult> {
    const { sql, maxRows, timeoutMs } = this.validate(request);
    const started = performance.now();
    try {
      const result = await this.engine.withConnection((connection) =>
        this.run(connection, principal, sql, maxRows, timeoutMs),
      );
      result.elapsedMs = Math.round((performance.now() - started) * 1000) / 1000;
      this.metrics.queries.inc({ result: 'ok' });
      return result;
    } catch (err) {
      this.metrics.queries.inc({ result: err instanceof CoordinatorError ? err.name : 'internal' });
      throw err;
    }
  }

  private validate(request: QueryRequest): Required<QueryRequest> {
    const defaults = this.config.get('query');
    if (typeof request?.sql !== 'string' || request.sql.trim() === '') {
      throw new InvalidArgumentError('sql is required: send {"sql": "SELECT 1"}');
    }
    if (Buffer.byteLength(request.sql) > MAX_SQL_BYTES) {
      throw new InvalidArgumentError(`sql is larger than ${MAX_SQL_BYTES} bytes`);
    }
    const bounded = (name: string, value: unknown, cap: number): number => {
      if (value === undefined || value === null) return cap;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
        throw new InvalidArgumentError(`${name} must be a whole number of at least 1`);
      }
      return Math.min(value, cap);
    };
    return {
      sql: request.sql,
      maxRows: bounded('maxRows', request.maxRows, defaults.maxRows),
      timeoutMs: bounded('timeoutMs', request.timeoutMs, defaults.timeoutMs),
    };
  }

  private async run(
    connection: DuckDBConnection,
    principal: Principal,
    sql: string,
    maxRows: number,
    timeoutMs: number,
  ): Promise<QueryResult> {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      connection.interrupt();
    }, timeoutMs);
    let inTransaction = false;
    try {
      const extracted = await connection.extractStatements(sql);
      if (extracted.count === 0) throw new InvalidArgumentError('sql holds no statement');

      // Prepare what can be prepared before anything runs. A statement that depends on an
      // earlier one (INSERT into a table created above) binds only once that one ran.
      const prepared: (DuckDBPreparedStatement | undefined)[] = [];
      for (let i = 0; i < extracted.count; i++) {
        prepared.push(await extracted.prepare(i).catch(() => undefined));
      }
      for (const statement of prepared) {
        if (statement) this.check(principal, classifyStatement(statement.statementType, sql));
      }

      const readOnly = principal.role === 'reader';
      await connection.run(readOnly ? 'BEGIN TRANSACTION READ ONLY' : 'BEGIN TRANSACTION');
      inTransaction = true;
      let reparsed: DuckDBExtractedStatements | undefined;
      let result: QueryResult = {
        columns: [],
        rows: [],
        rowCount: 0,
        truncated: false,
        elapsedMs: 0,
      };
      for (let i = 0; i < extracted.count; i++) {
        let statement = prepared[i];
        if (!statement) {
          // A failed prepare consumes the extracted statement, so bind it from a fresh parse.
          reparsed ??= await connection.extractStatements(sql);
          statement = await reparsed.prepare(i).catch(() => undefined);
          if (!statement) throw await this.bindFailure(connection, sql, readOnly, i);
          this.check(principal, classifyStatement(statement.statementType, sql));
        }
        const last = i === extracted.count - 1;
        if (!last) {
          await statement.run();
          continue;
        }
        const streaming = statement.statementType === StatementType.SELECT;
        result = await this.collect(
          streaming ? await statement.stream() : await statement.run(),
          maxRows,
        );
      }
      await connection.run('COMMIT');
      inTransaction = false;
      return result;
    } catch (err) {
      if (inTransaction) await connection.run('ROLLBACK').catch(() => undefined);
      if (timedOut)
        throw new DeadlineExceededError(
          `query exceeded its timeout of ${timeoutMs} ms and was interrupted`,
        );
      throw this.translate(err, principal);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The bindings drop the message of a failed prepare. Statements before `index` were classified
   * and allowed, and the failing one stops at bind, so replaying the request inside a transaction
   * that is always rolled back runs nothing new and yields the engine's own message.
   */
  private async bindFailure(
    connection: DuckDBConnection,
    sql: string,
    readOnly: boolean,
    index: number,
  ): Promise<unknown> {
    await connection.run('ROLLBACK');
    await connection.run(readOnly ? 'BEGIN TRANSACTION READ ONLY' : 'BEGIN TRANSACTION');
    try {
      await connection.run(sql);
      return new InvalidArgumentError(`statement ${index + 1} could not be prepared`);
    } catch (err) {
      return err;
    }
  }

  private check(principal: Principal, statement: StatementClass): void {
    if (statement.kind === 'refused') {
      throw new PermissionDeniedError(
        `${statement.name} is not allowed through the API: ${statement.reason}`,
        null,
      );
    }
    if (!roleAllows(principal.role, requiredRole(statement.action))) {
      this.auth.authorize(principal, statement.action);
    }
  }

  private async collect(result: DuckDBResult, maxRows: number): Promise<QueryResult> {
    const columns: ResultColumn[] = result.columnNames().map((name, i) => {
      const duckdbType = result.columnType(i);
      return { name, type: duckdbType.toString(), duckdbType };
    });
    const rows: DuckDBValue[][] = [];
    let truncated = false;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const chunkRows = chunk.getRows();
      const room = maxRows - rows.length;
      if (chunkRows.length > room) {
        rows.push(...chunkRows.slice(0, room));
        truncated = true;
        break;
      }
      rows.push(...chunkRows);
    }
    return { columns, rows, rowCount: rows.length, truncated, elapsedMs: 0 };
  }

  private translate(err: unknown, principal: Principal): unknown {
    if (err instanceof CoordinatorError) return err;
    const message = err instanceof Error ? err.message : String(err);
    const text = message.replace(
      /^Failed to (extract statements|prepare statement|execute prepared statement): /,
      '',
    );
    if (/read-only mode/.test(text) && principal.role === 'reader') {
      return new PermissionDeniedError(this.auth.denialMessage(principal, 'query:write'), 'writer');
    }
    if (USER_ERROR.test(text)) {
      const hint = /file system operations are disabled/.test(text)
        ? ` (files are reachable only under ${this.engine.filesDir}/)`
        : '';
      return new InvalidArgumentError(`${text.trim()}${hint}`.slice(0, 4000));
    }
    return err;
  }
}
