import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DuckDBConnection } from '@duckdb/node-api';
import type { Principal } from '../access/principal';
import {
  AlreadyExistsError,
  InvalidArgumentError,
  NotFoundError,
} from '../common/errors/coordinator.error';
import { EngineService } from '../engine/engine.service';
import { MetadataStore, StreamRecordDefinition } from '../metadata/metadata.store';
import { fieldText, parseColumnType, StreamColumnType, SUPPORTED_TYPES } from './stream-schema';

export const OFFSET_COLUMN = '_offset';
export const MAX_RECORDS_PER_APPEND = 100_000;
const MAX_COLUMNS = 200;
const NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
const ROWS_PER_INSERT = 1_000;

export interface StreamView {
  name: string;
  columns: { name: string; type: string }[];
  recordCount: number;
  lastOffset: number;
  createdBy: string;
  createdAt: string;
}

export interface AppendOutcome {
  stream: string;
  appended: number;
  firstOffset: number;
  lastOffset: number;
}

interface Head {
  lastOffset: number;
  /** Appends to one stream run one after another, so offsets stay consecutive. */
  tail: Promise<unknown>;
  /** The engine instance `lastOffset` was read from; a reopened engine is asked again. */
  generation: number;
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function readLastOffset(connection: DuckDBConnection, stream: string): Promise<number> {
  const reader = await connection.runAndReadAll(
    `SELECT coalesce(max(${OFFSET_COLUMN}), 0) FROM ${quoteIdentifier(stream)}`,
  );
  return Number(reader.getRows()[0][0]);
}

/**
 * Streams: append-only tables in the engine whose records carry consecutive offsets (`_offset`,
 * from 1). The metadata store names them; the engine holds the records, so readers query a
 * stream like any table. Only the append API keeps offsets consecutive; SQL that writes to a
 * stream table (a writer may, as to any table) bypasses that guarantee.
 */
@Injectable()
export class StreamsService implements OnApplicationBootstrap {
  private readonly logger = new Logger(StreamsService.name);
  private readonly heads = new Map<string, Head>();
  /** The stream create under way, if any: creates run one at a time. */
  private creating: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: MetadataStore,
    private readonly engine: EngineService,
  ) {}

  /** Re-creates any stream table a crash left missing. */
  public async onApplicationBootstrap(): Promise<void> {
    for (const stream of await this.store.listStreams()) {
      await this.createTable(stream, true);
    }
  }

  public async create(
    principal: Principal,
    request: { name?: unknown; columns?: unknown },
  ): Promise<StreamView> {
    const name = request?.name;
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw new InvalidArgumentError(
        'name must start with a letter and hold only letters, digits and _ (at most 63)',
      );
    }
    const columns = this.validateColumns(request.columns);
    // One create at a time: engine names ignore case, so `Clicks` and `clicks` created at once
    // would both pass the checks below.
    const created = this.creating.then(() => this.createChecked(principal, name, columns));
    this.creating = created.catch(() => undefined);
    return created;
  }

  private async createChecked(
    principal: Principal,
    name: string,
    columns: StreamRecordDefinition['columns'],
  ): Promise<StreamView> {
    if (await this.store.getStream(name))
      throw new AlreadyExistsError(`stream ${name} already exists`);
    if (await this.engine.tableExists(name)) {
      throw new AlreadyExistsError(
        `a table named ${name} already exists in the engine; choose another stream name`,
      );
    }
    const definition: StreamRecordDefinition = {
      name,
      columns,
      createdBy: principal.subject,
      createdAt: new Date().toISOString(),
    };
    // Metadata first: a crash before the table exists is repaired at the next start.
    if (!(await this.store.insertStream(definition))) {
      throw new AlreadyExistsError(`stream ${name} already exists`);
    }
    try {
      await this.createTable(definition, false);
    } catch (err) {
      await this.store.deleteStream(name);
      // A table made by SQL between the check and the create.
      if (err instanceof Error && /already exists|write-write conflict/.test(err.message)) {
        throw new AlreadyExistsError(
          `a table named ${name} already exists in the engine (names ignore case); choose another stream name`,
        );
      }
      throw err;
    }
    this.logger.log(`stream ${name} created by ${principal.subject}`);
    return this.view(definition);
  }

  public async list(): Promise<StreamView[]> {
    const streams = await this.store.listStreams();
    return Promise.all(streams.map((s) => this.view(s)));
  }

  public async get(name: string): Promise<StreamView> {
    return this.view(await this.find(name));
  }

  /**
   * Validates every record, then appends all of them with consecutive offsets in one engine
   * transaction — or none, with an error naming the record index and field.
   */
  public async append(name: string, records: unknown): Promise<AppendOutcome> {
    const stream = await this.find(name);
    if (!Array.isArray(records) || records.length === 0) {
      throw new InvalidArgumentError(
        'send at least one record: a JSON array of objects, NDJSON (one per line), or StreamRecords over gRPC',
      );
    }
    if (records.length > MAX_RECORDS_PER_APPEND) {
      throw new InvalidArgumentError(
        `at most ${MAX_RECORDS_PER_APPEND} records per append; split the batch`,
      );
    }
    const types = stream.columns.map((c) => parseColumnType(c.type) as StreamColumnType);
    const known = new Set(stream.columns.map((c) => c.name));
    const rows = records.map((record, index) => {
      if (record === null || typeof record !== 'object' || Array.isArray(record)) {
        throw new InvalidArgumentError(`record ${index}: expected an object of field values`);
      }
      const unknown = Object.keys(record).find((field) => !known.has(field));
      if (unknown !== undefined) {
        throw new InvalidArgumentError(
          `record ${index}: stream ${name} has no field "${unknown.slice(0, 64)}" (fields: ${[...known].join(', ')})`,
        );
      }
      return stream.columns.map((column, i) =>
        fieldText(
          (record as Record<string, unknown>)[column.name],
          types[i],
          `record ${index}, field ${column.name}`,
        ),
      );
    });
    const head = await this.head(stream.name);
    const appended = head.tail.then(() => this.insert(stream, types, rows, head));
    head.tail = appended.catch(() => undefined);
    return appended;
  }

  private async insert(
    stream: StreamRecordDefinition,
    types: StreamColumnType[],
    rows: (string | null)[][],
    head: Head,
  ): Promise<AppendOutcome> {
    const table = quoteIdentifier(stream.name);
    const placeholders = `(?::BIGINT, ${types.map((t) => `?::${t.sql}`).join(', ')})`;
    let first = head.lastOffset + 1;
    await this.engine.withConnection(async (connection) => {
      if (head.generation !== this.engine.generation) {
        // The engine was reopened after a fatal error: what it holds is the truth, not our count.
        const generation = this.engine.generation;
        head.lastOffset = await readLastOffset(connection, stream.name);
        head.generation = generation;
        first = head.lastOffset + 1;
      }
      await connection.run('BEGIN TRANSACTION');
      try {
        for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
          const batch = rows.slice(start, start + ROWS_PER_INSERT);
          const statement = await connection.prepare(
            `INSERT INTO ${table} VALUES ${batch.map(() => placeholders).join(', ')}`,
          );
          statement.bind(batch.flatMap((row, i) => [String(first + start + i), ...row]));
          await statement.run();
        }
        await connection.run('COMMIT');
      } catch (err) {
        // The records were valid: a failure here is the engine's, reported as an internal error.
        await connection.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
    head.lastOffset = first + rows.length - 1;
    return {
      stream: stream.name,
      appended: rows.length,
      firstOffset: first,
      lastOffset: head.lastOffset,
    };
  }

  private validateColumns(raw: unknown): { name: string; type: string }[] {
    if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_COLUMNS) {
      throw new InvalidArgumentError(`columns must be a list of 1 to ${MAX_COLUMNS} {name, type}`);
    }
    const seen = new Set<string>();
    return raw.map((column: { name?: unknown; type?: unknown }, i) => {
      const name = column?.name;
      if (typeof name !== 'string' || !NAME.test(name) || name.toLowerCase() === OFFSET_COLUMN) {
        throw new InvalidArgumentError(
          `columns[${i}].name must be an identifier other than ${OFFSET_COLUMN}`,
        );
      }
      if (seen.has(name.toLowerCase()))
        throw new InvalidArgumentError(`columns[${i}]: ${name} appears twice`);
      seen.add(name.toLowerCase());
      const type = parseColumnType(column.type);
      if (!type) {
        throw new InvalidArgumentError(
          `columns[${i}].type ${JSON.stringify(column.type)} is not one of ${SUPPORTED_TYPES}`,
        );
      }
      return { name, type: type.sql };
    });
  }

  private async createTable(stream: StreamRecordDefinition, ifMissing: boolean): Promise<void> {
    const columns = stream.columns.map((c) => `${quoteIdentifier(c.name)} ${c.type}`).join(', ');
    await this.engine.withConnection((connection) =>
      connection.run(
        `CREATE TABLE ${ifMissing ? 'IF NOT EXISTS ' : ''}${quoteIdentifier(stream.name)} (${OFFSET_COLUMN} BIGINT NOT NULL, ${columns})`,
      ),
    );
  }

  /** The offset of the stream's newest record (0 while empty). */
  public async lastOffset(name: string): Promise<number> {
    return (await this.head(name)).lastOffset;
  }

  /** Names of all streams, lower-cased, for checking which table a query reads. */
  public async names(): Promise<Set<string>> {
    return new Set((await this.store.listStreams()).map((s) => s.name.toLowerCase()));
  }

  private async head(name: string): Promise<Head> {
    const key = name.toLowerCase();
    let head = this.heads.get(key);
    if (!head || head.generation !== this.engine.generation) {
      const generation = this.engine.generation;
      const lastOffset = await this.engine.withConnection((connection) =>
        readLastOffset(connection, name),
      );
      // Another caller may have loaded it meanwhile; keep the first so its queue is shared.
      head = this.heads.get(key) ?? { lastOffset, tail: Promise.resolve(), generation };
      if (head.generation !== generation && generation === this.engine.generation) {
        head.lastOffset = lastOffset;
        head.generation = generation;
      }
      this.heads.set(key, head);
    }
    return head;
  }

  private async find(name: string): Promise<StreamRecordDefinition> {
    const stream =
      typeof name === 'string' && name.length <= 63 ? await this.store.getStream(name) : undefined;
    if (!stream) throw new NotFoundError(`stream "${String(name).slice(0, 63)}" does not exist`);
    return stream;
  }

  private async view(stream: StreamRecordDefinition): Promise<StreamView> {
    const head = await this.head(stream.name);
    return {
      name: stream.name,
      columns: stream.columns,
      // Offsets are consecutive from 1, so the last offset is also the count.
      recordCount: head.lastOffset,
      lastOffset: head.lastOffset,
      createdBy: stream.createdBy,
      createdAt: stream.createdAt,
    };
  }
}
