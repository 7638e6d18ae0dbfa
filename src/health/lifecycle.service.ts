import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { GrpcHealthService } from '../grpc/grpc-health.service';

/** Tracks whether the coordinator is accepting work; flips first when shutdown begins. */
@Injectable()
export class LifecycleService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Lifecycle');
  public started = false;
  public draining = false;

  constructor(private readonly grpcHealth: GrpcHealthService) {}

  public markStarted(): void {
    this.started = true;
    this.grpcHealth.setServing(true);
  }

  public beforeApplicationShutdown(signal?: string): void {
    this.draining = true;
    this.grpcHealth.setServing(false);
    this.logger.log(
      `shutting down${signal ? ` on ${signal}` : ''}: not ready, finishing in-flight requests`,
    );
  }
}
