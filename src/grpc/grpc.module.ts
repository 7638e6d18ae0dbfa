import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { GrpcHealthService } from './grpc-health.service';
import { MalformedRequestInterceptor } from './malformed-request.interceptor';

@Global()
@Module({
  providers: [
    GrpcHealthService,
    { provide: APP_INTERCEPTOR, useClass: MalformedRequestInterceptor },
  ],
  exports: [GrpcHealthService],
})
export class GrpcModule {}
