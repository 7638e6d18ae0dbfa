import { status as GrpcStatus } from '@grpc/grpc-js';
import { InvalidArgumentError } from './coordinator.error';
import {
  asStorageError,
  failureMessage,
  isOutOfSpace,
  StorageExhaustedError,
} from './storage-exhausted.error';

const errno = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('StorageExhaustedError', () => {
  it('is a 507 / RESOURCE_EXHAUSTED naming only the data dir', () => {
    const error = new StorageExhaustedError('/var/lib/krishiv');
    expect(error.httpStatus).toBe(507);
    expect(error.grpcCode).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect(error.message).toBe(
      'the data directory /var/lib/krishiv is out of space: free space and retry',
    );
  });

  it.each([
    ['ENOSPC from a file write', errno('ENOSPC', 'ENOSPC: no space left on device, write')],
    ['EDQUOT from a file write', errno('EDQUOT')],
    ['SQLITE_FULL from the metadata store', errno('SQLITE_FULL', 'database or disk is full')],
    [
      'a failed engine commit',
      new Error(
        'TransactionContext Error: Failed to commit: Could not write file "/d/engine.duckdb.wal": No space left on device',
      ),
    ],
    [
      'an engine invalidated by a checkpoint it could not write',
      new Error(
        'FATAL Error: Failed: database has been invalidated because of a previous fatal error.\nOriginal error: "Failed to create checkpoint because of error: Could not write file "/d/engine.duckdb": No space left on device"',
      ),
    ],
    ['a quota message', new Error('IO Error: Disk quota exceeded')],
    ['a wrapped cause', new Error('write failed', { cause: errno('ENOSPC') })],
  ])('recognises %s', (_name, error) => {
    expect(isOutOfSpace(error)).toBe(true);
    const mapped = asStorageError(error, '/data');
    expect(mapped).toBeInstanceOf(StorageExhaustedError);
    expect(failureMessage(error, '/data')).toBe(
      'the data directory /data is out of space: free space and retry',
    );
  });

  it.each([
    ['another errno', errno('EACCES', 'permission denied')],
    ['an SQL error', new InvalidArgumentError('Parser Error: syntax error at or near "SELEC"')],
    ['a busy database', errno('SQLITE_BUSY', 'database is locked')],
    ['not an error at all', 'no space left on device'],
  ])('leaves %s alone', (_name, error) => {
    expect(isOutOfSpace(error)).toBe(false);
    expect(asStorageError(error, '/data')).toBe(error);
  });
});
