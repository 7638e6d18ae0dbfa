import { DuckDBResult, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { InvalidArgumentError } from '../common/errors/coordinator.error';

export const MAX_SQL_BYTES = 1024 * 1024;

export interface ResultColumn {
  name: string;
  type: string;
  duckdbType: DuckDBType;
}

/** Rows of a result before they are encoded for a transport. */
export interface QueryResult {
  columns: ResultColumn[];
  rows: DuckDBValue[][];
  rowCount: number;
  truncated: boolean;
  elapsedMs: number;
}

export function columnsOf(result: DuckDBResult): ResultColumn[] {
  return result.columnNames().map((name, i) => {
    const duckdbType = result.columnType(i);
    return { name, type: duckdbType.toString(), duckdbType };
  });
}

/** Reads at most `maxRows` rows chunk by chunk, and says whether more were there. */
export async function collectRows(result: DuckDBResult, maxRows: number): Promise<QueryResult> {
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
  return { columns: columnsOf(result), rows, rowCount: rows.length, truncated, elapsedMs: 0 };
}

/** Where streamed rows go, one engine chunk at a time; a slow reader is awaited. */
export interface RowSink {
  columns(columns: ResultColumn[]): Promise<void>;
  /** Resolves when the reader can take more; rejects when `abort` fires first. */
  rows(rows: DuckDBValue[][], abort: AbortSignal): Promise<void>;
}

/** Like `collectRows`, but hands each chunk to `sink` instead of keeping it. */
export async function streamRows(
  result: DuckDBResult,
  maxRows: number,
  sink: RowSink,
  abort: AbortSignal,
): Promise<Omit<QueryResult, 'columns' | 'rows'>> {
  await sink.columns(columnsOf(result));
  let rowCount = 0;
  let truncated = false;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    let rows = chunk.getRows();
    const room = maxRows - rowCount;
    if (rows.length > room) {
      rows = rows.slice(0, room);
      truncated = true;
    }
    rowCount += rows.length;
    if (rows.length > 0) await sink.rows(rows, abort);
    if (truncated) break;
  }
  return { rowCount, truncated, elapsedMs: 0 };
}

/** The SQL of a request: present, not blank, not larger than the engine should parse. */
export function requireSql(sql: unknown): string {
  if (typeof sql !== 'string' || sql.trim() === '') {
    throw new InvalidArgumentError('sql is required: send {"sql": "SELECT 1"}');
  }
  if (Buffer.byteLength(sql) > MAX_SQL_BYTES) {
    throw new InvalidArgumentError(`sql is larger than ${MAX_SQL_BYTES} bytes`);
  }
  return sql;
}

/** An optional positive whole number, capped; absent means the cap. */
export function boundedInt(name: string, value: unknown, cap: number): number {
  if (value === undefined || value === null) return cap;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(`${name} must be a whole number of at least 1`);
  }
  return Math.min(value, cap);
}
