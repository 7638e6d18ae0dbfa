import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
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
 */
@Injectable()
export class EngineService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(EngineService.name);
  private instance: DuckDBInstance | undefined;
  private opened = false;
  /** The engine database's catalog name, for names that must not resolve to temporary objects. */
  public database = '';

  constructor(private readonly config: AppConfigService) {}

  public get filesDir(): string {
    return join(this.config.get('dataDir'), 'files');
  }

  public get ready(): boolean {
    return this.opened;
  }

  public async onModuleInit(): Promise<void> {
    const dataDir = this.config.get('dataDir');
    await mkdir(this.filesDir, { recursive: true, mode: 0o700 });
    this.instance = await DuckDBInstance.create(join(dataDir, 'engine.duckdb'), {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      allow_community_extensions: 'false',
      allow_unsigned_extensions: 'false',
      allow_persistent_secrets: 'false',
    });
    const setup = await this.instance.connect();
    // Order matters: allowed paths first, then lock external access, then lock configuration.
    await setup.run(`SET temp_directory = ${literal(join(dataDir, 'engine.tmp'))}`);
    await setup.run(`SET allowed_directories = [${literal(`${this.filesDir}/`)}]`);
    await setup.run('SET enable_external_access = false');
    await setup.run('SET lock_configuration = true');
    await createProgressTable(setup);
    const reader = await setup.runAndReadAll('SELECT current_database()');
    this.database = String(reader.getRows()[0][0]);
    setup.closeSync();
    this.opened = true;
    this.logger.log(
      `engine open at ${join(dataDir, 'engine.duckdb')}; files under ${this.filesDir}`,
    );
  }

  public onApplicationShutdown(): void {
    this.opened = false;
    this.instance?.closeSync();
    this.instance = undefined;
  }

  /** Whether the engine's main schema has a table or view of this name (case-insensitive). */
  public async tableExists(name: string): Promise<boolean> {
    return this.withConnection(async (connection) => {
      const statement = await connection.prepare(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND lower(table_name) = lower(?)",
      );
      statement.bind([name]);
      return Number((await statement.runAndReadAll()).getRows()[0][0]) > 0;
    });
  }

  /**
   * Runs `work` on a fresh connection, closed afterwards. Connections are never shared between
   * requests: temporary views, macros and variables live on a connection, and one caller's must
   * not shadow another's tables.
   */
  public async withConnection<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    if (!this.instance) throw new Error('engine is not open');
    const connection = await this.instance.connect();
    try {
      return await work(connection);
    } finally {
      connection.closeSync();
    }
  }
}
