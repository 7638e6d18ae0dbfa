// Starts the built coordinator (dist/main.js) as a child process on free loopback ports.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { request, sleep } from './http.mjs';
import { BENCH_DIR, coordinatorMain, REPO_ROOT, tmpPath } from './paths.mjs';
import { freePorts, isRunning, spawnNode, stopChild } from './procs.mjs';
import { memoryOf } from './sysinfo.mjs';

const LAUNCHER = join(BENCH_DIR, 'lib', 'servers', 'coordinator.cjs');

/** Coordinators started and not yet stopped by the benchmark. */
const live = new Set();

/** Thrown when a coordinator ended that the benchmark did not stop (a crash, or a signal from elsewhere). */
export class CoordinatorLostError extends Error {}

/**
 * Throws if a coordinator the benchmark still uses has exited, naming how (so a round is never
 * recorded against a dead process).
 */
export function assertCoordinatorsAlive() {
  for (const entry of live) {
    if (entry.stopping || isRunning(entry.child)) continue;
    live.delete(entry);
    const signalLine = readLog(entry.logFile).split('\n').find((l) => /SIG[A-Z]+ received/.test(l));
    throw new CoordinatorLostError(
      `coordinator ${entry.id} (pid ${entry.child.pid}) exited during the benchmark ` +
        `(code ${entry.child.exitCode}, signal ${entry.child.signalCode})` +
        (signalLine ? `; its log: ${signalLine.slice(0, 300)}` : '') +
        `\n${readLog(entry.logFile).split('\n').slice(-5).join('\n').slice(0, 2000)}`,
    );
  }
}

/** A service token for benchmarks (≥ 32 characters, as production mode demands). */
export const SERVICE_TOKEN = `bench-${randomBytes(24).toString('base64url')}`;

/** Extra node flags for every coordinator, e.g. `--cpu-prof` (set by run.mjs --profile). */
const extraExecArgv = [];
export function setCoordinatorExecArgv(args) {
  extraExecArgv.splice(0, extraExecArgv.length, ...args);
}

/**
 * Starts a coordinator and waits for `/readyz` (or `/healthz` with `waitFor: 'live'`).
 * Returns its addresses, pid, how long it took to become ready, and `stop()`. With `dataDir` it
 * reuses an existing data dir (a restart), which `stop()` then leaves in place; `main` runs another
 * build of the coordinator (default: the snapshot of dist/main.js).
 */
export async function startCoordinator(options = {}) {
  // A port released by freePorts() may be taken by someone else before the child binds it.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (err) {
      if (attempt >= 3 || !/EADDRINUSE/.test(err.message)) throw err;
    }
  }
}

async function startOnce({
  name = 'coordinator',
  env = {},
  waitFor = 'ready',
  timeoutMs = 60_000,
  dataDir: givenDataDir,
  main = coordinatorMain(),
} = {}) {
  const [httpPort, grpcPort] = await freePorts(2);
  const id = `${name}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const dataDir = givenDataDir ?? tmpPath('data', id);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const logFile = tmpPath('logs', `${id}.log`);
  const fullEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    KRISHIV_HTTP_ADDR: `127.0.0.1:${httpPort}`,
    KRISHIV_GRPC_ADDR: `127.0.0.1:${grpcPort}`,
    KRISHIV_PG_ADDR: 'off',
    KRISHIV_DATA_DIR: dataDir,
    KRISHIV_LOG_LEVEL: 'info',
    // The unknown-kid and bad-token benchmarks flood from loopback on purpose.
    KRISHIV_AUTH_FAILURE_EXEMPT_LOOPBACK: '1',
    ...env,
  };
  const execArgv = extraExecArgv.map((a) => a.replace('{name}', id));
  const started = performance.now();
  // Started through a launcher that takes the program from the environment, so the command line
  // does not look like `node …/dist/main.js` to a clean-up elsewhere on the machine.
  const child = spawnNode([LAUNCHER], { env: { ...fullEnv, BENCH_COORDINATOR_MAIN: main }, cwd: REPO_ROOT, logFile, execArgv });
  const entry = { id, child, logFile, stopping: false };
  live.add(entry);
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const path = waitFor === 'live' ? '/healthz' : '/readyz';
  const deadline = Date.now() + timeoutMs;
  let readyMs;
  for (;;) {
    if (!isRunning(child)) {
      throw new Error(`coordinator exited with ${child.exitCode}:\n${readLog(logFile).slice(-4000)}`);
    }
    try {
      if ((await request(httpUrl + path, { timeoutMs: 2_000 })).status === 200) {
        readyMs = performance.now() - started;
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`coordinator did not become ${waitFor} in ${timeoutMs} ms:\n${readLog(logFile).slice(-4000)}`);
    }
    await sleep(10);
  }
  return {
    id,
    httpUrl,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    dataDir,
    logFile,
    pid: child.pid,
    child,
    readyMs,
    memory: () => memoryOf(child.pid),
    devToken: () => readFileSync(join(dataDir, 'dev-token'), 'utf8').trim(),
    /** Stops the process; its data dir is removed unless it was given or `keepData` is set. */
    stop: async ({ keepData = givenDataDir !== undefined } = {}) => {
      entry.stopping = true;
      await stopChild(child, 15_000);
      live.delete(entry);
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function readLog(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** One counter or gauge from the coordinator's Prometheus text, summed over matching labels. */
export async function metricValue(httpUrl, name, labelFilter = {}) {
  const res = await request(`${httpUrl}/metrics`);
  return sumMetric(res.text, name, labelFilter);
}

export function sumMetric(text, name, labelFilter = {}) {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s+([^\s]+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels = Object.fromEntries(
      [...(m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]),
    );
    if (Object.entries(labelFilter).every(([k, v]) => labels[k] === v)) total += Number(m[4]);
  }
  return total;
}
