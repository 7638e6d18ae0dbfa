import { Injectable, Logger } from '@nestjs/common';
import { DuckDBConnection } from '@duckdb/node-api';
import { AppConfigService } from '../config/app-config.service';
import {
  AlreadyExistsError,
  InvalidArgumentError,
  UnavailableError,
} from '../common/errors/coordinator.error';
import { isOutOfSpace } from '../common/errors/storage-exhausted.error';
import { EngineService } from '../engine/engine.service';
import {
  JobRecord,
  MetadataStore,
  SavepointPatch,
  SavepointRecord,
} from '../metadata/metadata.store';
import {
  foldBatch,
  quoteIdentifier,
  readProgress,
  sinkDefinition,
  StreamingProgress,
} from '../streams/streaming-executor';
import { planStreaming, StreamingPlan } from '../streams/streaming-plan';
import { StreamsService } from '../streams/streams.service';
import { SavepointWriter } from './savepoint-writer';

const SINK_NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
/** Records folded per micro-batch at most, so one batch never holds a transaction for long. */
const MAX_BATCH_RECORDS = 100_000;
/** First and longest pause of a streaming job whose data dir is full, before it tries again. */
const STORAGE_RETRY_MS = 500;
const MAX_STORAGE_RETRY_MS = 5_000;

export function requireSinkName(value: unknown): string {
  if (typeof value !== 'string' || !SINK_NAME.test(value)) {
    throw new InvalidArgumentError(
      'a streaming job needs sink: the name of a new table (a letter, then letters, digits or _)',
    );
  }
  return value;
}

/** A stop-with-savepoint: the job ends and `completed` is stored with it, in one transaction. */
export interface SavepointStop {
  savepoint: SavepointRecord;
  completed: SavepointPatch;
}

export interface StreamingStatus extends StreamingProgress {
  lag: number;
}

/** What the job runner lends a streaming job while it holds an executor slot. */
export interface StreamingControl {
  stopped(): boolean;
  /** Sleeps up to `ms`, waking early when the job is stopped. */
  idle(ms: number): Promise<void>;
}

/**
 * Streaming jobs: SQL over one stream, folded into a sink table in micro-batches. The plan is
 * derived from the engine's parse tree at submit (where unsupported constructs are refused) and
 * again whenever the job starts, so a restart resumes from the offset committed with the sink.
 */
@Injectable()
export class StreamingJobs {
  private readonly logger = new Logger(StreamingJobs.name);
  private readonly pending = new Map<string, SavepointRecord[]>();
  private readonly streamOfJob = new Map<string, string>();
  private readonly sinkLocks = new Map<string, Promise<void>>();

  constructor(
    private readonly engine: EngineService,
    private readonly streams: StreamsService,
    private readonly config: AppConfigService,
    private readonly savepoints: SavepointWriter,
    private readonly store: MetadataStore,
  ) {}

  /** Checks the SQL and creates the sink; an existing table of that name is a 409. */
  public async prepareSink(sql: string, sink: string): Promise<void> {
    await this.engine.withConnection(async (connection) => {
      const plan = await this.plan(connection, sql);
      await this.withSink(sink, async () => {
        if (await this.engine.tableExists(sink)) {
          throw new AlreadyExistsError(`a table named ${sink} already exists; choose another sink`);
        }
        await connection.run(`CREATE TABLE ${quoteIdentifier(sink)} (${sinkDefinition(plan)})`);
      });
    });
  }

  /**
   * Runs `work` alone among everything that creates or replaces the sink `name` in this process
   * (submits and restores), so a check that the name is free still holds when the table is made.
   */
  public async withSink<T>(name: string, work: () => Promise<T>): Promise<T> {
    const key = name.toLowerCase();
    const previous = this.sinkLocks.get(key) ?? Promise.resolve();
    const current = previous.then(work, work);
    const settled = current.then(
      () => undefined,
      () => undefined,
    );
    this.sinkLocks.set(key, settled);
    try {
      return await current;
    } finally {
      if (this.sinkLocks.get(key) === settled) this.sinkLocks.delete(key);
    }
  }

  public async status(job: JobRecord): Promise<StreamingStatus | undefined> {
    if (job.kind !== 'streaming') return undefined;
    const progress = await this.engine.withConnection((connection) =>
      readProgress(connection, job.id),
    );
    const stream = await this.streamOf(job).catch(() => undefined);
    const head = stream ? await this.streams.lastOffset(stream) : progress.lastOffset;
    return { ...progress, lag: Math.max(0, head - progress.lastOffset) };
  }

  /** Asks a running job to take a savepoint between two micro-batches. */
  public requestSavepoint(savepoint: SavepointRecord): void {
    const queue = this.pending.get(savepoint.jobId) ?? [];
    if (!queue.some((s) => s.id === savepoint.id)) queue.push(savepoint);
    this.pending.set(savepoint.jobId, queue);
  }

  /**
   * Folds new records into the sink until the job is stopped; errors end the job failed.
   * Resolves with the savepoint that stopped it, for stop-with-savepoint.
   */
  public async run(
    job: JobRecord,
    control: StreamingControl,
    onConnection: (c: DuckDBConnection) => void,
  ): Promise<SavepointStop | undefined> {
    let backoffMs = STORAGE_RETRY_MS;
    while (!control.stopped()) {
      try {
        return await this.fold(job, control, onConnection);
      } catch (err) {
        // A full disk (or the engine reopening after one) pauses the job instead of failing it:
        // its committed offset is intact, and it resumes once space is freed.
        if (control.stopped() || !(isOutOfSpace(err) || err instanceof UnavailableError)) throw err;
        this.logger.warn(
          `streaming job ${job.id} paused: ${(err as Error).message}; retrying in ${backoffMs} ms`,
        );
        await control.idle(backoffMs);
        backoffMs = Math.min(backoffMs * 2, MAX_STORAGE_RETRY_MS);
      }
    }
    return undefined;
  }

  private async fold(
    job: JobRecord,
    control: StreamingControl,
    onConnection: (c: DuckDBConnection) => void,
  ): Promise<SavepointStop | undefined> {
    const tickMs = this.config.get('jobs').streamingTickMs;
    return this.engine.withConnection(async (connection) => {
      onConnection(connection);
      const plan = await this.plan(connection, job.sql);
      let offset = (await readProgress(connection, job.id)).lastOffset;
      // Savepoints requested before a restart (or a pause) are taken now.
      for (const savepoint of await this.store.pendingSavepoints()) {
        if (savepoint.jobId === job.id) this.requestSavepoint(savepoint);
      }
      while (!control.stopped()) {
        this.engine.assertUsable();
        // Between micro-batches the sink and the committed offset agree: the moment to save.
        for (const savepoint of this.pending.get(job.id)?.splice(0) ?? []) {
          const written = await this.savepoints.write(connection, job, plan, savepoint);
          if (written !== 'continue') return { savepoint, completed: written };
        }
        const head = await this.streams.lastOffset(plan.stream);
        if (head <= offset) {
          await control.idle(tickMs);
          continue;
        }
        const to = Math.min(head, offset + MAX_BATCH_RECORDS);
        await foldBatch(
          connection,
          job.id,
          plan,
          job.sink as string,
          this.engine.database,
          offset,
          to,
        );
        offset = to;
      }
      return undefined;
    });
  }

  private async plan(connection: DuckDBConnection, sql: string): Promise<StreamingPlan> {
    const names = await this.streams.names();
    return planStreaming(connection, sql, (name) => names.has(name.toLowerCase()));
  }

  /** The stream a job reads, parsed once per job (job SQL never changes). */
  private async streamOf(job: JobRecord): Promise<string> {
    let stream = this.streamOfJob.get(job.id);
    if (stream === undefined) {
      stream = await this.engine.withConnection(
        async (connection) => (await this.plan(connection, job.sql)).stream,
      );
      this.streamOfJob.set(job.id, stream);
    }
    return stream;
  }
}
