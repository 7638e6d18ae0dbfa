import { performance } from 'node:perf_hooks';
import { ArgumentsHost } from '@nestjs/common';
import { Metadata } from '@grpc/grpc-js';
import { Principal } from './principal';

/** What the guards need from a call, whatever the transport. */
export interface CallContext {
  headers: { authorization?: string | string[] };
  principal?: Principal;
  /** gRPC only: when the call reached the guard chain, for the latency histogram. */
  startedAt?: number;
}

const rpcContexts = new WeakMap<object, CallContext>();

/**
 * The HTTP request, or for gRPC a request-shaped object built from the call metadata and cached
 * per call, so the authentication guard, the roles guard and handlers all see the same principal.
 */
export function requestFor(context: ArgumentsHost): CallContext {
  if (context.getType() === 'rpc') {
    const metadata = context.switchToRpc().getContext<Metadata>();
    let call = rpcContexts.get(metadata);
    if (!call) {
      const value = metadata.get('authorization')[0];
      call = {
        headers: { authorization: typeof value === 'string' ? value : value?.toString('utf8') },
        startedAt: performance.now(),
      };
      rpcContexts.set(metadata, call);
    }
    return call;
  }
  return context.switchToHttp().getRequest<CallContext>();
}
