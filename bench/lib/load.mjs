// Load generators: autocannon (programmatic API) for HTTP, and a @grpc/grpc-js client that keeps a
// fixed number of unary calls in flight for gRPC.
import http from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DIST_DIR, REPO_ROOT } from './paths.mjs';
import { LatencyRecorder } from './stats.mjs';

const require = createRequire(join(REPO_ROOT, 'package.json'));
const autocannon = require('autocannon');
export const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

/**
 * Runs autocannon and reduces its result to what the report needs: successful requests per
 * second, latency percentiles (ms, from every response), and the failures.
 * `requests` may carry a `setupRequest`.
 */
export async function httpLoad({
  url,
  method = 'GET',
  headers = {},
  body,
  connections = 32,
  duration = 5,
  amount,
  overallRate,
  requests,
  timeout = 30,
}) {
  const options = {
    url,
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    connections,
    pipelining: 1,
    timeout,
    ...(amount ? { amount } : { duration }),
    ...(overallRate ? { overallRate } : {}),
    ...(requests ? { requests } : {}),
  };
  // autocannon notices the end of an `amount` run only at its next 1-second sample, and keeps its
  // latency histogram in whole milliseconds: the time to the last response and the latencies
  // (sub-millisecond) are taken here, from its response events.
  const started = performance.now();
  let lastResponse = started;
  const latencies = new LatencyRecorder();
  const result = await new Promise((resolve, reject) => {
    const instance = autocannon(options, (err, res) => (err ? reject(err) : resolve(res)));
    instance.on('error', reject);
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      lastResponse = performance.now();
      latencies.record(responseTime);
    });
  });
  const ok = result['2xx'] ?? 0;
  const activeSeconds = (lastResponse - started) / 1000;
  const lat = latencies.summary();
  return {
    seconds: result.duration,
    /** From the start to the last response (precise also for `amount` runs). */
    activeSeconds,
    rps: ok / result.duration,
    total: result.requests.total,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: result.statusCodeStats,
    p50: lat.p50,
    p99: lat.p99,
    max: lat.max,
  };
}

let packageCache;
/** The coordinator's gRPC package, loaded from proto/ with the server's own loader options. */
export function grpcPackage() {
  if (!packageCache) {
    const { PROTO_FILES, PROTO_LOADER_OPTIONS } = require(join(DIST_DIR, 'grpc', 'proto.js'));
    const definition = protoLoader.loadSync(PROTO_FILES, PROTO_LOADER_OPTIONS);
    packageCache = grpc.loadPackageDefinition(definition).krishiv.coordinator.v1;
  }
  return packageCache;
}

export const GRPC_CLIENT_OPTIONS = {
  'grpc.max_receive_message_length': -1,
  'grpc.max_send_message_length': -1,
};

export function grpcClient(address, service) {
  const Service = grpcPackage()[service];
  return new Service(address, grpc.credentials.createInsecure(), GRPC_CLIENT_OPTIONS);
}

export function grpcMetadata(token) {
  const metadata = new grpc.Metadata();
  if (token) metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

/** One unary call as a promise; rejects with the ServiceError. */
export function unary(client, method, request, metadata, deadlineMs = 600_000) {
  return new Promise((resolve, reject) => {
    client[method](request, metadata ?? new grpc.Metadata(), { deadline: Date.now() + deadlineMs }, (err, res) =>
      err ? reject(err) : resolve(res),
    );
  });
}

/**
 * A unary call whose response is not decoded: the callback gets the raw message's byte length.
 * For large results, so the client's protobuf decoding does not count against the server.
 */
export function rawUnary(client, path, request, requestType, metadata, deadlineMs = 600_000) {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      path,
      (value) => requestType.serialize(value),
      (buffer) => buffer.length,
      request,
      metadata ?? new grpc.Metadata(),
      { deadline: Date.now() + deadlineMs },
      (err, bytes) => (err ? reject(err) : resolve(bytes)),
    );
  });
}

/** A server-streaming call whose messages are counted, not decoded; resolves with the bytes. */
export function rawServerStream(client, path, request, requestType, metadata, deadlineMs = 600_000) {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    let messages = 0;
    const call = client.makeServerStreamRequest(
      path,
      (value) => requestType.serialize(value),
      (buffer) => buffer,
      request,
      metadata ?? new grpc.Metadata(),
      { deadline: Date.now() + deadlineMs },
    );
    let last;
    call.on('data', (buffer) => {
      bytes += buffer.length;
      messages++;
      last = buffer;
    });
    call.on('error', reject);
    call.on('end', () => resolve({ bytes, messages, last }));
  });
}

/**
 * Keeps `inFlight` calls of `call()` running for `durationMs`; returns completed calls per second
 * and latency percentiles (ms). Failures are counted, not retried.
 */
export async function grpcLoad({ call, inFlight = 32, durationMs = 5_000 }) {
  const latencies = new LatencyRecorder();
  let ok = 0;
  let failed = 0;
  const firstErrors = [];
  const started = performance.now();
  const end = started + durationMs;
  const worker = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        await call();
        ok++;
        latencies.record(performance.now() - t0);
      } catch (err) {
        failed++;
        if (firstErrors.length < 3) firstErrors.push(`${err.code}: ${err.details ?? err.message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = (performance.now() - started) / 1000;
  const s = latencies.summary();
  return { seconds, rps: ok / seconds, ok, failed, firstErrors, p50: s.p50, p99: s.p99, max: s.max };
}

/**
 * An open-loop HTTP load at a fixed arrival rate: request i is sent at start + i / rate (on a
 * keep-alive pool of up to `maxSockets` connections) and its latency is measured from that
 * scheduled moment, so a slow server cannot hide its queue (no coordinated omission).
 * Used where a latency percentile under a steady rate is the figure: autocannon's own rate limit
 * sends each connection's per-second quota back to back at every second's start, and overshoots
 * the set rate when connections are few.
 * `headersFor(i)` may give each request its own headers.
 */
export async function pacedLoad({ url, headers = {}, headersFor, rate, seconds, amount, maxSockets = 64, timeoutMs = 30_000 }) {
  const total = amount ?? Math.round(rate * seconds);
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const latencies = new LatencyRecorder();
  const statusCodes = {};
  let errors = 0;
  let sent = 0;
  let done = 0;
  let lastResponse;
  const started = performance.now();
  await new Promise((resolve) => {
    const finish = () => {
      if (++done === total) resolve();
    };
    const fire = (i, scheduled) => {
      const req = http.request(url, { agent, headers: headersFor ? { ...headers, ...headersFor(i) } : headers }, (res) => {
        res.resume();
        res.on('end', () => {
          lastResponse = performance.now();
          latencies.record(lastResponse - scheduled);
          statusCodes[res.statusCode] = (statusCodes[res.statusCode] ?? 0) + 1;
          finish();
        });
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        errors++;
        finish();
      });
      req.end();
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total && started + (sent * 1000) / rate <= now) {
        fire(sent, started + (sent * 1000) / rate);
        sent++;
      }
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
  });
  agent.destroy();
  const activeSeconds = ((lastResponse ?? performance.now()) - started) / 1000;
  const ok = Object.entries(statusCodes).reduce((a, [code, n]) => a + (code.startsWith('2') ? n : 0), 0);
  const s = latencies.summary();
  return {
    seconds: activeSeconds,
    activeSeconds,
    rps: ok / activeSeconds,
    total,
    ok,
    non2xx: total - ok - errors,
    errors,
    statusCodes,
    p50: s.p50,
    p99: s.p99,
    max: s.max,
  };
}
