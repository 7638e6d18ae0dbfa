import { performance } from 'node:perf_hooks';
import {
  ArgumentsHost,
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import { Observable, tap } from 'rxjs';
import { requestFor } from '../auth/request-context';
import { MetricsService } from './metrics.service';

/**
 * Applied to the gRPC controllers only (an interceptor on every HTTP route would cost each
 * request an rxjs pipeline for nothing). Latency of successful gRPC calls; failures (including those refused by the guards) are
 * observed by the exception filter, so every call is counted once. HTTP is measured by a
 * Fastify hook instead, which also sees requests that never reach a controller.
 */
@Injectable()
export class GrpcMetricsInterceptor implements NestInterceptor {
  constructor(private readonly metrics: MetricsService) {}

  public intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    return next.handle().pipe(tap({ complete: () => observeGrpc(this.metrics, context, 'OK') }));
  }
}

/** Records one gRPC call under its method path, e.g. `/krishiv.coordinator.v1.QueryService/ExecuteQuery`. */
export function observeGrpc(metrics: MetricsService, host: ArgumentsHost, code: string): void {
  const started = requestFor(host).startedAt ?? performance.now();
  const call = host.getArgByIndex<{ getPath?: () => string } | undefined>(2);
  metrics.requestDuration.observe(
    { transport: 'grpc', operation: call?.getPath?.() ?? 'unknown', status: code },
    (performance.now() - started) / 1000,
  );
}
