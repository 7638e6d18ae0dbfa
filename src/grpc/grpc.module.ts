import { Global, Module } from '@nestjs/common';
import { GrpcHealthService } from './grpc-health.service';

@Global()
@Module({
  providers: [GrpcHealthService],
  exports: [GrpcHealthService],
})
export class GrpcModule {}
