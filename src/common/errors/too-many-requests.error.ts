import { status as GrpcStatus } from '@grpc/grpc-js';
import { CoordinatorError } from './coordinator.error';

/** A limit on how often a caller may try: REST 429 with `Retry-After`, gRPC `retry-after` metadata. */
export class TooManyRequestsError extends CoordinatorError {
  constructor(
    message: string,
    /** Whole seconds until the caller may try again. */
    public readonly retryAfterSecs: number,
  ) {
    super(429, GrpcStatus.RESOURCE_EXHAUSTED, message);
  }
}
