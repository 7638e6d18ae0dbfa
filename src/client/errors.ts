import { status } from '@grpc/grpc-js';

/** An error answered by the coordinator, carrying its gRPC status code. */
export class KrishivError extends Error {
  constructor(
    public readonly code: status,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }

  public get codeName(): string {
    return status[this.code] ?? String(this.code);
  }
}

export class NotAuthenticatedError extends KrishivError {}
export class PermissionDeniedError extends KrishivError {}
export class InvalidArgumentError extends KrishivError {}
export class NotFoundError extends KrishivError {}
export class ConflictError extends KrishivError {}
export class DeadlineExceededError extends KrishivError {}
export class UnavailableError extends KrishivError {}

const BY_CODE: Partial<Record<status, new (code: status, message: string) => KrishivError>> = {
  [status.UNAUTHENTICATED]: NotAuthenticatedError,
  [status.PERMISSION_DENIED]: PermissionDeniedError,
  [status.INVALID_ARGUMENT]: InvalidArgumentError,
  [status.NOT_FOUND]: NotFoundError,
  [status.FAILED_PRECONDITION]: ConflictError,
  [status.ALREADY_EXISTS]: ConflictError,
  [status.DEADLINE_EXCEEDED]: DeadlineExceededError,
  [status.UNAVAILABLE]: UnavailableError,
};

export function errorFromStatus(code: status, message: string): KrishivError {
  const Type = BY_CODE[code] ?? KrishivError;
  return new Type(code, message);
}
