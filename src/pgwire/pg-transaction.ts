import { DuckDBConnection } from '@duckdb/node-api';
import { UnavailableError } from '../common/errors/coordinator.error';
import { EngineService } from '../engine/engine.service';

const REOPENED = () =>
  new UnavailableError(
    'the engine was reopened after a fatal error, which rolled this transaction back; start it again',
  );

/**
 * A transaction block a wire-protocol session opened with BEGIN: one engine connection, leased
 * until COMMIT or ROLLBACK, on which every statement of the block runs. Read-only for a reader.
 * Should the engine become unusable, the block gives its connection back (after the statement
 * running on it, if any) so the engine can reopen; the block can then only be rolled back.
 */
export class PgTransaction {
  private running = 0;
  /** The statement running on the block's connection, settled or not. */
  private current: Promise<unknown> = Promise.resolve();
  private invalidated = false;
  private ended = false;

  private constructor(
    private readonly engine: EngineService,
    private readonly lease: { connection: DuckDBConnection; release: () => void },
  ) {}

  public static async begin(engine: EngineService, readOnly: boolean): Promise<PgTransaction> {
    // The engine may become unusable before the block exists: remember it until then.
    const holder: { transaction?: PgTransaction; invalidatedEarly?: boolean } = {};
    const lease = await engine.lease(() => {
      if (holder.transaction) holder.transaction.onInvalidated();
      else holder.invalidatedEarly = true;
    });
    const transaction = new PgTransaction(engine, lease);
    holder.transaction = transaction;
    try {
      await lease.connection.run(readOnly ? 'BEGIN TRANSACTION READ ONLY' : 'BEGIN TRANSACTION');
    } catch (err) {
      lease.release();
      throw await engine.failure(err);
    }
    if (holder.invalidatedEarly) transaction.onInvalidated();
    return transaction;
  }

  /** Runs `work` on the block's connection. */
  public async run<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.invalidated || this.ended) throw REOPENED();
    this.running++;
    const work$ = work(this.lease.connection);
    this.current = work$.catch(() => undefined);
    try {
      return await work$;
    } catch (err) {
      throw await this.engine.failure(err);
    } finally {
      this.running--;
      if (this.invalidated && this.running === 0) this.lease.release();
    }
  }

  /**
   * Ends the block and gives the connection back, once the statement running on it (interrupted
   * by a closing session) has stopped. A COMMIT that fails rolls back and throws; a ROLLBACK never
   * throws.
   */
  public async end(command: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.current;
    if (this.invalidated) {
      if (command === 'COMMIT') throw REOPENED();
      return;
    }
    const connection = this.lease.connection;
    try {
      await connection.run(command);
    } catch (err) {
      if (command === 'COMMIT') {
        await connection.run('ROLLBACK').catch(() => undefined);
        throw await this.engine.failure(err);
      }
    } finally {
      this.lease.release();
    }
  }

  private onInvalidated(): void {
    this.invalidated = true;
    if (this.running === 0) this.lease.release();
  }
}
