import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Coordinator, startCoordinator } from './coordinator';
import { GrpcApi, HttpAnswer, RestApi, until } from './jobs';

/** Fixed tokens and one data dir, so a coordinator can be killed and started again on the same state. */
export class Deployment {
  public readonly adminToken = randomBytes(24).toString('hex');
  public readonly readerToken = randomBytes(24).toString('hex');
  public readonly dataDir: string;
  private current: Coordinator | undefined;
  private readonly logs: string[] = [];

  constructor(
    prefix: string,
    private readonly extraEnv: Record<string, string> = {},
  ) {
    this.dataDir = mkdtempSync(join(tmpdir(), `krishiv-${prefix}-`));
  }

  public get env(): Record<string, string> {
    return {
      KRISHIV_COORDINATOR_BEARER_TOKEN: this.adminToken,
      KRISHIV_UI_TOKEN: this.readerToken,
      KRISHIV_EXECUTOR_SLOTS: '8',
      KRISHIV_LOG_LEVEL: 'info',
      ...this.extraEnv,
    };
  }

  public get running(): boolean {
    return this.current !== undefined;
  }

  public get coordinator(): Coordinator {
    if (!this.current) throw new Error('the coordinator is not running');
    return this.current;
  }

  public get admin(): RestApi {
    return new RestApi(this.coordinator.httpUrl, this.adminToken);
  }

  public get reader(): RestApi {
    return new RestApi(this.coordinator.httpUrl, this.readerToken);
  }

  public get grpc(): GrpcApi {
    return new GrpcApi(this.coordinator.grpcAddress, this.adminToken);
  }

  public get readerGrpc(): GrpcApi {
    return new GrpcApi(this.coordinator.grpcAddress, this.readerToken);
  }

  public async start(): Promise<void> {
    this.current = await startCoordinator({ env: this.env, dataDir: this.dataDir });
  }

  /** SIGKILL: no shutdown hook runs, exactly like a crash. */
  public async kill(): Promise<void> {
    const child = this.coordinator.process;
    this.logs.push(this.coordinator.logs());
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    this.current = undefined;
  }

  /** SIGTERM and wait for the exit: the orderly shutdown path. */
  public async stopGracefully(): Promise<void> {
    this.logs.push(this.coordinator.logs());
    await this.coordinator.stop();
    this.current = undefined;
  }

  public async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  /** Stops the coordinator, removes the data dir and returns every log line it wrote. */
  public async dispose(): Promise<string> {
    if (this.current) {
      this.logs.push(this.current.logs());
      await this.current.stop();
      this.current = undefined;
    }
    rmSync(this.dataDir, { recursive: true, force: true });
    return this.logs.join('\n');
  }
}

export function expectStatus(answer: HttpAnswer, status: number): any {
  if (answer.status !== status) {
    throw new Error(`expected ${status}, got ${answer.status}: ${answer.text.slice(0, 1000)}`);
  }
  return answer.body;
}

export async function createStream(
  api: RestApi,
  name: string,
  columns: { name: string; type: string }[],
): Promise<any> {
  return expectStatus(await api.call('POST', '/api/v1/streams', { body: { name, columns } }), 201);
}

export async function appendRecords(api: RestApi, stream: string, records: object[]): Promise<any> {
  return expectStatus(
    await api.call('POST', `/api/v1/streams/${stream}/records`, { body: records }),
    200,
  );
}

export async function streamHead(api: RestApi, stream: string): Promise<number> {
  return expectStatus(await api.call('GET', `/api/v1/streams/${stream}`), 200).lastOffset;
}

export async function submitStreaming(
  api: RestApi,
  body: { sql: string; sink: string; name?: string },
): Promise<any> {
  return api.accepted({ kind: 'streaming', ...body });
}

/** Waits until the job runs and has folded every record of its stream (lag 0 at `head`). */
export async function waitCaughtUp(
  api: RestApi,
  jobId: string,
  head: number,
  timeoutMs = 20_000,
): Promise<any> {
  return until(
    `streaming job ${jobId} caught up to offset ${head}`,
    () => api.current(jobId),
    (job) => job.state === 'running' && job.offset === head && job.lag === 0,
    timeoutMs,
  );
}

export async function waitSavepoint(api: RestApi, id: string, timeoutMs = 20_000): Promise<any> {
  return until(
    `savepoint ${id} done`,
    async () => expectStatus(await api.call('GET', `/api/v1/savepoints/${id}`), 200),
    (savepoint) => savepoint.state !== 'pending',
    timeoutMs,
  );
}

export async function query(api: RestApi, sql: string): Promise<{ columns: any[]; rows: any[][] }> {
  const body = expectStatus(await api.query(sql), 200);
  if (body.truncated) throw new Error(`result of ${sql} was truncated`);
  return body;
}

/**
 * Rows in a canonical order. DOUBLE values (AVG) are compared to 12 significant digits: the sink
 * divides a running sum by a running count, the engine may divide in higher precision.
 */
export function canonicalRows(result: { columns: any[]; rows: any[][] }): string[] {
  const doubles = result.columns.map((c) => c.type === 'DOUBLE' || c.type === 'FLOAT');
  return result.rows
    .map((row) =>
      JSON.stringify(
        row.map((value, i) =>
          doubles[i] && typeof value === 'number' ? Number(value.toPrecision(12)) : value,
        ),
      ),
    )
    .sort();
}

/** The sink's visible columns (not the hidden AVG state) in canonical order. */
export async function sinkRows(api: RestApi, sink: string, columns: string[]): Promise<string[]> {
  const list = columns.map((c) => `"${c}"`).join(', ');
  return canonicalRows(await query(api, `SELECT ${list} FROM "${sink}"`));
}

/** What the job's SQL gives over the whole stream right now, in canonical order. */
export async function batchRows(api: RestApi, sql: string): Promise<string[]> {
  return canonicalRows(await query(api, sql));
}

export async function tableExists(api: RestApi, name: string): Promise<boolean> {
  const result = await query(
    api,
    `SELECT count(*) AS n FROM information_schema.tables WHERE lower(table_name) = lower('${name}')`,
  );
  return result.rows[0][0] !== '0';
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
