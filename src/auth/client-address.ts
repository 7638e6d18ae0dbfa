import { isIP, isIPv4 } from 'node:net';
import { ExecutionContext } from '@nestjs/common';

export const UNKNOWN_ADDRESS = 'unknown';

/**
 * The client's address as the socket sees it: the Fastify request's `ip` on REST, the call's peer
 * (`1.2.3.4:5678`, `::1:5678`, or with an `ipv4:`/`ipv6:` prefix and brackets) on gRPC. No proxy
 * header is trusted.
 */
export function clientAddressOf(context: ExecutionContext): string {
  if (context.getType() === 'rpc') {
    const call = context.getArgByIndex(2) as { getPeer?: () => string } | undefined;
    const peer = call?.getPeer?.();
    return peer ? peerAddress(peer) : UNKNOWN_ADDRESS;
  }
  const request = context.switchToHttp().getRequest<{
    ip?: string;
    socket?: { remoteAddress?: string };
  }>();
  const address = request.ip ?? request.socket?.remoteAddress;
  return address ? normalise(address) : UNKNOWN_ADDRESS;
}

export function peerAddress(peer: string): string {
  const bare = peer.replace(/^ipv[46]:/, '');
  const bracketed = /^\[([^\]]+)\]:\d+$/.exec(bare);
  if (bracketed) return normalise(bracketed[1]);
  // grpc-js appends the port without brackets (`::1:5678`), so the port goes first.
  const withPort = /^(.+):\d+$/.exec(bare);
  if (withPort && isIP(withPort[1])) return normalise(withPort[1]);
  return normalise(bare);
}

/** `::ffff:1.2.3.4` is the IPv4 client 1.2.3.4 on a dual-stack socket. */
function normalise(address: string): string {
  const mapped = /^::ffff:(.+)$/i.exec(address);
  return mapped && isIPv4(mapped[1]) ? mapped[1] : address.toLowerCase();
}

export function isLoopbackAddress(address: string): boolean {
  return address === '::1' || (isIPv4(address) && address.startsWith('127.'));
}
