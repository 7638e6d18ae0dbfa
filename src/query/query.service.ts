import { performance } from 'node:perf_hooks';
import { Injectable } from '@nestjs/common';
import { DuckDBConnection } from '@duckdb/node-api';
import type { Principal } from '../access/principal';
import { AppConfigService } from '../config/app-config.service';
import { CoordinatorError, DeadlineExceededError } from '../common/errors/coordinator.error';
import { EngineService } from '../engine/engine.service';
import {
  boundedInt,
  collectRows,
  QueryResult,
  requireSql,
  RowSink,
  streamRows,
} from '../engine/result-set';
import { interruptUntilDone } from '../engine/interrupt';
import { SqlRunner } from '../engine/sql-runner';
import { MetricsService } from '../metrics/metrics.service';

export interface QueryRequest {
  sql: string;
  maxRows?: number;
  timeoutMs?: number;
}

/** Synchronous SQL for a principal: bounded rows, bounded time, classified by `SqlRunner`. */
@Injectable()
export class QueryService {
  constructor(
    private readonly engine: EngineService,
    private readonly runner: SqlRunner,
    private readonly config: AppConfigService,
    private readonly metrics: MetricsService,
  ) {}

  public execute(principal: Principal, request: QueryRequest): Promise<QueryResult> {
    return this.measure(request, (connection, sql, maxRows) =>
      this.runner.run(connection, principal, sql, (result) => collectRows(result, maxRows)),
    );
  }

  /** The same query, its rows handed to `sink` chunk by chunk instead of collected. */
  public stream(
    principal: Principal,
    request: QueryRequest,
    sink: RowSink,
  ): Promise<Omit<QueryResult, 'columns' | 'rows'>> {
    return this.measure(request, (connection, sql, maxRows, timedOut) =>
      this.runner.run(connection, principal, sql, (result) =>
        streamRows(result, maxRows, sink, timedOut),
      ),
    );
  }

  /** Validates the request, then runs `work` on a fresh connection under the timeout. */
  private async measure<T extends { elapsedMs: number }>(
    request: QueryRequest,
    work: (
      connection: DuckDBConnection,
      sql: string,
      maxRows: number,
      timedOut: AbortSignal,
    ) => Promise<T>,
  ): Promise<T> {
    const { sql, maxRows, timeoutMs } = this.validate(request);
    const started = performance.now();
    try {
      const result = await this.engine.withConnection((connection) =>
        this.withTimeout(connection, timeoutMs, (timedOut) =>
          work(connection, sql, maxRows, timedOut),
        ),
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
    return {
      sql: requireSql(request?.sql),
      maxRows: boundedInt('maxRows', request.maxRows, defaults.maxRows),
      timeoutMs: boundedInt('timeoutMs', request.timeoutMs, defaults.timeoutMs),
    };
  }

  /**
   * Interrupts the engine when `timeoutMs` passes; `timedOut` also aborts whatever the work waits
   * for outside the engine (a streaming reader that stopped reading).
   */
  private async withTimeout<T>(
    connection: DuckDBConnection,
    timeoutMs: number,
    start: (timedOut: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const deadline = new AbortController();
    const work = start(deadline.signal);
    const timer = setTimeout(() => {
      deadline.abort();
      interruptUntilDone(() => connection, work);
    }, timeoutMs);
    try {
      return await work;
    } catch (err) {
      if (deadline.signal.aborted) {
        throw new DeadlineExceededError(
          `query exceeded its timeout of ${timeoutMs} ms and was interrupted`,
        );
      }
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }
}
