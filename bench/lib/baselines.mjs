// Starts the baseline servers in bench/lib/servers as child processes.
import { join } from 'node:path';
import { BENCH_DIR, DIST_DIR, REPO_ROOT, tmpPath } from './paths.mjs';
import { readyLine, spawnNode, stopChild } from './procs.mjs';
import { memoryOf } from './sysinfo.mjs';

async function startServer(script, args, env, name) {
  const logFile = tmpPath('logs', `${name}-${Date.now().toString(36)}.log`);
  const child = spawnNode([join(BENCH_DIR, 'lib', 'servers', script), ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', BENCH_DIST_DIR: DIST_DIR, ...env },
    cwd: REPO_ROOT,
    logFile,
    pipeStdout: true,
  });
  const { port } = await readyLine(child, 30_000, name);
  return {
    port,
    pid: child.pid,
    memory: () => memoryOf(child.pid),
    stop: () => stopChild(child, 5_000),
  };
}

/** Bare Fastify 5: `constant`, `jose` (needs BENCH_JWK/ISSUER/AUDIENCE) or `duckdb`. */
export async function startBareFastify(mode, env = {}) {
  const server = await startServer('bare-fastify.mjs', [mode], env, `bare-fastify-${mode}`);
  return { ...server, url: `http://127.0.0.1:${server.port}` };
}

export async function startBareGrpc() {
  const server = await startServer('bare-grpc.mjs', [], {}, 'bare-grpc');
  return { ...server, address: `127.0.0.1:${server.port}` };
}
