import { JsonValue, restValueConverter, toWireValue } from '../engine/value-encoding';
import type { ExecuteQueryResponse } from '../grpc/generated/krishiv/coordinator/v1/ExecuteQueryResponse';
import { QueryResult } from '../engine/result-set';

export interface RestQueryResult {
  columns: { name: string; type: string }[];
  rows: JsonValue[][];
  rowCount: number;
  truncated: boolean;
  elapsedMs: number;
}

function jsonRows(result: QueryResult): JsonValue[][] {
  return result.rows.map((row) =>
    row.map(
      (value, i) =>
        restValueConverter(value, result.columns[i].duckdbType, restValueConverter) as JsonValue,
    ),
  );
}

const columnsOf = (result: QueryResult) => result.columns.map(({ name, type }) => ({ name, type }));

export function toRestResult(result: QueryResult): RestQueryResult {
  return {
    columns: columnsOf(result),
    rows: jsonRows(result),
    rowCount: result.rowCount,
    truncated: result.truncated,
    elapsedMs: result.elapsedMs,
  };
}

/** Columns and rows as gRPC messages, values chosen by column type like the REST encoding. */
export function toWireRows(result: QueryResult): Pick<ExecuteQueryResponse, 'columns' | 'rows'> {
  const json = jsonRows(result);
  return {
    columns: columnsOf(result),
    rows: result.rows.map((row, r) => ({
      values: row.map((value, i) =>
        toWireValue(value, result.columns[i].duckdbType.typeId, json[r][i]),
      ),
    })),
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

export function toCsv(result: QueryResult): string {
  const lines = [result.columns.map((c) => csvField(c.name)).join(',')];
  for (const row of jsonRows(result)) lines.push(row.map(csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
