import type { Params } from 'nestjs-pino';
import pino, { Logger as PinoInstance } from 'pino';
import { AppConfig } from '../config/app-config';

/** Anything that may hold a credential, wherever pino meets it. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'authorization',
  'token',
  '*.token',
];

/**
 * The one pino instance every log line goes through: Nest's logger and the request log.
 *
 * Lines are written to stdout synchronously: an audit event is in the log before the response
 * that it describes is sent, and before a crash could lose it (pino's default hands lines to a
 * background write). At the default level a line is written only for a refusal, an audit event or
 * a 4xx, so this costs a write call per such request, not per request.
 */
export function createRootLogger(config: AppConfig): PinoInstance {
  return pino(
    { level: config.logLevel, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    pino.destination({ dest: 1, sync: true }),
  );
}

/**
 * nestjs-pino serves Nest's own logger from the root instance. Its per-request middleware is not
 * installed (`forRoutes: []`): on Fastify it ran through the Express-style middleware bridge on
 * every request and cost a third of REST throughput. Requests are logged by a Fastify hook
 * instead (see `registerRequestLog`).
 */
export function loggerOptions(root: PinoInstance): Params {
  return { pinoHttp: { logger: root }, forRoutes: [] };
}
