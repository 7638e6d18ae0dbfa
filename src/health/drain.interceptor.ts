import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { UnavailableError } from '../common/errors/coordinator.error';
import { MetricsController } from '../metrics/metrics.controller';
import { HealthController } from './health.controller';
import { LifecycleService } from './lifecycle.service';

/**
 * Once shutdown has begun, new API calls are refused with 503 / UNAVAILABLE (calls already
 * running finish): a load balancer or client retries them elsewhere instead of losing them to
 * a process that is about to exit. Probes and metrics keep answering.
 */
@Injectable()
export class DrainInterceptor implements NestInterceptor {
  constructor(private readonly lifecycle: LifecycleService) {}

  public intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const controller = context.getClass();
    if (
      this.lifecycle.draining &&
      controller !== HealthController &&
      controller !== MetricsController
    ) {
      throw new UnavailableError(
        'the coordinator is shutting down; retry against another instance or once it is back',
      );
    }
    return next.handle();
  }
}
