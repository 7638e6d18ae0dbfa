import { ServerCredentials } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { GrpcOptions, Transport } from '@nestjs/microservices';
import { AppConfig } from '../config/app-config';
import { GrpcHealthService } from './grpc-health.service';
import { MalformedRequest } from './malformed-request';
import { PROTO_FILES, PROTO_LOADER_OPTIONS } from './proto';

export function hostPort(address: { host: string; port: number }): string {
  return address.host.includes(':')
    ? `[${address.host}]:${address.port}`
    : `${address.host}:${address.port}`;
}

export function grpcOptions(config: AppConfig, health: GrpcHealthService): GrpcOptions {
  const tls = config.tls;
  const credentials = tls
    ? ServerCredentials.createSsl(
        tls.ca ?? null,
        [{ cert_chain: tls.cert, private_key: tls.key }],
        tls.ca !== undefined,
      )
    : ServerCredentials.createInsecure();
  return {
    transport: Transport.GRPC,
    options: {
      package: 'krishiv.coordinator.v1',
      protoPath: PROTO_FILES,
      url: hostPort(config.grpc),
      credentials,
      loader: PROTO_LOADER_OPTIONS,
      gracefulShutdown: true,
      // Applies to every RPC; grpc-js answers RESOURCE_EXHAUSTED before a handler runs.
      maxReceiveMessageLength: config.limits.grpcMessageBytes,
      onLoadPackageDefinition: (pkg, server) => {
        MalformedRequest.tolerateIn(pkg);
        health.implementation.addToServer(server);
        if (config.grpcReflection) new ReflectionService(pkg).addToServer(server);
      },
    },
  };
}
