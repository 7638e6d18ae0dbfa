import { StorageExhaustedError } from '../common/errors/storage-exhausted.error';
import { randomUUID } from 'node:crypto';
import {
  CoordinatorError,
  DeadlineExceededError,
  InvalidArgumentError,
  PermissionDeniedError,
  UnauthenticatedError,
} from '../common/errors/coordinator.error';
import { PgNotice } from './backend-messages';
import { ProtocolViolation } from './frontend-messages';

/** An error with the SQLSTATE the client should see. */
export class PgError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly fatal = false,
  ) {
    super(message);
  }

  public toNotice(): PgNotice {
    return { severity: this.fatal ? 'FATAL' : 'ERROR', code: this.code, message: this.message };
  }
}

/** SQLSTATE for an engine message about the caller's SQL, by the engine's error class. */
function engineState(message: string): string {
  if (/^(Parser|Syntax) Error/i.test(message)) return '42601';
  if (/^Catalog Error: (Table|View)/i.test(message)) return '42P01';
  if (/^Catalog Error/i.test(message)) return '42704';
  if (/^Binder Error: Referenced column/i.test(message)) return '42703';
  if (/^(Conversion|Invalid Input) Error/i.test(message)) return '22P02';
  if (/^Out of Range Error/i.test(message)) return '22003';
  if (/^Constraint Error/i.test(message)) return '23000';
  if (/^Not implemented Error/i.test(message)) return '0A000';
  if (/^(TransactionContext|Serialization) Error/i.test(message)) return '40001';
  return '42000';
}

/**
 * Maps what the services throw to PostgreSQL errors (the same conditions as the README's Errors table):
 * 28000/28P01 for credentials, 42501 for a role too low, 42601 and friends for the caller's SQL,
 * 57014 for a timeout, 53100 (disk_full) when the data dir is out of space. Anything else is internal: the client gets a reference, the log the cause.
 */
export function toPgError(err: unknown, log: (reference: string, err: unknown) => void): PgError {
  if (err instanceof PgError) return err;
  if (err instanceof ProtocolViolation) {
    return new PgError('08P01', `protocol violation: ${err.message}`, true);
  }
  if (err instanceof PermissionDeniedError) return new PgError('42501', err.message);
  if (err instanceof UnauthenticatedError) return new PgError('28000', err.message, true);
  if (err instanceof DeadlineExceededError) {
    return new PgError('57014', `canceling statement due to statement timeout: ${err.message}`);
  }
  if (err instanceof InvalidArgumentError)
    return new PgError(engineState(err.message), err.message);
  if (err instanceof StorageExhaustedError) return new PgError('53100', err.message);
  if (err instanceof CoordinatorError) return new PgError('XX000', err.message);
  const reference = randomUUID();
  log(reference, err);
  return new PgError('XX000', `internal error (reference ${reference})`);
}
