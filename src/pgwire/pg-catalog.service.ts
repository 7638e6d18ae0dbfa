import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DuckDBConnection, DuckDBInstance, ResultReturnType, VARCHAR } from '@duckdb/node-api';
import { AuthService } from '../auth/auth.service';
import { Principal } from '../access/principal';
import { EngineService } from '../engine/engine.service';
import { collectRows } from '../engine/result-set';
import { SqlRunner } from '../engine/sql-runner';
import { classifyStatement } from '../engine/statement-classifier';
import { PgError } from './pg-error';
import type { PgDescription, PgResult } from './pg-query.service';
import { PG_OID } from './pg-types';

/** OIDs PostgreSQL gives its own catalogs and schemas; clients compare against some of them. */
const CATALOG_OID: Record<string, number> = {
  pg_type: 1247,
  pg_attribute: 1249,
  pg_proc: 1255,
  pg_class: 1259,
  pg_namespace: 2615,
  pg_constraint: 2606,
  pg_description: 2609,
};
const PG_CATALOG_NAMESPACE = 11;
const INFORMATION_SCHEMA_NAMESPACE = 13000;
const OWNER_OID = 10;

/** The types the wire encoding produces, as pg_type rows: oid, name, length, category, element. */
const TYPES: [number, string, number, string, number][] = [
  [PG_OID.bool, 'bool', 1, 'B', 0],
  [PG_OID.bytea, 'bytea', -1, 'U', 0],
  [PG_OID.name, 'name', 64, 'S', 0],
  [PG_OID.int8, 'int8', 8, 'N', 0],
  [PG_OID.int2, 'int2', 2, 'N', 0],
  [PG_OID.int4, 'int4', 4, 'N', 0],
  [PG_OID.text, 'text', -1, 'S', 0],
  [PG_OID.oid, 'oid', 4, 'N', 0],
  [PG_OID.json, 'json', -1, 'U', 0],
  [PG_OID.float4, 'float4', 4, 'N', 0],
  [PG_OID.float8, 'float8', 8, 'N', 0],
  [PG_OID.varchar, 'varchar', -1, 'S', 0],
  [PG_OID.date, 'date', 4, 'D', 0],
  [PG_OID.time, 'time', 8, 'D', 0],
  [PG_OID.timestamp, 'timestamp', 8, 'D', 0],
  [PG_OID.timestamptz, 'timestamptz', 8, 'D', 0],
  [PG_OID.interval, 'interval', 16, 'T', 0],
  [PG_OID.timetz, 'timetz', 12, 'D', 0],
  [PG_OID.numeric, 'numeric', -1, 'N', 0],
  [PG_OID.uuid, 'uuid', 16, 'U', 0],
  [1000, '_bool', -1, 'A', PG_OID.bool],
  [1005, '_int2', -1, 'A', PG_OID.int2],
  [1007, '_int4', -1, 'A', PG_OID.int4],
  [1009, '_text', -1, 'A', PG_OID.text],
  [1016, '_int8', -1, 'A', PG_OID.int8],
  [1021, '_float4', -1, 'A', PG_OID.float4],
  [1022, '_float8', -1, 'A', PG_OID.float8],
  [1182, '_date', -1, 'A', PG_OID.date],
  [1115, '_timestamp', -1, 'A', PG_OID.timestamp],
  [1185, '_timestamptz', -1, 'A', PG_OID.timestamptz],
  [1231, '_numeric', -1, 'A', PG_OID.numeric],
  [2951, '_uuid', -1, 'A', PG_OID.uuid],
];

/** Engine column type names (duckdb_columns().data_type) to PostgreSQL type OIDs. */
const ENGINE_TYPE: Record<string, number> = {
  BOOLEAN: PG_OID.bool,
  TINYINT: PG_OID.int2,
  SMALLINT: PG_OID.int2,
  UTINYINT: PG_OID.int2,
  INTEGER: PG_OID.int4,
  USMALLINT: PG_OID.int4,
  BIGINT: PG_OID.int8,
  UINTEGER: PG_OID.int8,
  UBIGINT: PG_OID.numeric,
  HUGEINT: PG_OID.numeric,
  UHUGEINT: PG_OID.numeric,
  FLOAT: PG_OID.float4,
  DOUBLE: PG_OID.float8,
  VARCHAR: PG_OID.text,
  JSON: PG_OID.json,
  BLOB: PG_OID.bytea,
  DATE: PG_OID.date,
  TIME: PG_OID.time,
  'TIME WITH TIME ZONE': PG_OID.timetz,
  TIMESTAMP: PG_OID.timestamp,
  TIMESTAMP_S: PG_OID.timestamp,
  TIMESTAMP_MS: PG_OID.timestamp,
  TIMESTAMP_NS: PG_OID.timestamp,
  'TIMESTAMP WITH TIME ZONE': PG_OID.timestamptz,
  INTERVAL: PG_OID.interval,
  UUID: PG_OID.uuid,
};

const ARRAY_OID = new Map(TYPES.filter((t) => t[4] !== 0).map((t) => [t[4], t[0]]));

/** Type OID, attlen and atttypmod of an engine column type. */
function columnType(dataType: string): [number, number, number] {
  const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(dataType);
  if (decimal) return [PG_OID.numeric, -1, ((Number(decimal[1]) << 16) | Number(decimal[2])) + 4];
  if (dataType.endsWith('[]')) {
    const element = columnType(dataType.slice(0, -2))[0];
    return [ARRAY_OID.get(element) ?? PG_OID.json, -1, -1];
  }
  const oid =
    ENGINE_TYPE[dataType] ?? (/^(STRUCT|MAP|UNION)/.test(dataType) ? PG_OID.json : PG_OID.text);
  const length = TYPES.find((t) => t[0] === oid)?.[2] ?? -1;
  return [oid, length, -1];
}

/** Catalog tables clients read, with the columns they read; rows are filled per query. */
const CATALOG_TABLES = `
CREATE TEMP TABLE pg_namespace (oid BIGINT, nspname VARCHAR, nspowner BIGINT, nspacl VARCHAR[]);
CREATE TEMP TABLE pg_class (oid BIGINT, relname VARCHAR, relnamespace BIGINT, reltype BIGINT,
  reloftype BIGINT, relowner BIGINT, relam BIGINT, relfilenode BIGINT, reltablespace BIGINT,
  relpages INTEGER, reltuples FLOAT, relallvisible INTEGER, reltoastrelid BIGINT,
  relhasindex BOOLEAN, relisshared BOOLEAN, relpersistence VARCHAR, relkind VARCHAR,
  relnatts SMALLINT, relchecks SMALLINT, relhasrules BOOLEAN, relhastriggers BOOLEAN,
  relhassubclass BOOLEAN, relrowsecurity BOOLEAN, relforcerowsecurity BOOLEAN,
  relispopulated BOOLEAN, relreplident VARCHAR, relispartition BOOLEAN, relrewrite BIGINT,
  relacl VARCHAR[], reloptions VARCHAR[], relpartbound VARCHAR);
CREATE TEMP TABLE pg_attribute (attrelid BIGINT, attname VARCHAR, atttypid BIGINT,
  attstattarget INTEGER, attlen SMALLINT, attnum SMALLINT, attndims INTEGER, attcacheoff INTEGER,
  atttypmod INTEGER, attbyval BOOLEAN, attalign VARCHAR, attstorage VARCHAR,
  attcompression VARCHAR, attnotnull BOOLEAN, atthasdef BOOLEAN, atthasmissing BOOLEAN,
  attidentity VARCHAR, attgenerated VARCHAR, attisdropped BOOLEAN, attislocal BOOLEAN,
  attinhcount INTEGER, attcollation BIGINT, attacl VARCHAR[], attoptions VARCHAR[],
  attfdwoptions VARCHAR[]);
CREATE TEMP TABLE pg_type (oid BIGINT, typname VARCHAR, typnamespace BIGINT, typowner BIGINT,
  typlen SMALLINT, typbyval BOOLEAN, typtype VARCHAR, typcategory VARCHAR, typispreferred BOOLEAN,
  typisdefined BOOLEAN, typdelim VARCHAR, typrelid BIGINT, typelem BIGINT, typarray BIGINT,
  typnotnull BOOLEAN, typbasetype BIGINT, typtypmod INTEGER, typndims INTEGER,
  typcollation BIGINT, typdefault VARCHAR);
CREATE TEMP TABLE pg_attrdef (oid BIGINT, adrelid BIGINT, adnum SMALLINT, adbin VARCHAR);
CREATE TEMP TABLE pg_description (objoid BIGINT, classoid BIGINT, objsubid INTEGER, description VARCHAR);
CREATE TEMP TABLE pg_am (oid BIGINT, amname VARCHAR, amhandler VARCHAR, amtype VARCHAR);
CREATE TEMP TABLE pg_roles (oid BIGINT, rolname VARCHAR, rolsuper BOOLEAN, rolcanlogin BOOLEAN);
CREATE TEMP TABLE pg_user (usesysid BIGINT, usename VARCHAR, usesuper BOOLEAN);
CREATE TEMP TABLE pg_database (oid BIGINT, datname VARCHAR, datdba BIGINT, encoding INTEGER,
  datlocprovider VARCHAR, datistemplate BOOLEAN, datallowconn BOOLEAN, datconnlimit INTEGER,
  dattablespace BIGINT, datcollate VARCHAR, datctype VARCHAR, daticulocale VARCHAR,
  datcollversion VARCHAR, datacl VARCHAR[]);
CREATE TEMP TABLE pg_tablespace (oid BIGINT, spcname VARCHAR);
CREATE TEMP TABLE pg_index (indexrelid BIGINT, indrelid BIGINT, indnatts SMALLINT,
  indisunique BOOLEAN, indisprimary BOOLEAN, indisclustered BOOLEAN, indisvalid BOOLEAN,
  indkey INTEGER[], indoption INTEGER[], indexprs VARCHAR, indpred VARCHAR);
CREATE TEMP TABLE pg_constraint (oid BIGINT, conname VARCHAR, connamespace BIGINT, contype VARCHAR,
  condeferrable BOOLEAN, condeferred BOOLEAN, convalidated BOOLEAN, conrelid BIGINT,
  contypid BIGINT, conindid BIGINT, confrelid BIGINT, confupdtype VARCHAR, confdeltype VARCHAR,
  conkey INTEGER[], confkey INTEGER[], conparentid BIGINT, conislocal BOOLEAN);
CREATE TEMP TABLE pg_inherits (inhrelid BIGINT, inhparent BIGINT, inhseqno INTEGER,
  inhdetachpending BOOLEAN);
CREATE TEMP TABLE pg_collation (oid BIGINT, collname VARCHAR, collnamespace BIGINT);
CREATE TEMP TABLE pg_proc (oid BIGINT, proname VARCHAR, pronamespace BIGINT, prorettype BIGINT,
  proargtypes BIGINT[], proargnames VARCHAR[], proargmodes VARCHAR[], proallargtypes BIGINT[],
  prokind VARCHAR);
CREATE TEMP TABLE pg_trigger (oid BIGINT, tgrelid BIGINT, tgname VARCHAR, tgisinternal BOOLEAN);
CREATE TEMP TABLE pg_rewrite (oid BIGINT, ev_class BIGINT, rulename VARCHAR);
CREATE TEMP TABLE pg_policy (oid BIGINT, polname VARCHAR, polrelid BIGINT, polcmd VARCHAR,
  polpermissive BOOLEAN, polroles BIGINT[], polqual VARCHAR, polwithcheck VARCHAR);
CREATE TEMP TABLE pg_statistic_ext (oid BIGINT, stxrelid BIGINT, stxname VARCHAR, stxnamespace BIGINT,
  stxkind VARCHAR[], stxstattarget INTEGER);
CREATE TEMP TABLE pg_publication (oid BIGINT, pubname VARCHAR, puballtables BOOLEAN);
CREATE TEMP TABLE pg_publication_rel (oid BIGINT, prpubid BIGINT, prrelid BIGINT, prqual VARCHAR,
  prattrs SMALLINT[]);
CREATE TEMP TABLE pg_publication_namespace (oid BIGINT, pnpubid BIGINT, pnnspid BIGINT);
CREATE TEMP TABLE pg_partitioned_table (partrelid BIGINT, partstrat VARCHAR);
CREATE TEMP TABLE pg_foreign_table (ftrelid BIGINT, ftserver BIGINT);
CREATE TEMP TABLE pg_settings (name VARCHAR, setting VARCHAR);
`;

/** Functions catalog queries call, for a warehouse with one owner and no ACLs. */
const CATALOG_MACROS = `
CREATE MACRO pg_get_userbyid(id) AS 'krishiv';
CREATE MACRO pg_table_is_visible(id) AS true;
CREATE MACRO pg_type_is_visible(id) AS true;
CREATE MACRO pg_get_expr(expr, relation) AS expr, (expr, relation, pretty) AS expr;
CREATE MACRO pg_get_indexdef(a, b, c) AS NULL;
CREATE MACRO pg_get_constraintdef(a) AS NULL, (a, b) AS NULL;
CREATE MACRO obj_description(a) AS NULL, (a, b) AS NULL;
CREATE MACRO col_description(a, b) AS NULL;
CREATE MACRO shobj_description(a, b) AS NULL;
CREATE MACRO has_schema_privilege(a, b) AS true, (a, b, c) AS true;
CREATE MACRO has_table_privilege(a, b) AS true, (a, b, c) AS true;
CREATE MACRO pg_encoding_to_char(a) AS 'UTF8';
CREATE MACRO pg_get_statisticsobjdef_columns(a) AS NULL;
CREATE MACRO array_upper(a, dimension) AS len(a);
CREATE MACRO pg_relation_is_publishable(a) AS false;
CREATE MACRO format_type(type_oid, typemod) AS CASE
  WHEN type_oid = ${PG_OID.numeric} AND typemod >= 4
    THEN 'numeric(' || ((typemod - 4) >> 16) || ',' || ((typemod - 4) & 65535) || ')'
  WHEN type_oid = ${PG_OID.int2} THEN 'smallint'
  WHEN type_oid = ${PG_OID.int4} THEN 'integer'
  WHEN type_oid = ${PG_OID.int8} THEN 'bigint'
  WHEN type_oid = ${PG_OID.float4} THEN 'real'
  WHEN type_oid = ${PG_OID.float8} THEN 'double precision'
  WHEN type_oid = ${PG_OID.bool} THEN 'boolean'
  WHEN type_oid = ${PG_OID.timestamp} THEN 'timestamp without time zone'
  WHEN type_oid = ${PG_OID.timestamptz} THEN 'timestamp with time zone'
  WHEN type_oid = ${PG_OID.time} THEN 'time without time zone'
  WHEN type_oid = ${PG_OID.timetz} THEN 'time with time zone'
  ELSE coalesce((SELECT typname FROM pg_type WHERE oid = type_oid), '???') END;
`;

/** PostgreSQL-only spellings in catalog queries, rewritten for the engine's dialect. */
const REWRITES: [RegExp, string | ((...m: string[]) => string)][] = [
  [/OPERATOR\s*\(\s*pg_catalog\s*\.\s*([~!<>=*]+)\s*\)/gi, ' $1 '],
  // PostgreSQL's ~ finds the pattern anywhere; the engine's ~ must match the whole text.
  [/(!?~)\s*'((?:[^']|'')*)'/g, "$1 '.*(?:$2).*'"],
  [/\s+COLLATE\s+pg_catalog\s*\.\s*"?default"?/gi, ''],
  [
    /'([a-z_]+)'\s*::\s*(?:pg_catalog\s*\.\s*)?regclass/gi,
    (_m, name) => String(CATALOG_OID[name.toLowerCase()] ?? 0),
  ],
  [/::\s*(?:pg_catalog\s*\.\s*)?(regclass|regtype|regproc|regnamespace)\b/gi, ''],
  [/::\s*(?:pg_catalog\s*\.\s*)?(oid|xid|cid|int2vector|oidvector)\b/gi, '::BIGINT'],
  [/::\s*(?:pg_catalog\s*\.\s*)?(name|"char")(?![\w"])/gi, '::VARCHAR'],
  [/\bpg_catalog\s*\.\s*/gi, ''],
  // A set-returning function aliased `s` is a column `s` in PostgreSQL, a row in the engine.
  [/(generate_series\((?:[^()]|\([^()]*\))*\))\s+s\b(?!\s*\()/gi, '$1 AS s(s)'],
];

/**
 * Answers the `pg_catalog` queries BI tools, JDBC's DatabaseMetaData and psql's `\d` commands
 * send, from PostgreSQL-shaped catalog tables describing the warehouse's schemas, tables and
 * columns. They run in a separate in-memory engine that holds nothing but that description, is
 * sandboxed like the warehouse engine, and only runs statements the statement classifier calls
 * reads; the caller needs `query:read` as for any other read.
 */
@Injectable()
export class PgCatalogService implements OnModuleInit, OnApplicationShutdown {
  private instance: DuckDBInstance | undefined;

  constructor(
    private readonly engine: EngineService,
    private readonly auth: AuthService,
    private readonly runner: SqlRunner,
  ) {}

  public async onModuleInit(): Promise<void> {
    this.instance = await DuckDBInstance.create(':memory:', {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      allow_community_extensions: 'false',
      allow_unsigned_extensions: 'false',
    });
    const setup = await this.instance.connect();
    await setup.run(CATALOG_MACROS);
    await setup.run('SET enable_external_access = false');
    await setup.run('SET lock_configuration = true');
    setup.closeSync();
  }

  public onApplicationShutdown(): void {
    this.instance?.closeSync();
    this.instance = undefined;
  }

  /** Queries that name PostgreSQL's catalog schema go here; everything else to the warehouse. */
  public handles(sql: string): boolean {
    return /\bpg_catalog\s*\./i.test(sql);
  }

  public async describe(principal: Principal, sql: string): Promise<PgDescription> {
    return this.withCatalog(principal, sql, async (connection, text) => {
      const prepared = await this.prepareRead(connection, text);
      const columns = [];
      for (let i = 0; i < prepared.columnCount; i++) {
        columns.push({ name: prepared.columnName(i), type: prepared.columnType(i) });
      }
      return {
        parameterTypes: Array.from({ length: prepared.parameterCount }, () => PG_OID.text),
        columns,
      };
    });
  }

  public async execute(
    principal: Principal,
    sql: string,
    parameters: (string | null)[],
    maxRows: number,
  ): Promise<PgResult> {
    return this.withCatalog(principal, sql, async (connection, text) => {
      const prepared = await this.prepareRead(connection, text);
      if (parameters.length > 0)
        prepared.bind(
          parameters,
          parameters.map(() => VARCHAR),
        );
      await connection.run('BEGIN TRANSACTION READ ONLY');
      try {
        const result = await prepared.run();
        if (result.returnType !== ResultReturnType.QUERY_RESULT) {
          throw new PgError('0A000', 'catalog queries must return rows');
        }
        const rows = await collectRows(result, maxRows);
        return {
          columns: rows.columns.map(({ name, duckdbType }) => ({ name, type: duckdbType })),
          rows: rows.rows,
          tag: `SELECT ${rows.rowCount}`,
          truncated: rows.truncated,
        };
      } finally {
        await connection.run('ROLLBACK').catch(() => undefined);
      }
    });
  }

  private async prepareRead(connection: DuckDBConnection, text: string) {
    const extracted = await connection.extractStatements(text);
    if (extracted.count !== 1) {
      throw new PgError('42601', 'a catalog query must be a single statement');
    }
    const prepared = await extracted.prepare(0);
    const statement = classifyStatement(prepared.statementType, text);
    if (statement.kind !== 'allowed' || statement.action !== 'query:read') {
      throw new PgError(
        '42501',
        `${statement.name} on pg_catalog is not allowed: the catalog is read-only`,
      );
    }
    return prepared;
  }

  private async withCatalog<T>(
    principal: Principal,
    sql: string,
    work: (connection: DuckDBConnection, text: string) => Promise<T>,
  ): Promise<T> {
    this.auth.authorize(principal, 'query:read');
    if (!this.instance) throw new Error('catalog is not open');
    const snapshot = await this.engine.withConnection((connection) => this.snapshot(connection));
    const connection = await this.instance.connect();
    try {
      await connection.run(CATALOG_TABLES);
      await this.fill(connection, snapshot);
      const text = REWRITES.reduce(
        (current, [pattern, replacement]) => current.replace(pattern, replacement as string),
        sql,
      );
      return await work(connection, text);
    } catch (err) {
      throw this.runner.translate(err, principal);
    } finally {
      connection.closeSync();
    }
  }

  /**
   * The warehouse's schemas, tables, views and columns, read from the engine's own catalog. The
   * coordinator's own tables (`_krishiv_*`, streaming progress) are not the warehouse's: BI tools
   * do not list them, though SQL can still read them by name.
   */
  private async snapshot(connection: DuckDBConnection): Promise<CatalogSnapshot> {
    const rows = async (sql: string) => (await connection.runAndReadAll(sql)).getRowsJS();
    const database = 'database_name = current_database()';
    return {
      database: String((await rows('SELECT current_database()'))[0][0]),
      schemas: (await rows(
        `SELECT oid, schema_name FROM duckdb_schemas() WHERE ${database} AND schema_name NOT IN ('pg_catalog', 'information_schema') ORDER BY schema_name`,
      )) as [bigint, string][],
      relations: (await rows(
        `SELECT table_oid, schema_name, table_name, 'r', comment FROM duckdb_tables() WHERE ${database} AND NOT temporary AND table_name NOT ILIKE '\\_krishiv\\_%' ESCAPE '\\'
         UNION ALL SELECT view_oid, schema_name, view_name, 'v', comment FROM duckdb_views() WHERE ${database} AND NOT internal AND NOT temporary`,
      )) as [bigint, string, string, string, string | null][],
      columns: (await rows(
        `SELECT table_oid, column_name, column_index, data_type, is_nullable, column_default, comment FROM duckdb_columns() WHERE ${database} AND NOT internal`,
      )) as [bigint, string, number, string, boolean, string | null, string | null][],
    };
  }

  private async fill(connection: DuckDBConnection, snapshot: CatalogSnapshot): Promise<void> {
    const insert = async (table: string, rows: unknown[][]) => {
      if (rows.length === 0) return;
      const width = rows[0].length;
      const placeholders = `(${Array.from({ length: width }, () => '?').join(', ')})`;
      const statement = await connection.prepare(
        `INSERT INTO ${table} VALUES ${rows.map(() => placeholders).join(', ')}`,
      );
      statement.bind(rows.flat() as never);
      await statement.run();
    };
    const schemaOid = new Map(snapshot.schemas.map(([oid, name]) => [name, Number(oid)]));
    await insert('pg_namespace', [
      [PG_CATALOG_NAMESPACE, 'pg_catalog', OWNER_OID, null],
      [INFORMATION_SCHEMA_NAMESPACE, 'information_schema', OWNER_OID, null],
      ...snapshot.schemas.map(([oid, name]) => [Number(oid), name, OWNER_OID, null]),
    ]);
    const columnCount = new Map<number, number>();
    for (const [tableOid] of snapshot.columns) {
      columnCount.set(Number(tableOid), (columnCount.get(Number(tableOid)) ?? 0) + 1);
    }
    await insert(
      'pg_class',
      snapshot.relations.map(([oid, schema, name, kind]) => [
        Number(oid),
        name,
        schemaOid.get(schema) ?? 0,
        0,
        0,
        OWNER_OID,
        kind === 'r' ? 2 : 0,
        0,
        0,
        0,
        -1,
        0,
        0,
        false,
        false,
        'p',
        kind,
        columnCount.get(Number(oid)) ?? 0,
        0,
        false,
        false,
        false,
        false,
        false,
        true,
        'd',
        false,
        0,
        null,
        null,
        null,
      ]),
    );
    await insert('pg_description', [
      ...snapshot.relations
        .filter((r) => r[4])
        .map(([oid, , , , comment]) => [Number(oid), CATALOG_OID.pg_class, 0, comment]),
      ...snapshot.columns
        .filter((c) => c[6])
        .map(([oid, , index, , , , comment]) => [
          Number(oid),
          CATALOG_OID.pg_class,
          index,
          comment,
        ]),
    ]);
    await insert(
      'pg_attribute',
      snapshot.columns.map(([tableOid, name, index, dataType, nullable, fallback]) => {
        const [typeOid, length, modifier] = columnType(dataType);
        return [
          Number(tableOid),
          name,
          typeOid,
          -1,
          length,
          index,
          0,
          -1,
          modifier,
          length > 0,
          'i',
          'p',
          '',
          !nullable,
          fallback !== null,
          false,
          '',
          '',
          false,
          true,
          0,
          0,
          null,
          null,
          null,
        ];
      }),
    );
    await insert(
      'pg_attrdef',
      snapshot.columns
        .filter((c) => c[5] !== null)
        .map(([tableOid, , index, , , fallback], i) => [i + 1, Number(tableOid), index, fallback]),
    );
    await insert(
      'pg_type',
      TYPES.map(([oid, name, length, category, element]) => [
        oid,
        name,
        PG_CATALOG_NAMESPACE,
        OWNER_OID,
        length,
        length > 0 && length <= 8,
        'b',
        category,
        false,
        true,
        ',',
        0,
        element,
        ARRAY_OID.get(oid) ?? 0,
        false,
        0,
        -1,
        0,
        0,
        null,
      ]),
    );
    await insert('pg_am', [[2, 'heap', 'heap_tableam_handler', 't']]);
    await insert('pg_roles', [[OWNER_OID, 'krishiv', false, true]]);
    await insert('pg_user', [[OWNER_OID, 'krishiv', false]]);
    await insert('pg_database', [
      [1, snapshot.database, OWNER_OID, 6, 'c', false, true, -1, 1663, 'C', 'C', null, null, null],
    ]);
    await insert('pg_tablespace', [[1663, 'pg_default']]);
  }
}

interface CatalogSnapshot {
  database: string;
  schemas: [bigint, string][];
  relations: [bigint, string, string, string, string | null][];
  columns: [bigint, string, number, string, boolean, string | null, string | null][];
}
