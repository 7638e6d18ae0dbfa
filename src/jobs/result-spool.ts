import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DuckDBConnection, DuckDBInstance, DuckDBResult } from '@duckdb/node-api';
import { AppConfigService } from '../config/app-config.service';
import { collectRows, columnsOf, QueryResult } from '../engine/result-set';

export interface SpooledResult {
  path: string | null;
  columns: { name: string; type: string }[];
  rowCount: number;
}

/** Types Parquet cannot hold exactly; spooled as text and cast back when read. */
export const WIDE_INTEGERS = /^U?HUGEINT$/;

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * Job results as Parquet files under `<dataDir>/results`, readable any number of times and in any
 * page. Written by an internal engine instance that runs no caller SQL (the sandboxed engine may
 * not write outside `files/`): the job's rows stream into a table there and are copied out, then
 * the file is renamed into place so a reader never sees half a result.
 */
@Injectable()
export class ResultSpool implements OnModuleInit, OnApplicationShutdown {
  private instance: DuckDBInstance | undefined;

  constructor(private readonly config: AppConfigService) {}

  public get directory(): string {
    return join(this.config.get('dataDir'), 'results');
  }

  public async onModuleInit(): Promise<void> {
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    // A process killed mid-copy leaves its partial file: nothing refers to it, it only takes space.
    for (const name of await readdir(this.directory)) {
      if (name.endsWith('.partial')) await rm(join(this.directory, name), { force: true });
    }
    this.instance = await DuckDBInstance.create(':memory:', {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      temp_directory: join(this.config.get('dataDir'), 'spool.tmp'),
    });
  }

  public onApplicationShutdown(): void {
    this.instance?.closeSync();
    this.instance = undefined;
  }

  /** Streams `result` into `<jobId>.parquet`; a result without columns writes no file. */
  public async write(jobId: string, result: DuckDBResult): Promise<SpooledResult> {
    const columns = columnsOf(result).map(({ name, type }) => ({ name, type }));
    if (columns.length === 0) return { path: null, columns, rowCount: 0 };
    const path = join(this.directory, `${jobId}.parquet`);
    const rowCount = await this.writeParquet(result, path);
    return { path, columns, rowCount };
  }

  /**
   * Streams any result into a Parquet file at `path` (written beside it and renamed into place)
   * and returns the row count.
   */
  private async writeParquet(result: DuckDBResult, path: string): Promise<number> {
    const columns = columnsOf(result);
    return this.withConnection(async (connection) => {
      const name = `spool_${randomUUID().replace(/-/g, '')}`;
      const definition = columns.map((c) => `${quoteIdentifier(c.name)} ${c.type}`).join(', ');
      await connection.run(`CREATE TABLE ${name} (${definition})`);
      try {
        const appender = await connection.createAppender(name);
        let rowCount = 0;
        for (;;) {
          const chunk = await result.fetchChunk();
          if (!chunk || chunk.rowCount === 0) break;
          appender.appendDataChunk(chunk);
          rowCount += chunk.rowCount;
        }
        appender.flushSync();
        appender.closeSync();
        const partial = `${path}.partial`;
        // Parquet has no 128-bit integers (it would round them to DOUBLE): they travel as text.
        const select = columns
          .map((c) =>
            WIDE_INTEGERS.test(c.type)
              ? `CAST(${quoteIdentifier(c.name)} AS VARCHAR) AS ${quoteIdentifier(c.name)}`
              : quoteIdentifier(c.name),
          )
          .join(', ');
        try {
          await connection.run(
            `COPY (SELECT ${select} FROM ${name}) TO ${quoteLiteral(partial)} (FORMAT parquet)`,
          );
          await rename(partial, path);
        } catch (err) {
          // A disk that filled up mid-copy leaves a truncated file: never keep it.
          await rm(partial, { force: true }).catch(() => undefined);
          throw err;
        }
        return rowCount;
      } finally {
        await connection.run(`DROP TABLE IF EXISTS ${name}`);
      }
    });
  }

  public async read(
    path: string,
    offset: number,
    limit: number,
    columns: { name: string; type: string }[] = [],
  ): Promise<QueryResult> {
    return this.withConnection(async (connection) => {
      const select = columns.some((c) => WIDE_INTEGERS.test(c.type))
        ? columns
            .map((c) =>
              WIDE_INTEGERS.test(c.type)
                ? `CAST(${quoteIdentifier(c.name)} AS ${c.type}) AS ${quoteIdentifier(c.name)}`
                : quoteIdentifier(c.name),
            )
            .join(', ')
        : '*';
      const result = await connection.stream(
        `SELECT ${select} FROM read_parquet(${quoteLiteral(path)}) LIMIT ${limit} OFFSET ${offset}`,
      );
      return collectRows(result, limit);
    });
  }

  public async remove(path: string | null): Promise<void> {
    if (path) await rm(path, { force: true });
  }

  private async withConnection<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    if (!this.instance) throw new Error('result spool is not open');
    const connection = await this.instance.connect();
    try {
      return await work(connection);
    } finally {
      connection.closeSync();
    }
  }
}
