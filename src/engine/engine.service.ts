import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { CoordinatorError, UnavailableError } from '../common/errors/coordinator.error';
import { asStorageError, isOutOfSpace } from '../common/errors/storage-exhausted.error';
import { AppConfigService } from '../config/app-config.service';
import { createProgressTable } from '../streams/streaming-executor';

/** Quote a string as a SQL literal. */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * The embedded DuckDB engine: one persistent database under the data dir, sandboxed before any
 * caller reaches it. Files are reachable only under `<dataDir>/files`, so the metadata and the
 * dev token stay out of reach of SQL (the engine always lets SQL read its own database and WAL
 * files, whose content readers may query anyway); configuration is locked and no extension can
 * be installed or loaded.
 *
 * A fatal engine error (a checkpoint that could not be written to a full disk) invalidates the
 * instance for good. The service then stops handing out connections, interrupts the ones in use,
 * waits until they are closed and opens the database again (the engine replays its write-ahead
 * log, so every committed transaction is kept); callers meanwhile wait or get a 507/503.
 */
@Injectable()
export class EngineService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(EngineService.name);
  private instance: DuckDBInstance | undefined;
  private opened = false;
  /** The instance can run nothing more (a fatal error); the next caller reopens it. */
  private invalid = false;
  private reopening: Promise<void> | undefined;
  private readonly connections = new Set<DuckDBConnection>();
  private idle: (() => void) | undefined;
  /** Told when the instance becomes unusable: holders of leased connections. */
  private readonly leaseHolders = new Set<() => void>();
  private generationNumber = 0;
  /** Set inside `withConnection`: a caller that already holds a connection. */
  private readonly holding = new AsyncLocalStorage<true>();
  /** The engine database's catalog name, for names that must not resolve to temporary objects. */
  public database = '';

  constructor(private readonly config: AppConfigService) {}

  public get filesDir(): string {
    return join(this.config.get('dataDir'), 'files');
  }

  public get ready(): boolean {
    return this.opened && !this.invalid;
  }

  /** Grows each time the instance is reopened; state cached from an older one must be re-read. */
  public get generation(): number {
    return this.generationNumber;
  }

  public async onModuleInit(): Promise<void> {
    await mkdir(this.filesDir, { recursive: true, mode: 0o700 });
    await this.open();
  }

  public onApplicationShutdown(): void {
    this.opened = false;
    try {
      this.instance?.closeSync();
    } catch (err) {
      // A final checkpoint that cannot be written leaves the write-ahead log to replay at start.
      this.logger.warn(`engine closed with an error: ${(err as Error).message}`);
    }
    this.instance = undefined;
  }

  /**
   * For work that keeps a connection between statements (a streaming job idling between
   * micro-batches): throws once the instance is invalidated, so the connection is let go and the
   * engine can be reopened.
   */
  public assertUsable(): void {
    if (this.invalid) {
      throw new UnavailableError('the engine is being reopened after a fatal error; retry');
    }
  }

  /** Whether the engine's main schema has a table or view of this name (case-insensitive). */
  public async tableExists(name: string): Promise<boolean> {
    return this.withConnection(async (connection) => {
      const statement = await connection.prepare(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND system.main.lower(table_name) = system.main.lower(?)",
      );
      statement.bind([name]);
      return Number((await statement.runAndReadAll()).getRows()[0][0]) > 0;
    });
  }

  /**
   * Runs `work` on a fresh connection, closed afterwards. Connections are never shared between
   * requests: temporary views, macros and variables live on a connection, and one caller's must
   * not shadow another's tables. A full disk is reported as a StorageExhaustedError.
   */
  public async withConnection<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = await this.acquire();
    try {
      return await this.holding.run(true, () => work(connection));
    } catch (err) {
      throw await this.failure(err);
    } finally {
      this.release(connection);
    }
  }

  /**
   * A connection held beyond one call (a wire-protocol transaction block), closed by `release`.
   * Should the instance become unusable, `onInvalidated` is called: the holder must release the
   * connection soon, because the reopen waits for every connection to close.
   */
  public async lease(
    onInvalidated: () => void,
  ): Promise<{ connection: DuckDBConnection; release: () => void }> {
    const connection = await this.acquire();
    this.leaseHolders.add(onInvalidated);
    let released = false;
    return {
      connection,
      release: () => {
        if (released) return;
        released = true;
        this.leaseHolders.delete(onInvalidated);
        this.release(connection);
      },
    };
  }

  private async open(): Promise<void> {
    const dataDir = this.config.get('dataDir');
    const instance = await DuckDBInstance.create(join(dataDir, 'engine.duckdb'), {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      allow_community_extensions: 'false',
      allow_unsigned_extensions: 'false',
      allow_persistent_secrets: 'false',
    });
    try {
      const setup = await instance.connect();
      try {
        // Order matters: allowed paths first, then lock external access, then lock configuration.
        await setup.run(`SET temp_directory = ${literal(join(dataDir, 'engine.tmp'))}`);
        await setup.run(`SET allowed_directories = [${literal(`${this.filesDir}/`)}]`);
        await setup.run('SET enable_external_access = false');
        await setup.run('SET lock_configuration = true');
        await createProgressTable(setup);
        const reader = await setup.runAndReadAll('SELECT current_database()');
        this.database = String(reader.getRows()[0][0]);
      } finally {
        setup.closeSync();
      }
    } catch (err) {
      instance.closeSync();
      throw err;
    }
    this.instance = instance;
    this.opened = true;
    this.logger.log(
      `engine open at ${join(dataDir, 'engine.duckdb')}; files under ${this.filesDir}`,
    );
  }

  private async acquire(): Promise<DuckDBConnection> {
    if (this.invalid) {
      // A caller holding a connection already would wait for itself: it fails at once and lets
      // its connection go, so the reopen can proceed.
      if (this.holding.getStore()) {
        throw new UnavailableError('the engine is being reopened after a fatal error; retry');
      }
      await this.reopen();
    }
    if (!this.instance) throw new Error('engine is not open');
    const connection = await this.instance.connect();
    this.connections.add(connection);
    return connection;
  }

  private release(connection: DuckDBConnection): void {
    connection.closeSync();
    this.connections.delete(connection);
    if (this.connections.size === 0) this.idle?.();
  }

  /** Maps a failure for the caller, noticing when it left the instance unusable. */
  public async failure(err: unknown): Promise<unknown> {
    const dataDir = this.config.get('dataDir');
    if (
      !this.invalid &&
      (isFatalEngineError(err) || (isOutOfSpace(err) && !(await this.healthy())))
    ) {
      this.invalid = true;
      this.logger.error(
        `engine instance invalidated (${err instanceof Error ? err.message : String(err)}); it is reopened once its connections are closed`,
      );
      for (const connection of this.connections) connection.interrupt();
      for (const notify of [...this.leaseHolders]) notify();
    }
    if (isOutOfSpace(err)) return asStorageError(err, dataDir);
    // On an invalidated instance any engine error (an interrupt from the reopen included) says
    // only that; the caller's own mistakes (typed errors other than an interrupt) keep theirs.
    const typed = err instanceof CoordinatorError && !/interrupt/i.test(err.message);
    if (isFatalEngineError(err) || (this.invalid && !typed)) {
      return new UnavailableError('the engine hit a fatal error and is being reopened; retry');
    }
    return err;
  }

  /** Whether the instance still runs statements (a failed checkpoint invalidates it). */
  private async healthy(): Promise<boolean> {
    if (!this.instance) return false;
    try {
      const probe = await this.instance.connect();
      try {
        await probe.run('SELECT 1');
      } finally {
        probe.closeSync();
      }
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Closes the invalidated instance once no connection is in use and opens the database again.
   * Concurrent callers share one attempt; a failed attempt (the disk is still full) is retried by
   * the next caller.
   */
  private reopen(): Promise<void> {
    this.reopening ??= (async () => {
      for (const connection of this.connections) connection.interrupt();
      if (this.connections.size > 0) {
        const drained = new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), REOPEN_DRAIN_MS);
          this.idle = () => {
            clearTimeout(timer);
            resolve(true);
          };
        });
        const idle = await drained;
        this.idle = undefined;
        if (!idle) {
          throw new UnavailableError('the engine is being reopened after a fatal error; retry');
        }
      }
      this.opened = false;
      try {
        this.instance?.closeSync();
      } catch {
        // The instance is already unusable; its write-ahead log is replayed by the next open.
      }
      this.instance = undefined;
      try {
        await this.open();
      } catch (err) {
        this.logger.warn(`engine could not be reopened yet: ${(err as Error).message}`);
        throw isOutOfSpace(err)
          ? asStorageError(err, this.config.get('dataDir'))
          : new UnavailableError('the engine could not be reopened; retry');
      }
      this.invalid = false;
      this.generationNumber++;
      this.logger.log('engine reopened after a fatal error');
    })().finally(() => {
      this.reopening = undefined;
    });
    return this.reopening;
  }
}

/** How long a reopen waits for connections in use to close after they were interrupted. */
const REOPEN_DRAIN_MS = 5_000;

/** DuckDB's words for an error after which the instance runs nothing more. */
export function isFatalEngineError(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /^FATAL Error|database has been invalidated/i.test(message);
}
