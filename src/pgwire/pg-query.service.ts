import { Injectable } from '@nestjs/common';
import {
  DuckDBConnection,
  DuckDBResult,
  DuckDBType,
  DuckDBTypeId,
  DuckDBValue,
  ResultReturnType,
  StatementType,
} from '@duckdb/node-api';
import { Principal } from '../access/principal';
import { CoordinatorError, DeadlineExceededError } from '../common/errors/coordinator.error';
import { AppConfigService } from '../config/app-config.service';
import { EngineService } from '../engine/engine.service';
import { interruptUntilDone } from '../engine/interrupt';
import { collectRows, requireSql } from '../engine/result-set';
import { SqlRunner } from '../engine/sql-runner';
import { classifyStatement } from '../engine/statement-classifier';
import { MetricsService } from '../metrics/metrics.service';
import { PgCatalogService } from './pg-catalog.service';
import { PgError } from './pg-error';
import { PgTransaction } from './pg-transaction';
import { pgTypeOf, PG_OID } from './pg-types';

export interface PgColumn {
  name: string;
  type: DuckDBType;
}

export interface PgDescription {
  parameterTypes: number[];
  /** `null` when the statement returns no rows (NoData). */
  columns: PgColumn[] | null;
}

export interface PgResult {
  columns: PgColumn[] | null;
  rows: DuckDBValue[][];
  tag: string;
  truncated: boolean;
}

/** What a session exposes so a CancelRequest or a timeout can interrupt its running statement. */
export interface PgStatementControl {
  connection?: DuckDBConnection;
  cancelled: boolean;
}

const PG_CANCELLED = () => new PgError('57014', 'canceling statement due to user request');

/** The object word of a CREATE/DROP/ALTER tag ("CREATE TABLE"), from the statement's own words. */
const OBJECT_WORDS = new Set([
  'TABLE',
  'VIEW',
  'SCHEMA',
  'SEQUENCE',
  'INDEX',
  'MACRO',
  'FUNCTION',
  'TYPE',
]);

function verbTag(type: StatementType, sql: string): string {
  const verb = StatementType[type] ?? 'OK';
  if (!['CREATE', 'DROP', 'ALTER', 'CREATE_FUNC'].includes(verb)) return verb.replace('_', ' ');
  const words = sql
    .replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ')
    .trim()
    .split(/\s+/, 8)
    .map((w) => w.toUpperCase());
  const object = words.find((w) => OBJECT_WORDS.has(w));
  const head = verb === 'CREATE_FUNC' ? 'CREATE' : verb;
  return object ? `${head} ${object === 'MACRO' ? 'FUNCTION' : object}` : head;
}

function changedRowsTag(type: StatementType, count: string): string {
  switch (type) {
    case StatementType.INSERT:
      return `INSERT 0 ${count}`;
    case StatementType.UPDATE:
      return `UPDATE ${count}`;
    case StatementType.DELETE:
      return `DELETE ${count}`;
    case StatementType.MERGE_INTO:
      return `MERGE ${count}`;
    case StatementType.COPY:
      return `COPY ${count}`;
    default:
      return `${StatementType[type] ?? 'OK'} ${count}`;
  }
}

/** Statements whose result is rows a client describes up front. */
function returnsRows(type: StatementType): boolean {
  const statement = classifyStatement(type);
  return statement.kind === 'allowed' && statement.action === 'query:read';
}

/**
 * Statements over the wire protocol: the same SqlRunner (classification, sandbox, one transaction
 * per request) and the same limits as the query API; catalog queries are answered by
 * PgCatalogService.
 */
@Injectable()
export class PgQueryService {
  constructor(
    private readonly engine: EngineService,
    private readonly runner: SqlRunner,
    private readonly catalog: PgCatalogService,
    private readonly config: AppConfigService,
    private readonly metrics: MetricsService,
  ) {}

  /** Describes `sql` without running it; inside a transaction block, as that block sees it. */
  public async describe(
    principal: Principal,
    sql: string,
    transaction?: PgTransaction,
  ): Promise<PgDescription> {
    requireSql(sql);
    if (this.catalog.handles(sql)) return this.catalog.describe(principal, sql);
    const describe = async (connection: DuckDBConnection): Promise<PgDescription> => {
      await this.runner.check(connection, principal, sql);
      try {
        const extracted = await connection.extractStatements(sql);
        if (extracted.count !== 1) {
          throw new PgError('42601', 'cannot insert multiple commands into a prepared statement');
        }
        const prepared = await extracted.prepare(0);
        const parameterTypes: number[] = [];
        for (let i = 1; i <= prepared.parameterCount; i++) {
          const type = prepared.parameterType(i);
          parameterTypes.push(
            prepared.parameterTypeId(i) === DuckDBTypeId.INVALID ? PG_OID.text : pgTypeOf(type).oid,
          );
        }
        const columns: PgColumn[] = [];
        for (let i = 0; i < prepared.columnCount; i++) {
          columns.push({ name: prepared.columnName(i), type: prepared.columnType(i) });
        }
        return { parameterTypes, columns: returnsRows(prepared.statementType) ? columns : null };
      } catch (err) {
        throw this.runner.translate(err, principal);
      }
    };
    return transaction ? transaction.run(describe) : this.engine.withConnection(describe);
  }

  /** Opens a transaction block (BEGIN): read-only for a reader, or when asked. */
  public begin(principal: Principal, readOnly: boolean): Promise<PgTransaction> {
    return PgTransaction.begin(this.engine, readOnly || principal.role === 'reader');
  }

  /**
   * Runs `sql` with text parameters; rows beyond the query row cap are dropped and flagged.
   * Inside a transaction block it runs on that block's connection.
   */
  public async execute(
    principal: Principal,
    sql: string,
    parameters: (string | null)[],
    control: PgStatementControl,
    timeoutMs: number,
    transaction?: PgTransaction,
  ): Promise<PgResult> {
    requireSql(sql);
    const { maxRows, timeoutMs: cap } = this.config.get('query');
    const timeout = Math.min(timeoutMs > 0 ? timeoutMs : cap, cap);
    try {
      const run = (connection: DuckDBConnection) =>
        this.run(connection, principal, sql, parameters, control, timeout, maxRows, transaction);
      const result = this.catalog.handles(sql)
        ? await this.catalog.execute(principal, sql, parameters, maxRows)
        : transaction
          ? await transaction.run(run)
          : await this.engine.withConnection(run);
      this.metrics.queries.inc({ result: 'ok' });
      return result;
    } catch (err) {
      const result =
        err instanceof CoordinatorError
          ? err.name
          : err instanceof PgError
            ? `PgError ${err.code}`
            : 'internal';
      this.metrics.queries.inc({ result });
      throw err;
    }
  }

  private async run(
    connection: DuckDBConnection,
    principal: Principal,
    sql: string,
    parameters: (string | null)[],
    control: PgStatementControl,
    timeoutMs: number,
    maxRows: number,
    transaction?: PgTransaction,
  ): Promise<PgResult> {
    if (control.cancelled) throw PG_CANCELLED();
    control.connection = connection;
    let timedOut = false;
    const work = this.runner.run(
      connection,
      principal,
      sql,
      (result) => this.consume(result, sql, maxRows),
      parameters,
      transaction !== undefined,
    );
    const timer = setTimeout(() => {
      timedOut = true;
      interruptUntilDone(() => connection, work);
    }, timeoutMs);
    try {
      return await work;
    } catch (err) {
      if (control.cancelled) throw PG_CANCELLED();
      if (timedOut) {
        throw new DeadlineExceededError(
          `query exceeded its timeout of ${timeoutMs} ms and was interrupted`,
        );
      }
      throw err;
    } finally {
      clearTimeout(timer);
      control.connection = undefined;
    }
  }

  private async consume(result: DuckDBResult, sql: string, maxRows: number): Promise<PgResult> {
    const type = result.statementType;
    if (result.returnType === ResultReturnType.QUERY_RESULT) {
      const rows = await collectRows(result, maxRows);
      const columns = rows.columns.map(({ name, duckdbType }) => ({ name, type: duckdbType }));
      const tag = type === StatementType.EXPLAIN ? 'EXPLAIN' : `SELECT ${rows.rowCount}`;
      return {
        columns: returnsRows(type) ? columns : null,
        rows: returnsRows(type) ? rows.rows : [],
        tag,
        truncated: rows.truncated,
      };
    }
    if (result.returnType === ResultReturnType.CHANGED_ROWS) {
      const rows = await collectRows(result, 1);
      return {
        columns: null,
        rows: [],
        tag: changedRowsTag(type, String(rows.rows[0]?.[0] ?? 0)),
        truncated: false,
      };
    }
    return { columns: null, rows: [], tag: verbTag(type, sql), truncated: false };
  }
}
