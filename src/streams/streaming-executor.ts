import { DuckDBConnection } from '@duckdb/node-api';
import { SinkColumn, StreamingPlan } from './streaming-plan';

export const PROGRESS_TABLE = '_krishiv_streaming_progress';

export interface StreamingProgress {
  lastOffset: number;
  records: number;
  batches: number;
  lastBatchAt: string | null;
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

const DELTA = '__krishiv_delta';
const MERGED = '__krishiv_merged';

/** The engine table that keeps each streaming job's committed offset, next to its sink. */
export async function createProgressTable(connection: DuckDBConnection): Promise<void> {
  await connection.run(
    `CREATE TABLE IF NOT EXISTS ${PROGRESS_TABLE} (job_id VARCHAR PRIMARY KEY, last_offset BIGINT NOT NULL, ` +
      'records BIGINT NOT NULL, batches BIGINT NOT NULL, last_batch_at TIMESTAMPTZ)',
  );
}

export async function readProgress(
  connection: DuckDBConnection,
  jobId: string,
): Promise<StreamingProgress> {
  const reader = await connection.runAndReadAll(
    `SELECT last_offset, records, batches, CAST(last_batch_at AS VARCHAR) FROM ${PROGRESS_TABLE} WHERE job_id = ${literal(jobId)}`,
  );
  const row = reader.getRows()[0];
  if (!row) return { lastOffset: 0, records: 0, batches: 0, lastBatchAt: null };
  return {
    lastOffset: Number(row[0]),
    records: Number(row[1]),
    batches: Number(row[2]),
    lastBatchAt: row[3] === null ? null : new Date(String(row[3])).toISOString(),
  };
}

/** The sink: the job's visible columns, then the hidden running sums and counts behind AVG. */
export function sinkDefinition(plan: StreamingPlan): string {
  const visible = plan.columns.map((c) => `${quoteIdentifier(c.name)} ${c.type}`);
  const hidden = plan.averages.flatMap((a) => [
    `${quoteIdentifier(a.sumName)} ${a.sumType}`,
    `${quoteIdentifier(a.countName)} BIGINT`,
  ]);
  return [...visible, ...hidden].join(', ');
}

function mergeSum(current: string, delta: string): string {
  return `CASE WHEN ${current} IS NULL THEN ${delta} WHEN ${delta} IS NULL THEN ${current} ELSE ${current} + ${delta} END`;
}

/** One visible sink column after folding the batch's partial aggregate into the current value. */
function foldExpression(column: SinkColumn, i: number, plan: StreamingPlan): string {
  const current = `s.${quoteIdentifier(column.name)}`;
  const delta = `d.${quoteIdentifier(`__c${i}`)}`;
  switch (column.fold) {
    case 'count':
      return `coalesce(${current}, 0) + ${delta}`;
    case 'sum':
      return mergeSum(current, delta);
    case 'min':
      return `system.main.least(${current}, ${delta})`;
    case 'max':
      return `system.main.greatest(${current}, ${delta})`;
    case 'avg': {
      const average = plan.averages.find(
        (a) => a.column === i,
      ) as StreamingPlan['averages'][number];
      const sum = mergeSum(`s.${quoteIdentifier(average.sumName)}`, delta);
      const count = `coalesce(s.${quoteIdentifier(average.countName)}, 0) + d.${quoteIdentifier(average.countName)}`;
      return `CAST(${sum} AS DOUBLE) / NULLIF(${count}, 0)`;
    }
    default:
      return delta;
  }
}

/**
 * Folds the records with offsets in (`from`, `to`] into the sink and records `to` as the job's
 * offset — in one engine transaction, so a crash either applies a micro-batch whole or not at all
 * (never double-counted, never dropped). A temporary view named like the stream stands in for it,
 * so the job's own SQL reads exactly the batch.
 */
export async function foldBatch(
  connection: DuckDBConnection,
  jobId: string,
  plan: StreamingPlan,
  sink: string,
  database: string,
  from: number,
  to: number,
): Promise<void> {
  const target = quoteIdentifier(sink);
  await connection.run('BEGIN TRANSACTION');
  try {
    await connection.run(
      `CREATE OR REPLACE TEMP VIEW ${quoteIdentifier(plan.stream)} AS SELECT * FROM ` +
        `${quoteIdentifier(database)}.main.${quoteIdentifier(plan.stream)} WHERE _offset > ${from} AND _offset <= ${to}`,
    );
    if (plan.mode === 'append') {
      await connection.run(`INSERT INTO ${target} ${plan.batchSql}`);
    } else {
      const keys = plan.columns
        .map((c, i) =>
          c.fold === 'key'
            ? `s.${quoteIdentifier(c.name)} IS NOT DISTINCT FROM d.${quoteIdentifier(`__c${i}`)}`
            : '',
        )
        .filter(Boolean);
      const on = keys.length > 0 ? keys.join(' AND ') : 'TRUE';
      const visible = plan.columns.map(
        (c, i) => `CAST(${foldExpression(c, i, plan)} AS ${c.type})`,
      );
      const hidden = plan.averages.flatMap((a) => [
        `CAST(${mergeSum(`s.${quoteIdentifier(a.sumName)}`, `d.${quoteIdentifier(`__c${a.column}`)}`)} AS ${a.sumType})`,
        `coalesce(s.${quoteIdentifier(a.countName)}, 0) + d.${quoteIdentifier(a.countName)}`,
      ]);
      await connection.run(`CREATE OR REPLACE TEMP TABLE ${DELTA} AS ${plan.batchSql}`);
      await connection.run(
        `CREATE OR REPLACE TEMP TABLE ${MERGED} AS SELECT ${[...visible, ...hidden].join(', ')} ` +
          `FROM ${DELTA} d LEFT JOIN ${target} s ON ${on}`,
      );
      await connection.run(`DELETE FROM ${target} AS s USING ${DELTA} d WHERE ${on}`);
      await connection.run(`INSERT INTO ${target} SELECT * FROM ${MERGED}`);
      await connection.run(`DROP TABLE ${DELTA}; DROP TABLE ${MERGED}`);
    }
    await connection.run(
      `INSERT INTO ${PROGRESS_TABLE} VALUES (${literal(jobId)}, ${to}, ${to - from}, 1, system.main.now()) ` +
        'ON CONFLICT (job_id) DO UPDATE SET last_offset = excluded.last_offset, ' +
        `records = ${PROGRESS_TABLE}.records + excluded.records, batches = ${PROGRESS_TABLE}.batches + 1, ` +
        'last_batch_at = excluded.last_batch_at',
    );
    await connection.run(`DROP VIEW ${quoteIdentifier(plan.stream)}`);
    await connection.run('COMMIT');
  } catch (err) {
    await connection.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
