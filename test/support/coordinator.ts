import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './ports';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const MAIN = join(REPO_ROOT, 'dist', 'main.js');

/** Every log line any coordinator wrote during this test process, for the "no token in logs" check. */
export const allLogs: string[] = [];

export interface Coordinator {
  httpUrl: string;
  grpcAddress: string;
  dataDir: string;
  process: ChildProcess;
  logs: () => string;
  /** The development token, when the coordinator generated one. */
  devToken: () => string;
  stop: () => Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Wait for /readyz to answer 200 (default) or only for /healthz. */
  waitFor?: 'ready' | 'live';
  dataDir?: string;
  /** The coordinator serves TLS signed by this CA: probe it over HTTPS. */
  tlsCa?: Buffer;
}

function probe(url: string, ca?: Buffer): Promise<number> {
  if (!ca) return fetch(url).then((r) => r.status);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url.replace('http:', 'https:'), { ca }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Starts the built coordinator (dist/main.js) as a real process on free loopback ports. */
export async function startCoordinator(options: StartOptions = {}): Promise<Coordinator> {
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'krishiv-test-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    KRISHIV_HTTP_ADDR: `127.0.0.1:${httpPort}`,
    KRISHIV_GRPC_ADDR: `127.0.0.1:${grpcPort}`,
    KRISHIV_PG_ADDR: 'off',
    KRISHIV_DATA_DIR: dataDir,
    KRISHIV_LOG_LEVEL: 'debug',
    // Suites send floods of bad tokens from loopback on purpose; abuse-limits.e2e-spec.ts turns
    // the throttle on for loopback itself.
    KRISHIV_AUTH_FAILURE_EXEMPT_LOOPBACK: '1',
    ...options.env,
  };
  const child = spawn(process.execPath, [MAIN], {
    env,
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    allLogs.push(chunk.toString('utf8'));
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const path = options.waitFor === 'live' ? '/healthz' : '/readyz';
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`coordinator exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await probe(httpUrl + path, options.tlsCa)) === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `coordinator did not become ${options.waitFor ?? 'ready'} in 30 s:\n${output}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    httpUrl,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    dataDir,
    process: child,
    logs: () => output,
    devToken: () => readFileSync(join(dataDir, 'dev-token'), 'utf8').trim(),
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs the coordinator expecting it to refuse to start; resolves with its exit code and stderr. */
export function runCoordinatorExpectingExit(
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH ?? '', KRISHIV_PG_ADDR: 'off', ...env },
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`coordinator did not exit within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      allLogs.push(stdout, stderr);
      res({ code, stderr, stdout });
    });
  });
}
