import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { DrainInterceptor } from './drain.interceptor';
import { HealthController } from './health.controller';
import { LifecycleService } from './lifecycle.service';

@Global()
@Module({
  controllers: [HealthController],
  providers: [LifecycleService, { provide: APP_INTERCEPTOR, useClass: DrainInterceptor }],
  exports: [LifecycleService],
})
export class HealthModule {}
