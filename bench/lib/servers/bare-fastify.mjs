// Baseline HTTP servers for the benchmarks, run as their own process like the coordinator:
//   node bare-fastify.mjs constant   GET /whoami answers a constant JSON, no auth
//   node bare-fastify.mjs jose       GET /whoami verifies the bearer JWT with jose.jwtVerify and a
//                                    local public key (BENCH_JWK, BENCH_ISSUER, BENCH_AUDIENCE)
//   node bare-fastify.mjs duckdb     POST /query runs body.sql on @duckdb/node-api (BENCH_DUCKDB_PATH)
// Listens on 127.0.0.1 (any free port) and prints {"ready":true,"port":N}.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { REPO_ROOT } from '../paths.mjs';

const require = createRequire(join(REPO_ROOT, 'package.json'));
const Fastify = require('fastify');
const mode = process.argv[2] ?? 'constant';

const app = Fastify({ logger: false });

if (mode === 'constant') {
  app.get('/whoami', async () => ({ subject: 'bench', role: 'admin', method: 'none' }));
} else if (mode === 'jose') {
  const { importJWK, jwtVerify } = require('jose');
  const key = await importJWK(JSON.parse(process.env.BENCH_JWK), 'RS256');
  const options = {
    issuer: process.env.BENCH_ISSUER,
    audience: process.env.BENCH_AUDIENCE,
    algorithms: ['RS256'],
  };
  app.get('/whoami', async (request, reply) => {
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    try {
      const { payload } = await jwtVerify(token, key, options);
      return { subject: payload.sub, role: 'admin', method: 'oidc', issuer: payload.iss };
    } catch (err) {
      reply.code(401);
      return { error: err.code ?? 'invalid_token' };
    }
  });
} else if (mode === 'duckdb') {
  const { DuckDBInstance } = require('@duckdb/node-api');
  const instance = await DuckDBInstance.create(process.env.BENCH_DUCKDB_PATH ?? ':memory:');
  const shared = process.env.BENCH_DUCKDB_CONNECTION === 'shared' ? await instance.connect() : undefined;
  app.post('/query', async (request) => {
    const connection = shared ?? (await instance.connect());
    try {
      const reader = await connection.runAndReadAll(request.body.sql);
      const columns = reader.columnNames().map((name, i) => ({ name, type: reader.columnType(i).toString() }));
      const rows = reader.getRowsJson();
      return { columns, rows, rowCount: rows.length };
    } finally {
      if (!shared) connection.closeSync();
    }
  });
} else {
  throw new Error(`unknown mode ${mode}`);
}

await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ ready: true, port: app.server.address().port })}\n`);

const shutdown = () => app.close().then(() => process.exit(0));
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.stdin.on('end', shutdown);
process.stdin.resume();
