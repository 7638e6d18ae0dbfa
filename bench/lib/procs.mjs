// Child processes started by the benchmark: every one is registered here and killed (by its own
// pid) when the benchmark ends, however it ends.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { closeSync, openSync } from 'node:fs';
import { createInterface } from 'node:readline';

const children = new Set();

/**
 * `count` distinct free loopback ports, chosen by the kernel and released for the child that will
 * bind them (all are held until every one is chosen, so the same port never comes back twice).
 */
export async function freePorts(count) {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise((resolve, reject) => {
          const server = createServer();
          server.unref();
          server.on('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => s.address().port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/**
 * Spawns `node <args>` with output appended to `logFile` (written by the kernel, so reading it
 * costs the benchmark process nothing), or piped when `pipeStdout` is set.
 */
export function spawnNode(args, { env, cwd, logFile, pipeStdout = false, execArgv = [] } = {}) {
  const fd = logFile ? openSync(logFile, 'a') : 'ignore';
  const child = spawn(process.execPath, [...execArgv, ...args], {
    env,
    cwd,
    stdio: ['pipe', pipeStdout ? 'pipe' : fd, fd],
  });
  if (typeof fd === 'number') closeSync(fd);
  track(child);
  return child;
}

export function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export function isRunning(child) {
  return child.exitCode === null && child.signalCode === null;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
export async function stopChild(child, graceMs = 10_000) {
  if (!isRunning(child)) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (isRunning(child)) child.kill('SIGKILL');
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

/** Kills every child still running (synchronously usable from exit handlers). */
export function killAll(signal = 'SIGKILL') {
  for (const child of children) {
    if (isRunning(child)) {
      try {
        child.kill(signal);
      } catch {
        // already gone
      }
    }
  }
}

export async function stopAll() {
  await Promise.all([...children].map((c) => stopChild(c, 5_000)));
}

/** Resolves with the first stdout line that parses as JSON and has `ready: true`. */
export function readyLine(child, timeoutMs = 20_000, describe = 'child') {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${describe} did not report ready in ${timeoutMs} ms`));
    }, timeoutMs);
    const onExit = (code) => {
      clearTimeout(timer);
      reject(new Error(`${describe} exited with ${code} before it was ready`));
    };
    child.once('exit', onExit);
    lines.on('line', (line) => {
      let parsed;
      try {
        parsed = JSON.parse(line);
      } catch {
        return;
      }
      if (parsed?.ready !== true) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      lines.close();
      child.stdout.resume();
      resolve(parsed);
    });
  });
}

let installed = false;
/** Kill every child on exit, Ctrl-C, or a crash of the benchmark process. */
export function installExitHandlers() {
  if (installed) return;
  installed = true;
  process.on('exit', () => killAll());
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}
