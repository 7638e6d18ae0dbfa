import type {
  AuditEvent,
  Executor,
  Job,
  JobResultPage,
  QueryResult,
  Savepoint,
  SqlValue,
  Stream,
  StreamColumn,
} from '../client/session';

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

/** Right-align a column when every value in it that is not NULL is a number. */
function numericColumns(rows: SqlValue[][], width: number): boolean[] {
  return Array.from({ length: width }, (_, i) => {
    const present = rows.map((r) => r[i]).filter((v) => v !== null);
    return (
      present.length > 0 && present.every((v) => typeof v === 'number' || typeof v === 'bigint')
    );
  });
}

/** An aligned text table, like psql's, with a footer line. */
function table(header: string[], rows: SqlValue[][], footer: string, nullText = 'NULL'): string {
  const cells = rows.map((row) => row.map((v) => (v === null ? nullText : text(v))));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const numeric = numericColumns(rows, header.length);
  const line = (values: string[]) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join(' | ')
      .trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('-+-'), ...cells.map(line)];
  return `${out.join('\n')}\n${footer}\n`;
}

export const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

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
      return table(
        result.columns.map((c) => c.name),
        result.rows,
        `(${plural(result.rowCount, 'row')}${result.truncated ? ', truncated: raise --max-rows to see more' : ''})`,
      );
  }
}

/** CSV lines of rows without the header, for output that arrives page by page. */
export function formatCsvRows(rows: SqlValue[][]): string {
  return rows.map((r) => `${r.map(csvField).join(',')}\n`).join('');
}

/**
 * A page of a job's result. Table and CSV look exactly like `krishiv sql` output of the same
 * rows; JSON mirrors the API (`columns`, `rows`, `totalRows`, `offset`, `nextOffset`).
 */
export function formatResultPage(page: JobResultPage, format: Format): string {
  if (format === 'json') {
    return `${JSON.stringify(
      {
        columns: page.columns,
        rows: page.rows.map((r) => r.map(jsonValue)),
        totalRows: page.totalRows,
        offset: page.offset,
        nextOffset: page.nextOffset,
      },
      null,
      2,
    )}\n`;
  }
  return formatResult(
    { ...page, rowCount: page.rows.length, truncated: false, elapsedMs: 0 },
    format,
  );
}

/** Key/value records (whoami, can-i) in the chosen format. */
export function formatRecord(record: Record<string, unknown>, format: Format): string {
  if (format === 'json') return `${JSON.stringify(record, null, 2)}\n`;
  const entries = Object.entries(record).filter(([, v]) => v !== undefined);
  if (format === 'csv') {
    return `${entries.map(([k]) => k).join(',')}\n${entries.map(([, v]) => csvField(v === null ? null : String(v))).join(',')}\n`;
  }
  const width = Math.max(...entries.map(([k]) => k.length));
  // Lines after the first of a multi-line value (SQL, an engine error) stay in the value column.
  const indent = `\n${' '.repeat(width + 2)}`;
  return entries
    .map(([k, v]) => {
      const value = v === null ? '(none)' : String(v).replace(/\r?\n/g, indent);
      return `${k.padEnd(width)}  ${value}\n`;
    })
    .join('');
}

/** A field of a resource: its key, and the column title when it is shown in a list table. */
export interface Field<T> {
  key: keyof T & string;
  /** Column title in list tables; fields without one appear only in json and csv. */
  column?: string;
  /** How table and csv output write the value (json always carries it as it is). */
  text?: (value: T[keyof T & string]) => string;
}

export const JOB_FIELDS: readonly Field<Job>[] = [
  { key: 'id', column: 'id' },
  { key: 'name', column: 'name' },
  { key: 'kind' },
  { key: 'state', column: 'state' },
  { key: 'submittedBy', column: 'submittedBy' },
  { key: 'submittedAt', column: 'submittedAt' },
  { key: 'startedAt' },
  { key: 'finishedAt' },
  { key: 'executorId' },
  { key: 'rowCount', column: 'rows' },
  { key: 'error' },
  { key: 'cancelledBy' },
  { key: 'timeoutMs' },
  { key: 'restoredFrom' },
  { key: 'sink' },
  { key: 'offset' },
  { key: 'lag' },
  { key: 'recordsProcessed' },
  { key: 'lastBatchAt' },
  { key: 'sql' },
];

/** `clicks=1200`: each stream with the last offset the saved state includes. */
const offsetList = (offsets: Record<string, number>) =>
  Object.entries(offsets)
    .map(([stream, offset]) => `${stream}=${offset}`)
    .join(', ');

export const SAVEPOINT_FIELDS: readonly Field<Savepoint>[] = [
  { key: 'id', column: 'id' },
  { key: 'jobId' },
  { key: 'state', column: 'state' },
  { key: 'label', column: 'label' },
  { key: 'createdAt', column: 'createdAt' },
  { key: 'completedAt', column: 'completedAt' },
  {
    key: 'offsets',
    column: 'offsets',
    text: (v) => offsetList(v as Record<string, number>),
  },
  { key: 'location' },
  { key: 'error' },
];

export const AUDIT_FIELDS: readonly Field<AuditEvent>[] = [
  { key: 'id' },
  { key: 'at', column: 'at' },
  { key: 'decision', column: 'decision' },
  { key: 'action', column: 'action' },
  { key: 'resource', column: 'resource' },
  { key: 'subject', column: 'subject' },
  { key: 'role' },
  { key: 'authMethod' },
  { key: 'transport', column: 'transport' },
  { key: 'clientAddress', column: 'client' },
  { key: 'requestId' },
  { key: 'reason', column: 'reason' },
];

export const EXECUTOR_FIELDS: readonly Field<Executor>[] = [
  { key: 'id', column: 'id' },
  { key: 'state', column: 'state' },
  { key: 'slots', column: 'slots' },
  { key: 'runningJobs', column: 'runningJobs' },
  { key: 'lastHeartbeatAt', column: 'lastHeartbeatAt' },
  { key: 'host', column: 'host' },
];

/** `ts TIMESTAMP, page VARCHAR`, the way a table's columns are declared. */
const columnList = (columns: StreamColumn[]) =>
  columns.map((c) => `${c.name} ${c.type}`).join(', ');

export const STREAM_FIELDS: readonly Field<Stream>[] = [
  { key: 'name', column: 'name' },
  { key: 'recordCount', column: 'records' },
  { key: 'lastOffset', column: 'lastOffset' },
  { key: 'columns', column: 'columns', text: (v) => columnList(v as StreamColumn[]) },
  { key: 'createdBy' },
  { key: 'createdAt' },
];

function cell(value: unknown): SqlValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string')
    return value;
  return JSON.stringify(value);
}

/** A field of an item as table and csv show it. */
function shown<T extends object>(item: T, field: Field<T>): unknown {
  const value = item[field.key];
  return field.text && value !== undefined && value !== null ? field.text(value) : value;
}

const fieldCell = <T extends object>(item: T, field: Field<T>) => cell(shown(item, field));

function csvOf<T extends object>(items: T[], fields: readonly Field<T>[]): string {
  const header = fields.map((f) => f.key).join(',');
  return `${header}\n${formatCsvRows(items.map((item) => fields.map((f) => fieldCell(item, f))))}`;
}

/** One resource (a job, an executor): key/value lines, a JSON object, or a one-row CSV. */
export function formatItem<T extends object>(
  item: T,
  fields: readonly Field<T>[],
  format: Format,
): string {
  if (format === 'json') return `${JSON.stringify(item, null, 2)}\n`;
  if (format === 'csv') return csvOf([item], fields);
  return formatRecord(Object.fromEntries(fields.map((f) => [f.key, shown(item, f)])), format);
}

/**
 * A list of resources: a table of the fields that have a column title, every field as CSV, or
 * JSON as the API answers it (`{ [key]: [...], ...extra }`).
 */
export function formatList<T extends object>(
  items: T[],
  fields: readonly Field<T>[],
  format: Format,
  noun: string,
  key: string,
  extra: Record<string, unknown> = {},
): string {
  if (format === 'json') return `${JSON.stringify({ [key]: items, ...extra }, null, 2)}\n`;
  if (format === 'csv') return csvOf(items, fields);
  const columns = fields.filter((f) => f.column !== undefined);
  return table(
    columns.map((f) => f.column as string),
    items.map((item) => columns.map((f) => fieldCell(item, f))),
    `(${plural(items.length, noun)})`,
    '',
  );
}
