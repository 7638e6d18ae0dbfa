import { performance } from 'node:perf_hooks';
import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DuckDBConnection } from '@duckdb/node-api';
import { isRole, Principal } from '../access/principal';
import { failureMessage, isOutOfSpace } from '../common/errors/storage-exhausted.error';
import { AppConfigService } from '../config/app-config.service';
import { EngineService } from '../engine/engine.service';
import { interruptUntilDone } from '../engine/interrupt';
import { SqlRunner } from '../engine/sql-runner';
import { ExecutorPool } from '../executors/executor-pool.service';
import { JobRecord, MetadataStore } from '../metadata/metadata.store';
import { TERMINAL_JOB_STATES } from '../metadata/schema';
import { MetricsService } from '../metrics/metrics.service';
import { ResultSpool } from './result-spool';
import { SavepointWriter } from './savepoint-writer';
import { SavepointStop, StreamingJobs } from './streaming-jobs.service';

const TICK_MS = 1_000;
const RETENTION_SWEEP_MS = 60_000;

/** Why a running job is being stopped, decided by whoever stops it. */
type StopReason =
  | { kind: 'cancel'; actor: string }
  | { kind: 'removed'; actor: string; executorId: string }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'shutdown' };

interface RunningJob {
  connection?: DuckDBConnection;
  stop?: StopReason;
  /** Wakes a streaming job that is idling between micro-batches. */
  wake?: () => void;
  done: Promise<void>;
}

export function principalOf(job: JobRecord): Principal {
  return {
    subject: job.submittedBy,
    role: isRole(job.submitterRole) ? job.submitterRole : null,
    method: 'service-token',
  };
}

const now = () => new Date().toISOString();

/**
 * Schedules queued jobs FIFO onto free executor slots and runs them, each on an engine connection
 * of its own. Every state change is a compare-and-set in the metadata store, so a job is never run
 * twice and a finished job is never rewritten.
 */
@Injectable()
export class JobRunner
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(JobRunner.name);
  private readonly running = new Map<string, RunningJob>();
  private scheduling = false;
  private again = false;
  private accepting = false;
  private tick: NodeJS.Timeout | undefined;
  private sweep: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: MetadataStore,
    private readonly pool: ExecutorPool,
    private readonly engine: EngineService,
    private readonly runner: SqlRunner,
    private readonly spool: ResultSpool,
    private readonly config: AppConfigService,
    private readonly metrics: MetricsService,
    private readonly streaming: StreamingJobs,
    private readonly savepoints: SavepointWriter,
  ) {}

  /** Recovery before any work: a job that was running when the process died may have written data. */
  public async onApplicationBootstrap(): Promise<void> {
    for (const job of await this.store.jobsInState('running')) {
      if (job.kind === 'streaming') {
        // Its offset was committed with its sink: it resumes from there, losing and repeating nothing.
        await this.store.transitionJob(
          job.id,
          ['running'],
          { state: 'queued' },
          {
            at: now(),
            actor: 'coordinator',
            event: 'requeued',
            detail: 'resumes after a coordinator restart',
          },
        );
        continue;
      }
      await this.store.transitionJob(
        job.id,
        ['running'],
        { state: 'failed', finishedAt: now(), error: 'interrupted by coordinator restart' },
        {
          at: now(),
          actor: 'coordinator',
          event: 'failed',
          detail: 'interrupted by coordinator restart',
        },
      );
      this.logger.warn(`job ${job.id} was running when the coordinator stopped; marked failed`);
    }
    // A savepoint whose job will not run again can never be taken (or its completion was lost).
    for (const savepoint of await this.store.pendingSavepoints()) {
      const job = await this.store.getJob(savepoint.jobId);
      if (job?.state === 'queued') continue;
      // A data dir from a version that ended the job and completed its stop-with-savepoint in two
      // transactions may hold a cancelled job whose savepoint, written in full, is still pending.
      if (savepoint.stop && job?.state === 'cancelled') {
        const manifest = await this.savepoints.verify(savepoint).catch(() => undefined);
        if (manifest) {
          await this.store.updateSavepoint(savepoint.id, {
            state: 'completed',
            completedAt: now(),
            location: this.savepoints.directoryOf(job.id, savepoint.id),
            offsets: manifest.offsets,
          });
          continue;
        }
      }
      await this.store.updateSavepoint(savepoint.id, {
        state: 'failed',
        error: 'the coordinator restarted before the savepoint completed; take a new one',
      });
    }
    await this.pool.start();
    this.pool.onEvent((event) => {
      if (event.kind === 'removed') {
        for (const jobId of event.jobIds) {
          this.stop(jobId, { kind: 'removed', actor: event.actor, executorId: event.executorId });
        }
      }
      this.kick();
    });
    this.accepting = true;
    this.tick = setInterval(() => this.kick(), TICK_MS);
    this.tick.unref();
    this.sweep = setInterval(() => void this.expire(), RETENTION_SWEEP_MS);
    this.sweep.unref();
    void this.expire();
    this.kick();
  }

  /** Shutdown: take no new job, stop the running ones (they end failed, saying why). */
  public async beforeApplicationShutdown(): Promise<void> {
    this.accepting = false;
    clearInterval(this.tick);
    clearInterval(this.sweep);
    for (const jobId of this.running.keys()) this.stop(jobId, { kind: 'shutdown' });
    await Promise.all([...this.running.values()].map((r) => r.done));
  }

  public onApplicationShutdown(): void {
    clearInterval(this.tick);
    clearInterval(this.sweep);
  }

  public get runningCount(): number {
    return this.running.size;
  }

  /** Wakes a streaming job idling between micro-batches (a savepoint was requested). */
  public wake(jobId: string): void {
    this.running.get(jobId)?.wake?.();
  }

  /** Runs the scheduler soon; calls made while it runs cause one more pass. */
  public kick(): void {
    if (!this.accepting) return;
    if (this.scheduling) {
      this.again = true;
      return;
    }
    this.scheduling = true;
    void this.schedule()
      .catch((err: Error) => this.logger.error(`scheduler pass failed: ${err.message}`))
      .finally(() => {
        this.scheduling = false;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /**
   * Stops a running job. Resolves once the job has ended (its state then says how), or false when
   * it is not running in this process.
   */
  public async stop(jobId: string, reason: StopReason): Promise<boolean> {
    const job = this.running.get(jobId);
    if (!job) return false;
    job.stop ??= reason;
    interruptUntilDone(() => job.connection, job.done);
    job.wake?.();
    await job.done;
    return true;
  }

  private async schedule(): Promise<void> {
    while (this.accepting) {
      const { free } = this.pool.slotTotals();
      if (free === 0) return;
      const queued = await this.store.queuedJobs(free);
      if (queued.length === 0) return;
      for (const job of queued) {
        const executorId = this.pool.reserveSlot(job.id);
        if (!executorId) return;
        const claimed = await this.store.transitionJob(
          job.id,
          ['queued'],
          { state: 'running', startedAt: now(), executorId },
          { at: now(), actor: 'scheduler', event: 'started', detail: `on ${executorId}` },
        );
        if (!claimed) {
          await this.pool.releaseSlot(executorId, job.id);
          continue;
        }
        this.metrics.jobQueueWait.observe((Date.now() - Date.parse(job.submittedAt)) / 1000);
        this.launch(claimed, executorId);
      }
    }
  }

  private launch(job: JobRecord, executorId: string): void {
    const entry: RunningJob = { done: Promise.resolve() };
    this.running.set(job.id, entry);
    entry.done = this.execute(job, executorId, entry).finally(async () => {
      this.running.delete(job.id);
      await this.pool.releaseSlot(executorId, job.id);
    });
  }

  private async execute(job: JobRecord, executorId: string, entry: RunningJob): Promise<void> {
    if (job.kind === 'streaming') return this.executeStreaming(job, executorId, entry);
    const started = performance.now();
    const timeoutMs = job.timeoutMs ?? this.config.get('jobs').timeoutMs;
    const timer = timeoutMs
      ? setTimeout(() => {
          entry.stop ??= { kind: 'timeout', timeoutMs };
          interruptUntilDone(() => entry.connection, entry.done);
        }, timeoutMs)
      : undefined;
    let outcome: Parameters<MetadataStore['transitionJob']>[2];
    let detail: string;
    try {
      const spooled = await this.engine.withConnection(async (connection) => {
        entry.connection = connection;
        if (entry.stop) throw new Error('stopped before it started');
        return this.runner.run(connection, principalOf(job), job.sql, (result) =>
          this.spool.write(job.id, result),
        );
      });
      outcome = {
        state: 'succeeded',
        rowCount: spooled.rowCount,
        resultColumns: spooled.columns,
        resultPath: spooled.path,
      };
      detail = `${spooled.rowCount} rows`;
    } catch (err) {
      const stop = entry.stop;
      if (stop?.kind === 'cancel') {
        outcome = { state: 'cancelled', cancelledBy: stop.actor };
        detail = `cancelled by ${stop.actor}`;
      } else {
        const message = stop
          ? stopMessage(stop, executorId)
          : failureMessage(err, this.config.get('dataDir'));
        outcome = { state: 'failed', error: message };
        detail = message;
      }
    } finally {
      clearTimeout(timer);
    }
    const finished = await this.persist(() =>
      this.store.transitionJob(
        job.id,
        ['running'],
        { ...outcome, finishedAt: now() },
        {
          at: now(),
          actor: outcome.state === 'cancelled' ? (outcome.cancelledBy as string) : executorId,
          event: outcome.state as string,
          detail,
        },
      ),
    );
    if (!finished && outcome.resultPath) await this.spool.remove(outcome.resultPath);
    this.metrics.jobDuration.observe(
      { state: outcome.state as string },
      (performance.now() - started) / 1000,
    );
  }

  /** A streaming job holds its slot until stopped; a shutdown puts it back in the queue. */
  private async executeStreaming(
    job: JobRecord,
    executorId: string,
    entry: RunningJob,
  ): Promise<void> {
    let failure: string | undefined;
    let stopper: SavepointStop | undefined;
    try {
      stopper = await this.streaming.run(
        job,
        {
          stopped: () => entry.stop !== undefined,
          idle: (ms) =>
            new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, ms);
              entry.wake = () => {
                clearTimeout(timer);
                resolve();
              };
            }),
        },
        (connection) => {
          entry.connection = connection;
        },
      );
    } catch (err) {
      if (!entry.stop) failure = failureMessage(err, this.config.get('dataDir'));
    }
    const stop = entry.stop;
    const savepoint = stopper?.savepoint;
    const at = now();
    if (stop?.kind === 'shutdown' && !stopper) {
      await this.store.transitionJob(
        job.id,
        ['running'],
        { state: 'queued' },
        {
          at,
          actor: 'coordinator',
          event: 'requeued',
          detail: 'the coordinator shut down; resumes at the next start',
        },
      );
      return;
    }
    const outcome: Parameters<MetadataStore['transitionJob']>[2] = savepoint
      ? { state: 'cancelled', cancelledBy: savepoint.createdBy }
      : stop?.kind === 'cancel'
        ? { state: 'cancelled', cancelledBy: stop.actor }
        : { state: 'failed', error: stop ? stopMessage(stop, executorId) : (failure ?? 'stopped') };
    // A stop-with-savepoint ends the job and completes its savepoint in one transaction.
    const ended = await this.persist(() =>
      this.store.transitionJob(
        job.id,
        ['running'],
        { ...outcome, finishedAt: at },
        {
          at,
          actor: outcome.cancelledBy ?? executorId,
          event: outcome.state as string,
          detail: savepoint ? `stopped with savepoint ${savepoint.id}` : (outcome.error ?? null),
        },
        stopper && { id: stopper.savepoint.id, patch: stopper.completed },
      ),
    );
    // The job had been ended elsewhere: its savepoint is complete all the same.
    if (stopper && !ended) {
      await this.persist(() => this.store.updateSavepoint(stopper.savepoint.id, stopper.completed));
    }
    // Savepoints still waiting for a job that has ended can never be taken.
    for (const pending of await this.store.pendingSavepoints()) {
      if (pending.jobId !== job.id) continue;
      await this.store.updateSavepoint(pending.id, {
        state: 'failed',
        error: `job ${job.id} ended (${outcome.state as string}) before the savepoint was taken`,
      });
    }
  }

  /**
   * A state change that must not be lost to a full disk: retried until it is stored, or until the
   * coordinator shuts down (the next start then recovers the job as after a crash).
   */
  private async persist<T>(write: () => Promise<T>): Promise<T> {
    for (let delayMs = 250; ; delayMs = Math.min(delayMs * 2, 5_000)) {
      try {
        return await write();
      } catch (err) {
        if (!isOutOfSpace(err) || !this.accepting) throw err;
        this.logger.warn(`metadata store is out of space; retrying a job update in ${delayMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  /** Removes results past `KRISHIV_JOB_RETENTION_HOURS`; the job then answers 404 saying so. */
  private async expire(): Promise<void> {
    const cutoff = new Date(
      Date.now() - this.config.get('jobs').retentionHours * 3_600_000,
    ).toISOString();
    try {
      for (const job of await this.store.jobsToExpire(cutoff, 500)) {
        await this.spool.remove(job.resultPath);
        await this.store.transitionJob(
          job.id,
          TERMINAL_JOB_STATES,
          { expiredAt: now(), resultPath: null },
          { at: now(), actor: 'coordinator', event: 'expired', detail: 'retention elapsed' },
        );
      }
    } catch (err) {
      this.logger.warn(`retention sweep failed: ${(err as Error).message}`);
    }
  }
}

function stopMessage(stop: Exclude<StopReason, { kind: 'cancel' }>, executorId: string): string {
  switch (stop.kind) {
    case 'removed':
      return `executor ${stop.executorId} was removed by ${stop.actor} while the job ran`;
    case 'timeout':
      return `job exceeded its timeout of ${stop.timeoutMs} ms and was interrupted`;
    case 'shutdown':
      return `interrupted: the coordinator shut down while the job ran on ${executorId}`;
  }
}
