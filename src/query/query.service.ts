import { performance } from 'node:perf_hooks';
import { Injectable } from '@nestjs/common';
import { DuckDBConnection } from '@duckdb/node-api';
import type { Principal } from '../auth/principal';
import { AppConfigService } from '../config/app-config.service';
import { CoordinatorError, DeadlineExceededError } from '../common/errors/coordinator.error';
import { EngineService } from '../engine/engine.service';
import { boundedInt, collectRows, QueryResult, requireSql } from '../engine/result-set';
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
    return {
      sql: requireSql(request?.sql),
      maxRows: boundedInt('maxRows', request.maxRows, defaults.maxRows),
      timeoutMs: boundedInt('timeoutMs', request.timeoutMs, defaults.timeoutMs),
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
    const work = this.runner.run(connection, principal, sql, (result) =>
      collectRows(result, maxRows),
    );
    const timer = setTimeout(() => {
      timedOut = true;
      interruptUntilDone(() => connection, work);
    }, timeoutMs);
    try {
      return await work;
    } catch (err) {
      if (timedOut) {
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
