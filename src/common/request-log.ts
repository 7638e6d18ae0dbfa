import type { FastifyInstance } from 'fastify';
import type { Logger as PinoInstance } from 'pino';
import { MetricsService } from '../metrics/metrics.service';

/** Refusals the audit trail already logs at `info`, one line each (see AuditService). */
const AUDITED = new Set([401, 403, 429]);

/** Probes and scrapes are frequent and uninteresting; they are never logged. */
const UNLOGGED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * One synchronous `onResponse` hook per request: the latency histogram, then one log line —
 * `error` for 5xx, `info` for 4xx other than the refusals the audit trail logs, `debug` otherwise —
 * built only when that level is enabled.
 * Query strings are dropped (a careless client may put a token there) and headers are never logged.
 */
export function registerRequestLog(
  fastify: FastifyInstance,
  logger: PinoInstance,
  metrics: MetricsService,
): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    metrics.requestDuration.observe(
      {
        transport: 'http',
        operation: `${request.method} ${request.routeOptions.url ?? 'unmatched'}`,
        status: String(status),
      },
      reply.elapsedTime / 1000,
    );
    const level =
      status >= 500 ? 'error' : status >= 400 && !AUDITED.has(status) ? 'info' : 'debug';
    if (logger.isLevelEnabled(level)) {
      const url = request.url;
      const path = url.includes('?') ? url.slice(0, url.indexOf('?')) : url;
      if (!UNLOGGED_PATHS.has(path)) {
        logger[level](
          {
            req: { id: request.id, method: request.method, url: path, remoteAddress: request.ip },
            res: { statusCode: status },
            responseTime: Math.round(reply.elapsedTime),
          },
          'request completed',
        );
      }
    }
    done();
  });
}
