import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationShutdown,
} from '@nestjs/common';
import { GrpcHealthService } from '../grpc/grpc-health.service';

/** Tracks whether the coordinator is accepting work; flips first when shutdown begins. */
@Injectable()
export class LifecycleService implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Lifecycle');
  public started = false;
  public draining = false;

  constructor(private readonly grpcHealth: GrpcHealthService) {}

  public markStarted(): void {
    this.started = true;
    this.grpcHealth.setServing(true);
  }

  private drainStartedAt = 0;

  public beforeApplicationShutdown(signal?: string): void {
    this.beginDrain(signal);
  }

  /**
   * Not ready, gRPC health NOT_SERVING, new calls refused: called by the signal handler before
   * anything else stops, so probes see it first whichever module shuts down first.
   */
  public beginDrain(signal?: string): void {
    if (this.draining) return;
    this.draining = true;
    this.drainStartedAt = Date.now();
    this.grpcHealth.setServing(false);
    this.logger.log(
      `shutting down${signal ? ` on ${signal}` : ''}: not ready, finishing in-flight requests`,
    );
  }

  public onApplicationShutdown(): void {
    this.logger.log(`listeners closed after ${Date.now() - this.drainStartedAt} ms`);
  }
}
