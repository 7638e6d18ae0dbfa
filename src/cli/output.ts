import type { QueryResult, SqlValue } from '../client/session';

export const FORMATS = ['table', 'json', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

function text(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  return String(value);
}

function jsonValue(value: SqlValue): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  return value;
}

function csvField(value: SqlValue): string {
  if (value === null) return '';
  const t = Buffer.isBuffer(value) ? value.toString('base64') : String(value);
  return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

/** An aligned text table, like psql's, with a row-count footer. */
function table(result: QueryResult): string {
  const header = result.columns.map((c) => c.name);
  const cells = result.rows.map((row) => row.map(text));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const numeric = result.rows[0]?.map((v) => typeof v === 'number' || typeof v === 'bigint') ?? [];
  const line = (values: string[]) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join(' | ')
      .trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('-+-'), ...cells.map(line)];
  const count = `(${result.rowCount} row${result.rowCount === 1 ? '' : 's'}${result.truncated ? ', truncated: raise --max-rows to see more' : ''})`;
  return `${out.join('\n')}\n${count}\n`;
}

export function formatResult(result: QueryResult, format: Format): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(
        {
          columns: result.columns,
          rows: result.rows.map((r) => r.map(jsonValue)),
          rowCount: result.rowCount,
          truncated: result.truncated,
          elapsedMs: result.elapsedMs,
        },
        null,
        2,
      )}\n`;
    case 'csv':
      return [
        result.columns.map((c) => csvField(c.name)).join(','),
        ...result.rows.map((r) => r.map(csvField).join(',')),
      ]
        .map((l) => `${l}\n`)
        .join('');
    default:
      return table(result);
  }
}

/** Key/value records (whoami, can-i) in the chosen format. */
export function formatRecord(record: Record<string, unknown>, format: Format): string {
  if (format === 'json') return `${JSON.stringify(record, null, 2)}\n`;
  const entries = Object.entries(record).filter(([, v]) => v !== undefined);
  if (format === 'csv') {
    return `${entries.map(([k]) => k).join(',')}\n${entries.map(([, v]) => csvField(v === null ? null : String(v))).join(',')}\n`;
  }
  const width = Math.max(...entries.map(([k]) => k.length));
  return entries
    .map(([k, v]) => `${k.padEnd(width)}  ${v === null ? '(none)' : String(v)}\n`)
    .join('');
}
