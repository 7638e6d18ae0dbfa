import { DuckDBConnection } from '@duckdb/node-api';
import { InvalidArgumentError } from '../common/errors/coordinator.error';

/** How one select item of an aggregate job folds new records into the sink. */
export type FoldKind = 'key' | 'count' | 'sum' | 'min' | 'max' | 'avg';

export interface SinkColumn {
  name: string;
  type: string;
  fold: FoldKind | 'append';
}

/**
 * A streaming job's SQL, checked from the engine's own parse tree and rewritten for
 * micro-batches. `stream` is the table name as the SQL spells it; a temporary view of that name
 * stands in for the stream, holding only the records of one micro-batch.
 */
export interface StreamingPlan {
  mode: 'append' | 'aggregate';
  stream: string;
  /** The SQL whose rows a micro-batch adds: the job's own SQL, or its partial aggregates. */
  batchSql: string;
  /** The sink's visible columns, in the job's select order. */
  columns: SinkColumn[];
  /** For each `avg` column: the hidden running sum and count columns that follow the visible ones. */
  averages: { column: number; sumName: string; sumType: string; countName: string }[];
}

type Node = Record<string, any>;

const FOLDS: Record<string, FoldKind> = {
  count_star: 'count',
  count: 'count',
  sum: 'sum',
  min: 'min',
  max: 'max',
  avg: 'avg',
  mean: 'avg',
};

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** The tree without positions and aliases, for comparing expressions. */
function shape(node: unknown): string {
  return JSON.stringify(node, (key, value) =>
    key === 'query_location' || key === 'alias' ? undefined : value,
  );
}

function walk(node: unknown, visit: (n: Node) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node && typeof node === 'object') {
    visit(node as Node);
    Object.values(node).forEach((v) => walk(v, visit));
  }
}

function refuse(construct: string): never {
  throw new InvalidArgumentError(
    `streaming SQL cannot use ${construct}; supported: filters and projections over one stream, or GROUP BY with COUNT, SUM, MIN, MAX, AVG`,
  );
}

async function serialize(connection: DuckDBConnection, sql: string): Promise<Node> {
  const reader = await connection.runAndReadAll(`SELECT json_serialize_sql(${literal(sql)})`);
  return JSON.parse(String(reader.getRows()[0][0])) as Node;
}

async function deserialize(connection: DuckDBConnection, tree: Node): Promise<string> {
  const reader = await connection.runAndReadAll(
    `SELECT json_deserialize_sql(${literal(JSON.stringify(tree))})`,
  );
  return String(reader.getRows()[0][0]);
}

let aggregateNames: Promise<Set<string>> | undefined;

async function aggregateFunctions(connection: DuckDBConnection): Promise<Set<string>> {
  aggregateNames ??= connection
    .runAndReadAll(
      "SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_type = 'aggregate'",
    )
    .then((reader) => new Set(reader.getRows().map((r) => String(r[0]).toLowerCase())));
  return aggregateNames;
}

async function outputColumns(
  connection: DuckDBConnection,
  sql: string,
): Promise<{ name: string; type: string }[]> {
  const statement = await connection.prepare(sql);
  const columns = [];
  for (let i = 0; i < statement.columnCount; i++) {
    columns.push({ name: statement.columnName(i), type: statement.columnType(i).toString() });
  }
  return columns;
}

/**
 * Checks a streaming job's SQL and plans its micro-batches. `isStream` says whether a table name
 * is a stream. Runs on a connection where the stream tables exist (for typing the sink).
 */
export async function planStreaming(
  connection: DuckDBConnection,
  sql: string,
  isStream: (name: string) => boolean,
): Promise<StreamingPlan> {
  const tree = await serialize(connection, sql);
  if (tree.error) {
    throw new InvalidArgumentError(
      `streaming SQL must be one SELECT over a stream: ${String(tree.error_message ?? 'it does not parse')}`,
    );
  }
  if (tree.statements.length !== 1) refuse('more than one statement');
  const node: Node = tree.statements[0].node;
  if (node.type !== 'SELECT_NODE')
    refuse(node.type === 'SET_OPERATION_NODE' ? 'UNION/EXCEPT/INTERSECT' : node.type);
  for (const modifier of node.modifiers ?? []) {
    refuse(
      { DISTINCT_MODIFIER: 'DISTINCT', ORDER_MODIFIER: 'ORDER BY', LIMIT_MODIFIER: 'LIMIT' }[
        modifier.type as string
      ] ?? modifier.type,
    );
  }
  if ((node.cte_map?.map ?? []).length > 0) refuse('WITH');
  if (node.having) refuse('HAVING');
  if (node.qualify) refuse('QUALIFY');
  if (node.sample) refuse('USING SAMPLE');
  const from = node.from_table;
  if (from?.type !== 'BASE_TABLE') {
    refuse(
      {
        JOIN: 'a join',
        SUBQUERY: 'a subquery in FROM',
        TABLE_FUNCTION: 'a table function',
        EMPTY: 'no FROM (read one stream)',
      }[from?.type as string] ?? `FROM ${from?.type}`,
    );
  }
  if (from.catalog_name || from.schema_name) refuse('a qualified table name');
  if (!isStream(from.table_name)) {
    throw new InvalidArgumentError(
      `streaming SQL must read a stream; ${from.table_name} is not one`,
    );
  }
  walk([node.select_list, node.where_clause, node.group_expressions], (n) => {
    if (n.class === 'WINDOW') refuse('window functions');
    if (n.class === 'SUBQUERY') refuse('subqueries');
  });

  // Any other aggregate (median, string_agg, …) cannot be folded batch by batch: refuse it by name.
  const aggregates = await aggregateFunctions(connection);
  walk([node.select_list, node.where_clause], (n) => {
    const name = String(n.function_name ?? '').toLowerCase();
    if (n.class === 'FUNCTION' && aggregates.has(name) && FOLDS[name] === undefined) {
      refuse(`the aggregate ${n.function_name}`);
    }
  });

  const columns = await outputColumns(connection, sql);
  const seen = new Set<string>();
  for (const column of columns) {
    if (seen.has(column.name.toLowerCase())) {
      throw new InvalidArgumentError(
        `two output columns are named ${column.name}; give each a distinct alias (… AS name)`,
      );
    }
    seen.add(column.name.toLowerCase());
  }
  const groups: Node[] = node.group_expressions ?? [];
  const items: Node[] = node.select_list;
  const isAggregateCall = (n: Node) =>
    n.class === 'FUNCTION' && FOLDS[String(n.function_name).toLowerCase()] !== undefined;
  let anyAggregate = false;
  walk(items, (n) => {
    if (isAggregateCall(n)) anyAggregate = true;
  });

  if (groups.length === 0 && !anyAggregate) {
    return {
      mode: 'append',
      stream: from.table_name,
      batchSql: sql,
      columns: columns.map((c) => ({ ...c, fold: 'append' })),
      averages: [],
    };
  }

  if (node.group_sets && node.group_sets.length > 1) refuse('GROUPING SETS, ROLLUP or CUBE');
  const groupShapes = new Set(groups.map(shape));
  const positional = new Set(
    groups
      .filter((g) => g.class === 'CONSTANT' && Number.isInteger(g.value?.value))
      .map((g) => Number(g.value.value) - 1),
  );
  const folds: FoldKind[] = items.map((item, i) => {
    if (isAggregateCall(item)) {
      if (item.distinct) refuse(`${item.function_name}(DISTINCT …)`);
      if (item.filter) refuse('FILTER on an aggregate');
      if ((item.order_bys?.orders ?? []).length > 0) refuse('ORDER BY inside an aggregate');
      walk(item.children, (n) => {
        if (isAggregateCall(n)) refuse('nested aggregates');
      });
      return FOLDS[String(item.function_name).toLowerCase()];
    }
    let nested = false;
    walk(item, (n) => {
      if (isAggregateCall(n)) nested = true;
    });
    if (nested) refuse('an aggregate inside an expression (select each aggregate on its own)');
    if (positional.has(i) || groupShapes.has(shape(item))) return 'key';
    throw new InvalidArgumentError(`select item ${i + 1} is neither in GROUP BY nor an aggregate`);
  });
  const keyShapes = new Set(items.filter((_, i) => folds[i] === 'key').map(shape));
  for (const g of groups) {
    if (g.class === 'CONSTANT') {
      if (!(Number.isInteger(g.value?.value) && folds[Number(g.value.value) - 1] === 'key')) {
        refuse('GROUP BY on a position that is not a plain select item');
      }
    } else if (!keyShapes.has(shape(g))) {
      // The sink is keyed by the selected columns: an unselected grouping would split its rows.
      refuse('a GROUP BY expression that is not also selected');
    }
  }

  // The partial aggregates of one micro-batch: AVG becomes SUM here plus a COUNT appended at the
  // end, so positional GROUP BY references keep pointing at the same items.
  const partial = structuredClone(tree);
  const partialItems: Node[] = partial.statements[0].node.select_list;
  const averages: StreamingPlan['averages'] = [];
  folds.forEach((fold, i) => {
    partialItems[i].alias = `__c${i}`;
    if (fold === 'avg') {
      const sumName = `__avg_sum_${i}`;
      const countName = `__avg_count_${i}`;
      partialItems[i] = { ...partialItems[i], function_name: 'sum' };
      partialItems.push({ ...structuredClone(items[i]), function_name: 'count', alias: countName });
      averages.push({ column: i, sumName, sumType: '', countName });
    }
  });
  const batchSql = await deserialize(connection, partial);
  const partialColumns = await outputColumns(connection, batchSql);
  for (const average of averages) {
    average.sumType = partialColumns[average.column].type;
  }
  return {
    mode: 'aggregate',
    stream: from.table_name,
    batchSql,
    columns: columns.map((c, i) => ({ ...c, fold: folds[i] })),
    averages,
  };
}
