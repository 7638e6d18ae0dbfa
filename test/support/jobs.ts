import { request as httpRequest } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { callGrpc, GrpcOutcome } from './grpc';

/** One HTTP answer, its body parsed as JSON when it is JSON. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

export interface CallOptions {
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is, with `content-type: application/json`. */
  rawBody?: string;
  headers?: Record<string, string>;
}

function searchOf(query: Record<string, string | number>): string {
  return new URLSearchParams(
    Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]),
  ).toString();
}

/** REST calls as one principal (or none), for the job and executor API. */
export class RestApi {
  constructor(
    public readonly baseUrl: string,
    public readonly token?: string,
  ) {}

  public async call(method: string, path: string, options: CallOptions = {}): Promise<HttpAnswer> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    let payload: string | undefined = options.rawBody;
    if (options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(this.baseUrl + path, { method, headers, body: payload });
    const text = await response.text();
    let body: any = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text !== '') {
      body = JSON.parse(text);
    }
    return { status: response.status, headers: response.headers, text, body };
  }

  /**
   * POSTs a body the server may refuse before reading it (413): the answer can arrive while the
   * body is still being written. node:http hands over the answer that arrived first and stops
   * sending the rest.
   */
  public postLarge(path: string, payload: string): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      let answered = false;
      const req = httpRequest(this.baseUrl + path, {
        method: 'POST',
        headers: {
          accept: 'application/json',
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          ...(this.token === undefined ? {} : { authorization: `Bearer ${this.token}` }),
        },
      });
      req.on('response', (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          req.destroy(); // the rest of the upload is never sent
          const text = Buffer.concat(chunks).toString('utf8');
          const json = (res.headers['content-type'] ?? '').includes('json') && text !== '';
          resolve({
            status: res.statusCode ?? 0,
            headers: new Headers(res.headers as Record<string, string>),
            text,
            body: json ? JSON.parse(text) : text,
          });
        });
      });
      req.on('error', (err) => {
        if (!answered) reject(err);
      });
      // Written in slices, yielding between them, so an early answer (413 from the content
      // length alone) ends the upload.
      const body = Buffer.from(payload);
      const SLICE = 64 * 1024;
      const send = async () => {
        for (let offset = 0; offset < body.length && !answered; offset += SLICE) {
          const more = req.write(body.subarray(offset, offset + SLICE));
          if (!more) await new Promise((r) => req.once('drain', r));
          await new Promise((r) => setImmediate(r));
        }
        if (!answered) req.end();
      };
      void send().catch(() => undefined);
    });
  }

  public submit(body: object, idempotencyKey?: string): Promise<HttpAnswer> {
    const headers: Record<string, string> =
      idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey };
    return this.call('POST', '/api/v1/jobs', { body, headers });
  }

  /** Submits and insists on 202, returning the queued job. */
  public async accepted(body: object, idempotencyKey?: string): Promise<any> {
    const answer = await this.submit(body, idempotencyKey);
    if (answer.status !== 202) {
      throw new Error(`submit answered ${answer.status}: ${answer.text}`);
    }
    return answer.body;
  }

  public job(id: string): Promise<HttpAnswer> {
    return this.call('GET', `/api/v1/jobs/${encodeURIComponent(id)}`);
  }

  public list(query: Record<string, string | number> = {}): Promise<HttpAnswer> {
    const search = searchOf(query);
    return this.call('GET', `/api/v1/jobs${search ? `?${search}` : ''}`);
  }

  public result(
    id: string,
    query: Record<string, string | number> = {},
    accept = 'application/json',
  ): Promise<HttpAnswer> {
    const search = searchOf(query);
    return this.call(
      'GET',
      `/api/v1/jobs/${encodeURIComponent(id)}/result${search ? `?${search}` : ''}`,
      { headers: { accept } },
    );
  }

  public cancel(id: string): Promise<HttpAnswer> {
    return this.call('POST', `/api/v1/jobs/${encodeURIComponent(id)}/cancel`);
  }

  public query(sql: string, accept = 'application/json'): Promise<HttpAnswer> {
    return this.call('POST', '/api/v1/query', { body: { sql }, headers: { accept } });
  }

  public executor(id: string, action?: 'drain' | 'resume' | 'remove'): Promise<HttpAnswer> {
    const path = `/api/v1/executors/${encodeURIComponent(id)}`;
    if (action === undefined) return this.call('GET', path);
    if (action === 'remove') return this.call('DELETE', path);
    return this.call('POST', `${path}/${action}`);
  }

  /** The job's current state, insisting that it can be read. */
  public async current(id: string): Promise<any> {
    const answer = await this.job(id);
    if (answer.status !== 200) throw new Error(`GET job ${id} answered ${answer.status}`);
    return answer.body;
  }

  /** Polls the job until `done` holds, returning every state seen on the way (in order). */
  public async waitForJob(
    id: string,
    done: (job: any) => boolean,
    timeoutMs = 20_000,
  ): Promise<{ job: any; seen: string[] }> {
    const seen: string[] = [];
    const job = await until(
      `job ${id}`,
      async () => {
        const job = await this.current(id);
        if (seen[seen.length - 1] !== job.state) seen.push(job.state);
        return job;
      },
      done,
      timeoutMs,
    );
    return { job, seen };
  }

  /** Every job of a listing, walking its pages. */
  public async listAll(
    query: Record<string, string | number> = {},
    pageSize = 500,
  ): Promise<{ jobs: any[]; pages: number }> {
    const jobs: any[] = [];
    let pages = 0;
    let pageToken: string | undefined;
    do {
      const answer = await this.list({ ...query, pageSize, ...(pageToken ? { pageToken } : {}) });
      if (answer.status !== 200) throw new Error(`list answered ${answer.status}: ${answer.text}`);
      pages++;
      jobs.push(...answer.body.jobs);
      pageToken = answer.body.nextPageToken;
      if (pages > 10_000) throw new Error('listing does not end');
    } while (pageToken);
    return { jobs, pages };
  }
}

export const TERMINAL = ['succeeded', 'failed', 'cancelled'];
export const isTerminal = (job: { state: string }) => TERMINAL.includes(job.state);

/** Polls `probe` until `done` holds or the deadline passes (then fails, naming the last value). */
export async function until<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
  intervalMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`${what}: not reached within ${timeoutMs} ms; last ${JSON.stringify(value)}`);
    }
    await delay(intervalMs);
  }
}

/**
 * Watches `probe` for `windowMs` and fails as soon as `holds` stops holding: for "nothing happens"
 * claims, where the window is chosen longer than the event that must not happen would take.
 */
export async function holdsFor<T>(
  what: string,
  probe: () => Promise<T>,
  holds: (value: T) => boolean,
  windowMs: number,
  intervalMs = 50,
): Promise<T> {
  const end = Date.now() + windowMs;
  let value = await probe();
  for (;;) {
    if (!holds(value)) throw new Error(`${what}: stopped holding; now ${JSON.stringify(value)}`);
    if (Date.now() >= end) return value;
    await delay(intervalMs);
    value = await probe();
  }
}

/** gRPC calls as one principal against one coordinator. */
export class GrpcApi {
  constructor(
    public readonly address: string,
    public readonly token?: string,
  ) {}

  public call(service: string, method: string, request: object): Promise<GrpcOutcome> {
    return callGrpc(this.address, service, method, request, this.token);
  }

  public jobs(method: string, request: object): Promise<GrpcOutcome> {
    return this.call('JobService', method, request);
  }

  public executors(method: string, request: object): Promise<GrpcOutcome> {
    return this.call('ExecutorService', method, request);
  }
}

/** The value of one sample of a Prometheus text exposition, or undefined when it is absent. */
export function metricValue(
  exposition: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const found: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      found[pair[1]] = pair[2];
    }
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return undefined;
}

export async function scrape(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/metrics`);
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  return response.text();
}

/** Runs `work` over `items` with at most `concurrency` in flight, keeping the input order. */
export async function mapConcurrently<T, R>(
  items: T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** RFC 3339 with a time zone, as the contract writes timestamps. */
export const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
