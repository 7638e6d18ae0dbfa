import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { throwError } from 'rxjs';
import { callFields, requestFields } from '../../audit/audit-context';
import { AuditService } from '../../audit/audit.service';
import { AUDITED_OPERATIONS, AuditedOperation } from '../../audit/audited-operations';
import { requestFor } from '../../auth/request-context';
import { AppConfigService } from '../../config/app-config.service';
import { MetricsService } from '../../metrics/metrics.service';
import { observeGrpc } from '../../metrics/grpc-metrics.interceptor';
import {
  CoordinatorError,
  PayloadTooLargeError,
  PermissionDeniedError,
  UnauthenticatedError,
} from '../errors/coordinator.error';
import { TooManyRequestsError } from '../errors/too-many-requests.error';

/**
 * Fastify refuses an oversized body before any handler runs, with a bare "Request body is too
 * large"; the caller is told the limit instead (the route's own `bodyLimit`).
 */
function bodyLimitError(exception: unknown, host: ArgumentsHost): PayloadTooLargeError | undefined {
  if (!(exception instanceof HttpException) || exception.getStatus() !== 413) return undefined;
  if (host.getType() !== 'http') return undefined;
  const request = host.switchToHttp().getRequest<{ routeOptions?: { bodyLimit?: number } }>();
  const limit = request.routeOptions?.bodyLimit;
  return new PayloadTooLargeError(
    limit
      ? `request body is larger than the limit of ${limit} bytes; send a smaller body`
      : 'request body is too large; send a smaller body',
  );
}
import { asStorageError } from '../errors/storage-exhausted.error';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  requiredRole?: string;
  reference?: string;
}

const HTTP_TO_GRPC: Record<number, GrpcStatus> = {
  400: GrpcStatus.INVALID_ARGUMENT,
  401: GrpcStatus.UNAUTHENTICATED,
  403: GrpcStatus.PERMISSION_DENIED,
  404: GrpcStatus.NOT_FOUND,
  409: GrpcStatus.FAILED_PRECONDITION,
  413: GrpcStatus.RESOURCE_EXHAUSTED,
  429: GrpcStatus.RESOURCE_EXHAUSTED,
  501: GrpcStatus.UNIMPLEMENTED,
  503: GrpcStatus.UNAVAILABLE,
  504: GrpcStatus.DEADLINE_EXCEEDED,
  507: GrpcStatus.RESOURCE_EXHAUSTED,
};

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  507: 'Insufficient Storage',
};

/**
 * The one exception filter for both transports (README, Errors): typed coordinator errors and Nest
 * HTTP exceptions keep their meaning; anything else is a 500 / INTERNAL whose body carries only
 * a reference that the log line repeats with the details.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: MetricsService,
    private readonly audit: AuditService,
    private readonly config: AppConfigService,
  ) {}

  public catch(exception: unknown, host: ArgumentsHost) {
    const { body, grpcCode } = this.describe(bodyLimitError(exception, host) ?? exception);
    if (
      exception instanceof UnauthenticatedError ||
      exception instanceof PermissionDeniedError ||
      exception instanceof TooManyRequestsError
    ) {
      this.recordDenial(exception, host);
    }
    if (host.getType() === 'rpc') {
      observeGrpc(this.metrics, host, GrpcStatus[grpcCode]);
      const error = { code: grpcCode, message: body.message, details: body.message };
      return throwError(() => ({ ...error, metadata: this.grpcTrailers(exception) }));
    }
    const { httpAdapter } = this.adapterHost;
    const response = host.switchToHttp().getResponse();
    const header = this.wwwAuthenticate(exception);
    if (header) httpAdapter.setHeader(response, 'WWW-Authenticate', header);
    if (exception instanceof TooManyRequestsError) {
      httpAdapter.setHeader(response, 'Retry-After', String(exception.retryAfterSecs));
    }
    httpAdapter.reply(response, body, body.statusCode);
  }

  private describe(thrown: unknown): { body: ErrorBody; grpcCode: GrpcStatus } {
    // A full disk may surface from any layer (SQLite, the engine, a file write): always a 507.
    const exception = asStorageError(thrown, this.config.get('dataDir'));
    if (exception !== thrown) {
      // The caller hears only which directory is full; the log keeps what failed where.
      this.logger.warn(
        `out of space: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
      );
    }
    if (exception instanceof CoordinatorError) {
      const body: ErrorBody = {
        statusCode: exception.httpStatus,
        error: REASONS[exception.httpStatus] ?? 'Error',
        message: exception.message,
      };
      if (exception instanceof PermissionDeniedError && exception.requiredRole) {
        body.requiredRole = exception.requiredRole;
      }
      return { body, grpcCode: exception.grpcCode };
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const raw =
        typeof response === 'object' && response !== null
          ? (response as { message?: unknown }).message
          : response;
      const message = Array.isArray(raw) ? raw.join('; ') : String(raw ?? exception.message);
      return {
        body: { statusCode: status, error: REASONS[status] ?? 'Error', message },
        grpcCode: HTTP_TO_GRPC[status] ?? GrpcStatus.UNKNOWN,
      };
    }
    const reference = randomUUID();
    this.logger.error(
      { reference, err: exception },
      `unhandled error ${reference}: ${exception instanceof Error ? exception.message : String(exception)}`,
    );
    return {
      body: {
        statusCode: 500,
        error: REASONS[500],
        message: `internal error; reference ${reference}`,
        reference,
      },
      grpcCode: GrpcStatus.INTERNAL,
    };
  }

  /**
   * Every 401, 403 and 429 of either transport passes here, whichever guard or service refused it,
   * so this is the one place denials are audited.
   */
  private recordDenial(
    exception: UnauthenticatedError | PermissionDeniedError | TooManyRequestsError,
    host: ArgumentsHost,
  ): void {
    const declared = requestFor(host).auditAction;
    const refused = exception instanceof PermissionDeniedError ? exception.action : undefined;
    // A management operation keeps its own name; elsewhere the refused action is the precise
    // one (a write statement refused on the query route is query:write, not query:read).
    const operation =
      declared && Object.prototype.hasOwnProperty.call(AUDITED_OPERATIONS, declared)
        ? (declared as AuditedOperation)
        : undefined;
    this.audit.record({
      ...callFields(host),
      action: operation ?? refused ?? declared ?? 'unknown',
      // What was asked for, as named in the request; nothing is looked up for a refused caller.
      resource: operation && AUDITED_OPERATIONS[operation](requestFields(host)),
      decision: 'deny',
      reason: `${exception.httpStatus} ${exception.message}`,
    });
  }

  /** gRPC has no Retry-After; the same name and value travel as trailing metadata. */
  private grpcTrailers(exception: unknown): Metadata | undefined {
    if (!(exception instanceof TooManyRequestsError)) return undefined;
    const metadata = new Metadata();
    metadata.set('retry-after', String(exception.retryAfterSecs));
    return metadata;
  }

  /** RFC 6750 §3: no `error=` when the request carried no credentials at all. */
  private wwwAuthenticate(exception: unknown): string | undefined {
    if (exception instanceof UnauthenticatedError) {
      if (!exception.credentialsPresent) return 'Bearer realm="krishiv"';
      const description = exception.message.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '?');
      return `Bearer realm="krishiv", error="invalid_token", error_description="${description}"`;
    }
    if (exception instanceof PermissionDeniedError) {
      return 'Bearer realm="krishiv", error="insufficient_scope"';
    }
    return undefined;
  }
}
