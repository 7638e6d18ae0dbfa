import { hostname } from 'node:os';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AppConfigService } from '../config/app-config.service';
import { FailedPreconditionError, NotFoundError } from '../common/errors/coordinator.error';
import { ExecutorRecord, MetadataStore } from '../metadata/metadata.store';
import { ExecutorState } from '../metadata/schema';

export const HEARTBEAT_INTERVAL_MS = 5_000;

/** An executor as callers see it (the Executor message in proto/). */
export interface ExecutorView {
  id: string;
  state: ExecutorState;
  slots: number;
  runningJobs: number;
  lastHeartbeatAt: string;
  host: string;
}

interface Executor {
  record: ExecutorRecord;
  /** Jobs running on this executor, each taking one slot. */
  running: Set<string>;
}

export type ExecutorEvent =
  | { kind: 'slot-freed' | 'resumed' }
  | { kind: 'removed'; executorId: string; jobIds: string[]; actor: string };

/**
 * The embedded executors: `KRISHIV_EXECUTORS` in-process executors with `KRISHIV_EXECUTOR_SLOTS`
 * slots each, registered in the metadata store and heart-beating like remote ones would. An
 * executor being drained takes no new job and becomes `drained` when its last job ends; a removed
 * one is retired for good (its running jobs are stopped by the job runner).
 */
@Injectable()
export class ExecutorPool implements OnApplicationShutdown {
  private readonly logger = new Logger(ExecutorPool.name);
  private readonly executors = new Map<string, Executor>();
  private heartbeat: NodeJS.Timeout | undefined;
  private listeners: ((event: ExecutorEvent) => void)[] = [];
  private cursor = 0;

  constructor(
    private readonly config: AppConfigService,
    private readonly store: MetadataStore,
  ) {}

  /** Registers the configured executors; an earlier drain or removal is kept across restarts. */
  public async start(): Promise<void> {
    const { count, slots } = this.config.get('executors');
    const now = new Date().toISOString();
    for (let i = 1; i <= count; i++) {
      const id = `executor-${i}`;
      const previous = await this.store.getExecutor(id);
      const state: ExecutorState =
        previous?.state === 'removed'
          ? 'removed'
          : previous?.state === 'draining' || previous?.state === 'drained'
            ? 'drained'
            : 'active';
      const record: ExecutorRecord = {
        id,
        state,
        slots,
        host: `${hostname()} (in-process)`,
        registeredAt: previous?.registeredAt ?? now,
        lastHeartbeatAt: now,
      };
      await this.store.upsertExecutor(record);
      this.executors.set(id, { record, running: new Set() });
    }
    this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_INTERVAL_MS);
    this.heartbeat.unref();
  }

  public onApplicationShutdown(): void {
    clearInterval(this.heartbeat);
  }

  public onEvent(listener: (event: ExecutorEvent) => void): void {
    this.listeners.push(listener);
  }

  public list(): ExecutorView[] {
    return [...this.executors.values()].map((e) => this.view(e));
  }

  public get(id: string): ExecutorView {
    return this.view(this.find(id));
  }

  public slotTotals(): { busy: number; free: number } {
    let busy = 0;
    let free = 0;
    for (const e of this.executors.values()) {
      busy += e.running.size;
      if (e.record.state === 'active') free += e.record.slots - e.running.size;
    }
    return { busy, free };
  }

  /** Reserves a slot on an active executor (round robin), or undefined when none is free. */
  public reserveSlot(jobId: string): string | undefined {
    const all = [...this.executors.values()];
    for (let n = 0; n < all.length; n++) {
      const executor = all[(this.cursor + n) % all.length];
      if (executor.record.state === 'active' && executor.running.size < executor.record.slots) {
        this.cursor = (this.cursor + n + 1) % all.length;
        executor.running.add(jobId);
        return executor.record.id;
      }
    }
    return undefined;
  }

  public async releaseSlot(executorId: string, jobId: string): Promise<void> {
    const executor = this.executors.get(executorId);
    if (!executor) return;
    executor.running.delete(jobId);
    if (executor.record.state === 'draining' && executor.running.size === 0) {
      await this.setState(executor, 'drained');
    }
    this.emit({ kind: 'slot-freed' });
  }

  public async drain(id: string): Promise<ExecutorView> {
    const executor = this.find(id);
    this.refuseRemoved(executor);
    if (executor.record.state === 'active' || executor.record.state === 'lost') {
      await this.setState(executor, executor.running.size === 0 ? 'drained' : 'draining');
    }
    return this.view(executor);
  }

  public async resume(id: string): Promise<ExecutorView> {
    const executor = this.find(id);
    this.refuseRemoved(executor);
    if (executor.record.state !== 'active') {
      await this.setState(executor, 'active');
      this.emit({ kind: 'resumed' });
    }
    return this.view(executor);
  }

  /** Retires the executor; the job runner stops the jobs it was running. */
  public async remove(id: string, actor: string): Promise<ExecutorView> {
    const executor = this.find(id);
    this.refuseRemoved(executor);
    await this.setState(executor, 'removed');
    this.emit({ kind: 'removed', executorId: id, jobIds: [...executor.running], actor });
    return this.view(executor);
  }

  private find(id: string): Executor {
    const executor = this.executors.get(id);
    if (!executor) {
      throw new NotFoundError(
        `executor "${id.slice(0, 64)}" does not exist; list the executors to see their ids`,
      );
    }
    return executor;
  }

  private refuseRemoved(executor: Executor): void {
    if (executor.record.state === 'removed') {
      throw new FailedPreconditionError(
        `executor ${executor.record.id} was removed and cannot be changed`,
      );
    }
  }

  private async setState(executor: Executor, state: ExecutorState): Promise<void> {
    await this.store.updateExecutor(executor.record.id, { state });
    this.logger.log(`executor ${executor.record.id}: ${executor.record.state} → ${state}`);
    executor.record.state = state;
  }

  private async beat(): Promise<void> {
    const now = new Date().toISOString();
    for (const executor of this.executors.values()) {
      if (executor.record.state === 'removed') continue;
      executor.record.lastHeartbeatAt = now;
      await this.store
        .updateExecutor(executor.record.id, { lastHeartbeatAt: now })
        .catch((err: Error) => {
          this.logger.warn(`heartbeat of ${executor.record.id} not recorded: ${err.message}`);
        });
    }
  }

  private emit(event: ExecutorEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private view(executor: Executor): ExecutorView {
    return {
      id: executor.record.id,
      state: executor.record.state,
      slots: executor.record.slots,
      runningJobs: executor.running.size,
      lastHeartbeatAt: executor.record.lastHeartbeatAt,
      host: executor.record.host,
    };
  }
}
