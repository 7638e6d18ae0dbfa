import { status as GrpcStatus } from '@grpc/grpc-js';
import { Role } from '../../access/principal';

/**
 * Every error a caller may see. Each names its HTTP status and gRPC code once, so the two
 * transports always agree (README, Errors).
 */
export class CoordinatorError extends Error {
  public readonly httpStatus: number;
  public readonly grpcCode: GrpcStatus;

  constructor(httpStatus: number, grpcCode: GrpcStatus, message: string) {
    // A refusal is an answer, not a fault: its stack is never shown or logged, and capturing one
    // is most of what a refused request costs during a flood of bad tokens. Server errors keep it.
    const limit = Error.stackTraceLimit;
    if (httpStatus < 500) Error.stackTraceLimit = 0;
    try {
      super(message);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.httpStatus = httpStatus;
    this.grpcCode = grpcCode;
    this.name = new.target.name;
  }
}

export class InvalidArgumentError extends CoordinatorError {
  constructor(message: string) {
    super(400, GrpcStatus.INVALID_ARGUMENT, message);
  }
}

/** No, malformed, invalid or expired credentials. */
export class UnauthenticatedError extends CoordinatorError {
  constructor(
    message: string,
    /** False when the caller sent no credentials at all (RFC 6750 §3.1: then no `error=`). */
    public readonly credentialsPresent = true,
  ) {
    super(401, GrpcStatus.UNAUTHENTICATED, message);
  }
}

export class PermissionDeniedError extends CoordinatorError {
  constructor(
    message: string,
    public readonly requiredRole: Role | null,
    /** The permission-table action that was refused, when the refusal is about one. */
    public readonly action?: string,
  ) {
    super(403, GrpcStatus.PERMISSION_DENIED, message);
  }
}

export class NotFoundError extends CoordinatorError {
  constructor(message: string) {
    super(404, GrpcStatus.NOT_FOUND, message);
  }
}

export class FailedPreconditionError extends CoordinatorError {
  constructor(message: string) {
    super(409, GrpcStatus.FAILED_PRECONDITION, message);
  }
}

export class AlreadyExistsError extends CoordinatorError {
  constructor(message: string) {
    super(409, GrpcStatus.ALREADY_EXISTS, message);
  }
}

export class PayloadTooLargeError extends CoordinatorError {
  constructor(message: string) {
    super(413, GrpcStatus.RESOURCE_EXHAUSTED, message);
  }
}

export class DeadlineExceededError extends CoordinatorError {
  constructor(message: string) {
    super(504, GrpcStatus.DEADLINE_EXCEEDED, message);
  }
}

export class UnavailableError extends CoordinatorError {
  constructor(message: string) {
    super(503, GrpcStatus.UNAVAILABLE, message);
  }
}

/** The gRPC client went away (or stopped reading) before the answer was complete. */
export class CancelledError extends CoordinatorError {
  constructor(message: string) {
    super(499, GrpcStatus.CANCELLED, message);
  }
}
