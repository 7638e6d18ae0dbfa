import { status as GrpcStatus } from '@grpc/grpc-js';
import { CoordinatorError } from './coordinator.error';

/** errno codes and messages by which the OS, SQLite and the engine report a full disk or quota. */
const OUT_OF_SPACE_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);
const OUT_OF_SPACE_TEXT = /no space left on device|disk quota exceeded|database or disk is full/i;

/**
 * The data directory's filesystem is full (507 / RESOURCE_EXHAUSTED). Nothing was stored by the
 * request that gets it, so the caller may retry once space is freed. The message names only the
 * data directory, never the file or the layer that failed.
 */
export class StorageExhaustedError extends CoordinatorError {
  constructor(public readonly dataDir: string) {
    super(
      507,
      GrpcStatus.RESOURCE_EXHAUSTED,
      `the data directory ${dataDir} is out of space: free space and retry`,
    );
  }
}

/** Whether `err` (or the error it wraps) says the disk or the quota is full. */
export function isOutOfSpace(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 4; depth++) {
    if (e instanceof StorageExhaustedError) return true;
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && OUT_OF_SPACE_CODES.has(code)) return true;
    if (OUT_OF_SPACE_TEXT.test(e.message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** `err` as a StorageExhaustedError when it reports a full disk, else `err` itself. */
export function asStorageError(err: unknown, dataDir: string): unknown {
  if (err instanceof StorageExhaustedError) return err;
  return isOutOfSpace(err) ? new StorageExhaustedError(dataDir) : err;
}

/** The message to record on a job or savepoint that failed because of `err`. */
export function failureMessage(err: unknown, dataDir: string): string {
  const mapped = asStorageError(err, dataDir);
  return (mapped instanceof Error ? mapped.message : String(mapped)).slice(0, 4000);
}
