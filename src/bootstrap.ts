import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions } from '@nestjs/microservices';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { AuthService } from './auth/auth.service';
import { acceptableRequestId } from './auth/request-context';
import { DevTokenWriter } from './auth/dev-token.writer';
import { AppConfig } from './config/app-config';
import { InvalidArgumentError } from './common/errors/coordinator.error';
import { grpcOptions, hostPort } from './grpc/grpc-options.factory';
import { GrpcHealthService } from './grpc/grpc-health.service';
import { LifecycleService } from './health/lifecycle.service';
import { MetricsService } from './metrics/metrics.service';
import { buildOpenApiDocument } from './openapi';
import { createRootLogger } from './common/logger-options';
import { registerRequestLog } from './common/request-log';
import { registerBodyRefusal } from './common/body-refusal';

const MAX_HEADER_BYTES = 64 * 1024;
/** How long the listeners stay open after a signal flipped readiness, at most. */
const LAME_DUCK_MS = 1000;

/** Starts REST and gRPC in one process, behind one guard chain and one exception filter. */
export async function startCoordinator(config: AppConfig): Promise<NestFastifyApplication> {
  // Node's default 16 KiB header cap would answer 431 before the 16 KiB token check could
  // give a proper 401 with a reason.
  const adapter = new FastifyAdapter({
    // One cap for every route and content type (JSON, NDJSON); larger bodies get 413, and the
    // rest of them is read and thrown away (see registerBodyRefusal).
    bodyLimit: config.limits.httpBodyBytes,
    // Long path parameters reach the handlers, which answer with the contract's 404/400 bodies
    // instead of the router's bare 414.
    routerOptions: { maxParamLength: MAX_HEADER_BYTES },
    http: { maxHeaderSize: MAX_HEADER_BYTES },
    // The request id ties a log line to its audit event; a caller's own id is kept when sane.
    genReqId: (req: { headers: Record<string, unknown> }) =>
      acceptableRequestId(req.headers['x-request-id']) ?? randomUUID(),
    ...(config.tls
      ? { https: { cert: config.tls.cert, key: config.tls.key, maxHeaderSize: MAX_HEADER_BYTES } }
      : {}),
  } as never);
  const rootLogger = createRootLogger(config);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, rootLogger),
    adapter,
    {
      bufferLogs: true,
      abortOnError: false,
    },
  );
  app.useLogger(app.get(Logger));
  const logger = new NestLogger('Coordinator');
  // A stray rejection is a bug to log with a reference, not a reason to drop every caller.
  process.on('unhandledRejection', (reason) => {
    logger.error(`unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}`);
  });

  const fastify = app.getHttpAdapter().getInstance();
  registerRequestLog(fastify, rootLogger, app.get(MetricsService));

  // A response finished during shutdown closes its connection; otherwise an idle keep-alive
  // socket would hold the server open until the grace period runs out.
  const lifecycle = app.get(LifecycleService);
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (lifecycle.draining) reply.header('Connection', 'close');
    done(null, payload);
  });
  registerBodyRefusal(fastify, () => lifecycle.draining);

  // NDJSON record batches: one JSON record per line, parsed into the same array a JSON body gives.
  fastify.addContentTypeParser(
    'application/x-ndjson',
    { parseAs: 'string' },
    (_request, body, done) => {
      const records: unknown[] = [];
      const lines = (body as string).split('\n');
      for (let i = 0; i < lines.length; i++) {
        if (lines[i].trim() === '') continue;
        try {
          records.push(JSON.parse(lines[i]));
        } catch {
          const error = new InvalidArgumentError(`NDJSON line ${i + 1} is not valid JSON`);
          return done(Object.assign(error, { statusCode: 400 }), undefined);
        }
      }
      done(null, records);
    },
  );

  const document = buildOpenApiDocument(app, config);
  fastify.get('/api/openapi.json', async () => document);

  // Without inheritAppConfig the gRPC server would run with no guards and no filter at all.
  app.connectMicroservice<MicroserviceOptions>(grpcOptions(config, app.get(GrpcHealthService)), {
    inheritAppConfig: true,
  });

  try {
    await app.init();
    await app.startAllMicroservices();
    await app.listen(config.http.port, config.http.host);
  } catch (err) {
    logger.error(`could not start: ${(err as Error).message}`);
    await app.close().catch(() => undefined);
    // main.ts prints the reason to stderr and exits 1.
    throw err;
  }

  lifecycle.markStarted();
  installSignalHandlers(app, config, logger);
  logger.log(postureBanner(app, config));
  if (config.generateDevToken) {
    const path = app.get(DevTokenWriter).path;
    logger.log(
      `no credentials configured: generated a development service token in ${path} (mode 0600). ` +
        `Use it with: export KRISHIV_COORDINATOR_BEARER_TOKEN="$(cat ${path})"; the krishiv CLI on this machine reads it by itself. ` +
        `Web UI: open http${config.tls ? 's' : ''}://${hostPort(config.http)}/ui/ and paste the token from ${path}`,
    );
  }
  return app;
}

function postureBanner(app: NestFastifyApplication, config: AppConfig): string {
  const auth = app.get(AuthService);
  const oidc = config.oidc;
  const host = (url?: string) => (url ? new URL(url).host : undefined);
  const parts = [
    `coordinator started: http${config.tls ? 's' : ''}://${hostPort(config.http)}`,
    `grpc=${hostPort(config.grpc)}`,
    `production=${config.production ? 'on' : 'off'}`,
    `auth=${auth.enabledMethods().join('+') || 'none'}`,
    oidc
      ? `issuer=${oidc.issuer ?? 'unchecked'} jwksHost=${host(oidc.jwksUri) ?? `${host(oidc.issuer)} (discovered)`}`
      : 'oidc=off',
    oidc
      ? `audience=${oidc.audiences.join('|') || 'unchecked'} roleClaims=${oidc.roleClaims.join('|')}`
      : '',
    `tls=${config.tls ? (config.tls.ca ? 'on+client-certs' : 'on') : config.tlsTerminatedByProxy ? 'proxy' : 'off'}`,
    `dataDir=${config.dataDir}`,
  ];
  return parts.filter(Boolean).join(' ');
}

function installSignalHandlers(
  app: NestFastifyApplication,
  config: AppConfig,
  logger: NestLogger,
): void {
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    logger.log(`${signal} received`);
    if (closing) return;
    closing = true;
    app.get(LifecycleService).beginDrain(signal);
    const force = setTimeout(() => {
      logger.warn(`shutdown grace of ${config.shutdownGraceMs} ms expired; exiting`);
      process.exit(0);
    }, config.shutdownGraceMs);
    force.unref();
    // A short lame-duck period: the listeners stay open, answering probes "not ready" and new
    // calls 503 / UNAVAILABLE, so load balancers and health checkers see the flip before
    // connections start being refused.
    setTimeout(
      () =>
        app
          .close()
          .then(() => process.exit(0))
          .catch((err: Error) => {
            logger.error(`error during shutdown: ${err.message}`);
            process.exit(1);
          }),
      Math.min(LAME_DUCK_MS, Math.floor(config.shutdownGraceMs / 2)),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
