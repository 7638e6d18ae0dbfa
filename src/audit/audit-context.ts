import { ArgumentsHost } from '@nestjs/common';
import { requestFor } from '../auth/request-context';
import type { AuditEventInput } from './audit.service';

type CallFields = Pick<
  AuditEventInput,
  'requestId' | 'subject' | 'role' | 'authMethod' | 'clientAddress' | 'transport'
>;

/** The peer without its port: `127.0.0.1:5000` → `127.0.0.1`, `[::1]:5000` → `::1`. */
export function peerAddress(peer: string | undefined): string | undefined {
  if (!peer) return undefined;
  const match = /^(?:ipv[46]:)?(?:\[([^\]]+)\]|([^:[\]]+)):\d+$/.exec(peer);
  if (match) return match[1] ?? match[2];
  return peer.slice(0, 200);
}

/** Who called and from where, the same way for both transports. */
export function callFields(host: ArgumentsHost): CallFields {
  const call = requestFor(host);
  const principal = call.principal;
  const fields: CallFields = {
    requestId: call.id,
    subject: principal?.subject,
    role: principal ? principal.role : undefined,
    authMethod: principal?.method,
    transport: host.getType() === 'rpc' ? 'grpc' : 'rest',
  };
  if (host.getType() === 'rpc') {
    const rpc = host.getArgByIndex<{ getPeer?: () => string } | undefined>(2);
    fields.clientAddress = peerAddress(rpc?.getPeer?.());
  } else {
    fields.clientAddress = host.switchToHttp().getRequest<{ ip?: string }>().ip;
  }
  return fields;
}

/** What the handler was asked: the gRPC message, or the REST body merged with path parameters. */
export function requestFields(host: ArgumentsHost): Record<string, unknown> {
  if (host.getType() === 'rpc') {
    const data = host.switchToRpc().getData<unknown>();
    return typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  }
  const request = host.switchToHttp().getRequest<{ body?: unknown; params?: object }>();
  const body =
    typeof request.body === 'object' && request.body !== null && !Array.isArray(request.body)
      ? request.body
      : {};
  return { ...body, ...(request.params ?? {}) };
}
