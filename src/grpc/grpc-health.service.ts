import { Injectable } from '@nestjs/common';
import { HealthImplementation } from 'grpc-health-check';

export const GRPC_SERVICES = [
  'AuthService',
  'QueryService',
  'JobService',
  'ExecutorService',
  'StreamService',
].map((s) => `krishiv.coordinator.v1.${s}`);

/** `grpc.health.v1.Health`, served beside the API; NOT_SERVING as soon as shutdown begins. */
@Injectable()
export class GrpcHealthService {
  public readonly implementation = new HealthImplementation({ '': 'NOT_SERVING' });

  public setServing(serving: boolean): void {
    const status = serving ? 'SERVING' : 'NOT_SERVING';
    this.implementation.setStatus('', status);
    for (const service of GRPC_SERVICES) this.implementation.setStatus(service, status);
  }
}
