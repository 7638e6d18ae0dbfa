import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/** The grpc-js call object of a gRPC handler (its third argument), for server-streaming writes. */
export const GrpcCall = createParamDecorator((_data: unknown, context: ExecutionContext): unknown =>
  context.getArgByIndex(2),
);
