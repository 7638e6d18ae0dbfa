// #2 gRPC AuthService.WhoAmI with the same OIDC token, against a bare @grpc/grpc-js server with one
// unary method and no auth. The client keeps a fixed number of calls in flight.
import { startBareGrpc } from './lib/baselines.mjs';
import { startCoordinator } from './lib/coordinator.mjs';
import { check, figure, interleave, medianOf } from './lib/harness.mjs';
import { grpcClient, grpcLoad, grpcMetadata, unary } from './lib/load.mjs';
import { startOidcProvider } from './lib/oidc.mjs';
import { ratio } from './lib/stats.mjs';

export const id = 2;
export const title = 'gRPC AuthService.WhoAmI with the OIDC token';
export const goal = '≥ 0.6 of bare grpc-js throughput';

export async function run({ quick, rounds, log }) {
  const durationMs = quick ? 1_000 : 4_000;
  const inFlight = 32;
  const oidc = await startOidcProvider();
  const coordinator = await startCoordinator({
    name: 'b2',
    env: { KRISHIV_OIDC_ISSUER: oidc.issuer, KRISHIV_OIDC_AUDIENCE: oidc.audience },
  });
  const bare = await startBareGrpc();
  const subjectClient = grpcClient(coordinator.grpcAddress, 'AuthService');
  const bareClient = grpcClient(bare.address, 'AuthService');
  try {
    const token = await oidc.token('admin-client');
    const metadata = grpcMetadata(token);
    const me = await unary(subjectClient, 'whoAmI', {}, metadata);
    if (me.method !== 'oidc') throw new Error(`WhoAmI answered ${JSON.stringify(me)}`);
    await unary(bareClient, 'whoAmI', {});
    const load = (client, md) => (r) =>
      grpcLoad({ call: () => unary(client, 'whoAmI', {}, md, 30_000), inFlight, durationMs: r < 0 ? durationMs / 2 : durationMs });
    const results = await interleave({
      rounds,
      log,
      variants: [
        { key: 'subject', run: load(subjectClient, metadata) },
        { key: 'bare', run: load(bareClient, undefined) },
      ],
    });
    const failures = Object.entries(results).flatMap(([key, rs]) =>
      rs.filter((r) => r.failed).map((r) => `${key}: ${r.failed} failed (${r.firstErrors.join(', ')})`),
    );
    return {
      figures: {
        subjectRps: figure('coordinator WhoAmI, OIDC token', 'calls/s', results.subject.map((r) => r.rps)),
        bareRps: figure('bare grpc-js, one unary method', 'calls/s', results.bare.map((r) => r.rps)),
        subjectP99: figure('coordinator WhoAmI p99', 'ms', results.subject.map((r) => r.p99), 'lower'),
        bareP99: figure('bare grpc-js p99', 'ms', results.bare.map((r) => r.p99), 'lower'),
      },
      checks: [
        check('WhoAmI throughput / bare grpc-js', ratio(medianOf(results.subject, 'rps'), medianOf(results.bare, 'rps')), '>=', 0.6),
      ],
      info: {
        'WhoAmI p99 / bare grpc-js p99': ratio(medianOf(results.subject, 'p99'), medianOf(results.bare, 'p99')),
      },
      notes: [
        `One @grpc/grpc-js client (one HTTP/2 connection) holding ${inFlight} unary calls in flight for ${durationMs / 1000} s per run.`,
        ...(failures.length ? [`Failed calls: ${failures.join('; ')}`] : []),
      ],
      raw: results,
    };
  } finally {
    subjectClient.close();
    bareClient.close();
    await Promise.all([coordinator.stop(), bare.stop(), oidc.stop()]);
  }
}
