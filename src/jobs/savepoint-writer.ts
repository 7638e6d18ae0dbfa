import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, link, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DuckDBConnection } from '@duckdb/node-api';
import { AppConfigService } from '../config/app-config.service';
import { FailedPreconditionError } from '../common/errors/coordinator.error';
import { failureMessage } from '../common/errors/storage-exhausted.error';
import { EngineService } from '../engine/engine.service';
import { columnsOf } from '../engine/result-set';
import {
  JobRecord,
  MetadataStore,
  SavepointPatch,
  SavepointRecord,
} from '../metadata/metadata.store';
import { PROGRESS_TABLE, quoteIdentifier, readProgress } from '../streams/streaming-executor';
import { StreamingPlan } from '../streams/streaming-plan';
import { WIDE_INTEGERS } from './result-spool';

export const MANIFEST_FORMAT_VERSION = 1;
const STATE_FILE = 'state.parquet';
const MANIFEST_FILE = 'manifest.json';

/** What a savepoint directory holds besides its state file (Krishiv layout, format version 1). */
export interface SavepointManifest {
  formatVersion: number;
  savepointId: string;
  label: string | null;
  createdAt: string;
  job: { id: string; name: string; sql: string; sink: string };
  stream: string;
  offsets: Record<string, number>;
  recordsProcessed: number;
  /** The sink's columns, hidden AVG state included, exactly as the sink declares them. */
  sinkColumns: { name: string; type: string }[];
  files: { name: string; rows: number; sha256: string }[];
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * Where the engine itself writes a savepoint's state and reads a restore's: inside `files/`, the
 * only place the sandboxed engine reaches, under a name that every write statement from a caller
 * is refused for (the `_krishiv_` rule of the statement classifier). A file stays there only
 * while the engine works on it; savepoints themselves live outside `files/`.
 */
const ENGINE_STAGING_DIR = '_krishiv_staging';

/** Moves (or links) a file across folders of the data dir; copies when they are on two devices. */
async function relocate(from: string, to: string, how: 'move' | 'link'): Promise<void> {
  try {
    await (how === 'move' ? rename(from, to) : link(from, to));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    await copyFile(from, to);
    if (how === 'move') await rm(from, { force: true });
  }
}

/**
 * Writes and reads savepoints under `<dataDir>/savepoints/<jobId>/<savepointId>/`: the sink's
 * state as Parquet and a manifest with the job definition, offsets, schema, row counts and the
 * SHA-256 of every file. A savepoint is written to a temporary directory and renamed when
 * complete, so a half-written one is never visible.
 */
@Injectable()
export class SavepointWriter implements OnModuleInit {
  private readonly logger = new Logger(SavepointWriter.name);

  constructor(
    private readonly config: AppConfigService,
    private readonly store: MetadataStore,
    private readonly engine: EngineService,
  ) {}

  private get stagingDir(): string {
    return join(this.engine.filesDir, ENGINE_STAGING_DIR);
  }

  /** A fresh file name in the engine's staging folder. */
  private stagedFile(): string {
    return join(this.stagingDir, `${randomUUID()}.parquet`);
  }

  /**
   * Removes what a killed process left half-written (never visible to callers): savepoint
   * folders and the engine's staged files.
   */
  public async onModuleInit(): Promise<void> {
    await rm(this.stagingDir, { recursive: true, force: true });
    await mkdir(this.stagingDir, { recursive: true, mode: 0o700 });
    const root = join(this.config.get('dataDir'), 'savepoints');
    const jobs = await readdir(root).catch(() => [] as string[]);
    for (const job of jobs) {
      const entries = await readdir(join(root, job)).catch(() => [] as string[]);
      for (const entry of entries.filter((name) => name.endsWith('.partial'))) {
        await rm(join(root, job, entry), { recursive: true, force: true });
      }
    }
  }

  public directoryOf(jobId: string, savepointId: string): string {
    return join(this.config.get('dataDir'), 'savepoints', jobId, savepointId);
  }

  /**
   * Takes `savepoint` on the job's own connection between micro-batches. For a
   * stop-with-savepoint it resolves with the patch that marks it completed, which the job runner
   * stores in the transaction that ends the job; otherwise the job goes on (`continue`), whether
   * the savepoint completed or failed.
   */
  public async write(
    connection: DuckDBConnection,
    job: JobRecord,
    plan: StreamingPlan,
    savepoint: SavepointRecord,
  ): Promise<'continue' | SavepointPatch> {
    const final = this.directoryOf(job.id, savepoint.id);
    const partial = `${final}.partial`;
    const staged = this.stagedFile();
    let renamed = false;
    try {
      await rm(partial, { recursive: true, force: true });
      await mkdir(partial, { recursive: true, mode: 0o700 });
      const progress = await readProgress(connection, job.id);
      const sink = quoteIdentifier(job.sink as string);
      const probe = await connection.stream(`SELECT * FROM ${sink} LIMIT 0`);
      const sinkColumns = columnsOf(probe).map(({ name, type }) => ({ name, type }));
      // The engine writes the sink's state itself, then the file leaves the engine's reach.
      // Parquet has no 128-bit integers (it would round them to DOUBLE): they travel as text.
      const select = sinkColumns
        .map(({ name, type }) =>
          WIDE_INTEGERS.test(type)
            ? `CAST(${quoteIdentifier(name)} AS VARCHAR) AS ${quoteIdentifier(name)}`
            : quoteIdentifier(name),
        )
        .join(', ');
      const copied = await connection.runAndReadAll(
        `COPY (SELECT ${select} FROM ${sink}) TO ${literal(staged)} (FORMAT parquet)`,
      );
      const rows = Number(copied.getRows()[0]?.[0] ?? 0);
      await relocate(staged, join(partial, STATE_FILE), 'move');
      const offsets = { [plan.stream]: progress.lastOffset };
      const manifest: SavepointManifest = {
        formatVersion: MANIFEST_FORMAT_VERSION,
        savepointId: savepoint.id,
        label: savepoint.label,
        createdAt: savepoint.createdAt,
        job: { id: job.id, name: job.name, sql: job.sql, sink: job.sink as string },
        stream: plan.stream,
        offsets,
        recordsProcessed: progress.records,
        sinkColumns,
        files: [{ name: STATE_FILE, rows, sha256: await sha256Of(join(partial, STATE_FILE)) }],
      };
      await writeFile(join(partial, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, {
        mode: 0o600,
      });
      // A crash after an earlier rename but before its record was updated leaves a stale copy.
      await rm(final, { recursive: true, force: true });
      await rename(partial, final);
      renamed = true;
      const completed: SavepointPatch = {
        state: 'completed',
        completedAt: new Date().toISOString(),
        location: final,
        offsets,
      };
      // Stop-with-savepoint: completed together with the job's end, so a caller who sees it
      // completed can restore into the same sink at once.
      if (savepoint.stop) return completed;
      await this.store.updateSavepoint(savepoint.id, completed);
      return 'continue';
    } catch (err) {
      await rm(staged, { force: true }).catch(() => undefined);
      await rm(partial, { recursive: true, force: true }).catch(() => undefined);
      // Files whose record never said completed are no savepoint: nothing may point at them.
      if (renamed) await rm(final, { recursive: true, force: true }).catch(() => undefined);
      this.logger.warn(
        `savepoint ${savepoint.id} of job ${job.id} failed: ${(err as Error).message}`,
      );
      // Should the store be full too, this throws and the savepoint stays pending: the job
      // pauses and takes it again once space is freed.
      await this.store.updateSavepoint(savepoint.id, {
        state: 'failed',
        error: failureMessage(err, this.config.get('dataDir')).slice(0, 2000),
      });
      return 'continue';
    }
  }

  /** Reads the manifest and checks every file against it; any difference is a 409 saying what. */
  public async verify(savepoint: SavepointRecord): Promise<SavepointManifest> {
    const location = savepoint.location ?? this.directoryOf(savepoint.jobId, savepoint.id);
    let manifest: SavepointManifest;
    try {
      manifest = JSON.parse(
        await readFile(join(location, MANIFEST_FILE), 'utf8'),
      ) as SavepointManifest;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new FailedPreconditionError(
        `savepoint ${savepoint.id} has ${code === 'ENOENT' ? 'no' : 'an unreadable'} manifest at ${join(location, MANIFEST_FILE)}`,
      );
    }
    if (
      manifest.formatVersion !== MANIFEST_FORMAT_VERSION ||
      manifest.savepointId !== savepoint.id
    ) {
      throw new FailedPreconditionError(
        `savepoint ${savepoint.id}: the manifest does not describe this savepoint`,
      );
    }
    for (const file of manifest.files ?? []) {
      const actual = await sha256Of(join(location, file.name)).catch(() => 'missing');
      if (actual !== file.sha256) {
        throw new FailedPreconditionError(
          `savepoint ${savepoint.id}: ${file.name} is ${actual === 'missing' ? 'missing' : 'corrupted (its SHA-256 differs from the manifest)'}`,
        );
      }
    }
    return manifest;
  }

  /**
   * Replaces `sink` with the savepoint's state and records `offset` as the new job's starting
   * point, in one engine transaction.
   */
  public async load(
    connection: DuckDBConnection,
    savepoint: SavepointRecord,
    manifest: SavepointManifest,
    sink: string,
    newJobId: string,
  ): Promise<void> {
    const location = savepoint.location ?? this.directoryOf(savepoint.jobId, savepoint.id);
    const target = quoteIdentifier(sink);
    // The engine reads the state itself, from a link in its staging folder.
    const staged = this.stagedFile();
    await relocate(join(location, STATE_FILE), staged, 'link');
    await connection.run('BEGIN TRANSACTION');
    try {
      await connection.run(`DROP TABLE IF EXISTS ${target}`);
      const definition = manifest.sinkColumns
        .map((c) => `${quoteIdentifier(c.name)} ${c.type}`)
        .join(', ');
      await connection.run(`CREATE TABLE ${target} (${definition})`);
      const casts = manifest.sinkColumns
        .map((c) => `CAST(${quoteIdentifier(c.name)} AS ${c.type})`)
        .join(', ');
      await connection.run(
        `INSERT INTO ${target} SELECT ${casts} FROM read_parquet(${literal(staged)})`,
      );
      const offset = manifest.offsets[manifest.stream] ?? 0;
      await connection.run(
        `INSERT INTO ${PROGRESS_TABLE} VALUES (${literal(newJobId)}, ${offset}, ${manifest.recordsProcessed}, 0, NULL)`,
      );
      await connection.run('COMMIT');
    } catch (err) {
      await connection.run('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      await rm(staged, { force: true }).catch(() => undefined);
    }
  }

  public async remove(savepoint: SavepointRecord): Promise<void> {
    await rm(savepoint.location ?? this.directoryOf(savepoint.jobId, savepoint.id), {
      recursive: true,
      force: true,
    });
  }
}
