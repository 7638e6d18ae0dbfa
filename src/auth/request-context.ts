import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ArgumentsHost } from '@nestjs/common';
import { Metadata } from '@grpc/grpc-js';
import { Principal } from '../access/principal';

/** What the guards need from a call, whatever the transport. */
export interface CallContext {
  headers: { authorization?: string | string[] };
  principal?: Principal;
  /** gRPC only: when the call reached the guard chain, for the latency histogram. */
  startedAt?: number;
  /** Fastify's request id for HTTP; for gRPC the caller's `x-request-id` or a fresh UUID. */
  id?: string;
  /** The action the handler performs as the audit trail names it, set by the first guard. */
  auditAction?: string;
}

/** A caller-chosen request id is kept only when it is short and printable. */
export function acceptableRequestId(value: unknown): string | undefined {
  return typeof value === 'string' && /^[\x21-\x7e]{1,128}$/.test(value) ? value : undefined;
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
        id: acceptableRequestId(metadata.get('x-request-id')[0]) ?? randomUUID(),
      };
      rpcContexts.set(metadata, call);
    }
    return call;
  }
  return context.switchToHttp().getRequest<CallContext>();
}
