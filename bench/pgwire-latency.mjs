#!/usr/bin/env node
// `SELECT 1` latency over the PostgreSQL wire protocol next to REST, on one coordinator:
// sequential queries on one connection each (keep-alive HTTP; one pgwire session, simple and
// extended protocol). Run after `npm run build`:
//
//   node bench/pgwire-latency.mjs [count]     (default 2000 per transport, after 200 warm-up)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { serialize } from 'pg-protocol';
import { Parser } from 'pg-protocol/dist/parser.js';

const COUNT = Number(process.argv[2] ?? 2000);
const WARMUP = 200;

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5).toFixed(3), p99: at(0.99).toFixed(3), n: sorted.length };
}

async function main() {
  const [http, grpc, pg] = [await freePort(), await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), 'krishiv-pg-bench-'));
  const token = randomBytes(32).toString('base64url');
  const child = spawn(process.execPath, ['dist/main.js'], {
    env: {
      PATH: process.env.PATH,
      KRISHIV_HTTP_ADDR: `127.0.0.1:${http}`,
      KRISHIV_GRPC_ADDR: `127.0.0.1:${grpc}`,
      KRISHIV_PG_ADDR: `127.0.0.1:${pg}`,
      KRISHIV_DATA_DIR: dataDir,
      KRISHIV_COORDINATOR_BEARER_TOKEN: token,
      KRISHIV_LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  try {
    for (let i = 0; ; i++) {
      const ok = await fetch(`http://127.0.0.1:${http}/readyz`).then((r) => r.ok, () => false);
      if (ok) break;
      if (i > 300) throw new Error('coordinator did not start');
      await new Promise((r) => setTimeout(r, 100));
    }

    const rest = async () => {
      const response = await fetch(`http://127.0.0.1:${http}/api/v1/query`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{"sql":"SELECT 1"}',
      });
      if (response.status !== 200) throw new Error(`REST ${response.status}`);
      await response.arrayBuffer();
    };

    const socket = connect(pg, '127.0.0.1');
    socket.setNoDelay(true);
    const parser = new Parser();
    let waiting;
    socket.on('data', (chunk) =>
      parser.parse(chunk, (message) => {
        if (message.name === 'error') console.error(message.message);
        if (message.name === 'readyForQuery') waiting?.();
      }),
    );
    const roundTrip = (buffer) =>
      new Promise((resolve) => {
        waiting = resolve;
        socket.write(buffer);
      });
    await new Promise((r) => socket.once('connect', r));
    socket.write(serialize.startup({ user: 'bench', database: 'krishiv' }));
    await roundTrip(serialize.password(token));
    const simple = serialize.query('SELECT 1');
    const extended = Buffer.concat([
      serialize.parse({ text: 'SELECT 1' }),
      serialize.bind({}),
      serialize.describe({ type: 'P' }),
      serialize.execute({}),
      serialize.sync(),
    ]);

    const measure = async (name, once) => {
      for (let i = 0; i < WARMUP; i++) await once();
      const samples = [];
      for (let i = 0; i < COUNT; i++) {
        const started = performance.now();
        await once();
        samples.push(performance.now() - started);
      }
      return { transport: name, ...stats(samples) };
    };
    const rows = [
      await measure('REST POST /api/v1/query', rest),
      await measure('pgwire simple query', () => roundTrip(simple)),
      await measure('pgwire extended (Parse/Bind/Describe/Execute/Sync)', () => roundTrip(extended)),
    ];
    socket.end(serialize.end());
    console.log(`SELECT 1, ${COUNT} sequential queries each (ms):`);
    console.table(rows);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
