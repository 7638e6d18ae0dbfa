import type { ServerWritableStream } from '@grpc/grpc-js';
import { CancelledError } from '../common/errors/coordinator.error';

/**
 * Writes one message of a server stream and resolves once the client can take the next one, so
 * a slow reader slows the producer instead of growing a buffer. Rejects when the client cancels
 * or `abort` fires while waiting.
 */
export function writeMessage<T>(
  call: ServerWritableStream<unknown, T>,
  message: T,
  abort?: AbortSignal,
): Promise<void> {
  if (call.cancelled) return Promise.reject(new CancelledError('the client cancelled the call'));
  if (call.write(message)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      call.off('drain', onDrain);
      call.off('cancelled', onCancelled);
      abort?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    const onCancelled = () => done(new CancelledError('the client cancelled the call'));
    const onAbort = () =>
      done(new CancelledError('the call was abandoned while the client was not reading'));
    call.on('drain', onDrain);
    call.on('cancelled', onCancelled);
    abort?.addEventListener('abort', onAbort);
  });
}
