import type { DuckDBValue } from '@duckdb/node-api';
import { JsonValue, restValueConverter, toWireValue } from '../engine/value-encoding';
import type { ExecuteQueryResponse } from '../grpc/generated/krishiv/coordinator/v1/ExecuteQueryResponse';
import type { Row } from '../grpc/generated/krishiv/coordinator/v1/Row';
import { QueryResult, ResultColumn } from '../engine/result-set';

export interface RestQueryResult {
  columns: { name: string; type: string }[];
  rows: JsonValue[][];
  rowCount: number;
  truncated: boolean;
  elapsedMs: number;
}

/** Column names and engine type names, the same on both transports. */
export function toWireColumns(columns: ResultColumn[]): { name: string; type: string }[] {
  return columns.map(({ name, type }) => ({ name, type }));
}

function jsonRows(result: QueryResult): JsonValue[][] {
  return result.rows.map((row) =>
    row.map(
      (value, i) =>
        restValueConverter(value, result.columns[i].duckdbType, restValueConverter) as JsonValue,
    ),
  );
}

export function toRestResult(result: QueryResult): RestQueryResult {
  return {
    columns: toWireColumns(result.columns),
    rows: jsonRows(result),
    rowCount: result.rowCount,
    truncated: result.truncated,
    elapsedMs: result.elapsedMs,
  };
}

/** Rows as gRPC messages, values chosen by column type like the REST encoding. */
export function toWireRowList(rows: DuckDBValue[][], columns: ResultColumn[]): Row[] {
  return rows.map((row) => ({
    values: row.map((value, i) => toWireValue(value, columns[i].duckdbType)),
  }));
}

/** About how many bytes a row takes on the wire: its text and bytes plus a little per value. */
export function wireRowBytes(row: Row): number {
  let bytes = 4;
  for (const value of row.values ?? []) {
    bytes += 10 + (value.stringValue?.length ?? 0) + (value.bytesValue?.length ?? 0);
  }
  return bytes;
}

/** Splits rows into groups of about `maxBytes` on the wire (a larger row travels alone). */
export function* byWireSize(rows: Row[], maxBytes: number): Generator<Row[]> {
  let group: Row[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = wireRowBytes(row);
    if (group.length > 0 && bytes + size > maxBytes) {
      yield group;
      group = [];
      bytes = 0;
    }
    group.push(row);
    bytes += size;
  }
  if (group.length > 0) yield group;
}

/** Columns and rows as gRPC messages. */
export function toWireRows(result: QueryResult): Pick<ExecuteQueryResponse, 'columns' | 'rows'> {
  return {
    columns: toWireColumns(result.columns),
    rows: toWireRowList(result.rows, result.columns),
  };
}

export function toWireResult(result: QueryResult): ExecuteQueryResponse {
  return {
    ...toWireRows(result),
    rowCount: String(result.rowCount),
    truncated: result.truncated,
    elapsedMs: result.elapsedMs,
  };
}

/** RFC 4180: quote fields holding a comma, quote, CR or LF; double embedded quotes. */
function csvField(value: JsonValue): string {
  if (value === null) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV header line. */
export function csvHeader(columns: ResultColumn[]): string {
  return `${columns.map((c) => csvField(c.name)).join(',')}\r\n`;
}

/** CSV lines for some rows, each value converted as it is written. */
export function csvLines(rows: DuckDBValue[][], columns: ResultColumn[]): string {
  let csv = '';
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) {
      if (i > 0) csv += ',';
      const type = columns[i].duckdbType;
      csv += csvField(restValueConverter(row[i], type, restValueConverter) as JsonValue);
    }
    csv += '\r\n';
  }
  return csv;
}

export function toCsv(result: QueryResult): string {
  return csvHeader(result.columns) + csvLines(result.rows, result.columns);
}
