// Baseline gRPC server: bare @grpc/grpc-js with one unary method (AuthService.WhoAmI from the
// coordinator's own proto, answering a constant), no auth. Listens on 127.0.0.1 (any free port)
// and prints {"ready":true,"port":N}.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DIST_DIR, REPO_ROOT } from '../paths.mjs';

const require = createRequire(join(REPO_ROOT, 'package.json'));
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const { PROTO_FILES, PROTO_LOADER_OPTIONS } = require(join(DIST_DIR, 'grpc', 'proto.js'));

const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(PROTO_FILES, PROTO_LOADER_OPTIONS)).krishiv.coordinator.v1;
const server = new grpc.Server();
const answer = { subject: 'bench', role: 'admin', method: 'none', issuer: '', expiresAt: '' };
server.addService(pkg.AuthService.service, {
  whoAmI: (_call, callback) => callback(null, answer),
  canI: (_call, callback) => callback({ code: grpc.status.UNIMPLEMENTED }),
});
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  process.stdout.write(`${JSON.stringify({ ready: true, port })}\n`);
});

const shutdown = () => server.tryShutdown(() => process.exit(0));
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.stdin.on('end', shutdown);
process.stdin.resume();
