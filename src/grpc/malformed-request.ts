import type { PackageDefinition } from '@grpc/proto-loader';

/**
 * What a gRPC handler receives instead of its message when the request bytes are not valid
 * protobuf. grpc-js answers a deserializer that throws with INTERNAL before any guard runs; this
 * placeholder lets the call reach the guard chain (who are you, may you) and then be refused as
 * INVALID_ARGUMENT by MalformedRequestInterceptor, like a malformed REST body.
 */
export class MalformedRequest {
  constructor(
    /** The method path, e.g. `/krishiv.coordinator.v1.QueryService/ExecuteQuery`. */
    public readonly path: string,
    /** The decoder's reason (offsets and wire types only, never request content). */
    public readonly reason: string,
  ) {}

  public get message(): string {
    return `the request to ${this.path} is not a valid protobuf message (${this.reason})`;
  }

  /** Wraps every method's request decoder of the package so that it never throws. */
  public static tolerateIn(packageDefinition: PackageDefinition): void {
    for (const service of Object.values(packageDefinition)) {
      if (!service || 'format' in service || 'type' in service) continue;
      for (const method of Object.values(service)) {
        const decode = method.requestDeserialize;
        method.requestDeserialize = (bytes: Buffer) => {
          try {
            return decode(bytes);
          } catch (err) {
            const reason = err instanceof Error ? err.message.slice(0, 120) : 'undecodable';
            return new MalformedRequest(method.path, reason);
          }
        };
      }
    }
  }
}
