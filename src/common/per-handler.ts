/* eslint-disable @typescript-eslint/no-unsafe-function-type -- Nest types handlers as Function */
import type { ExecutionContext, Type } from '@nestjs/common';

/**
 * Memoises what is read from a handler's decorators (e.g. with the `Reflector`), keyed by the
 * handler: decorators never change at run time, so the guards read them once per route, not once
 * per call.
 */
export function perHandler<T>(
  read: (targets: [handler: Function, controller: Type]) => T,
): (context: ExecutionContext) => T {
  const cache = new WeakMap<Function, T>();
  return (context) => {
    const handler = context.getHandler();
    if (cache.has(handler)) return cache.get(handler) as T;
    const value = read([handler, context.getClass()]);
    cache.set(handler, value);
    return value;
  };
}
