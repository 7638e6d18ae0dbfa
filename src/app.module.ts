import { DynamicModule, Module } from '@nestjs/common';
import type { Logger as PinoInstance } from 'pino';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { AuthnGuard } from './auth/authn.guard';
import { AllExceptionsFilter } from './common/filters/all-exceptions.filter';
import { SingleValueQueryPipe } from './common/pipes/single-value-query.pipe';
import { AppConfig } from './config/app-config';
import { KrishivConfigModule } from './config/config.module';
import { EngineModule } from './engine/engine.module';
import { GrpcModule } from './grpc/grpc.module';
import { HealthModule } from './health/health.module';
import { createRootLogger, loggerOptions } from './common/logger-options';
import { MetricsModule } from './metrics/metrics.module';
import { JobsModule } from './jobs/jobs.module';
import { MetadataModule } from './metadata/metadata.module';
import { PgwireModule } from './pgwire/pgwire.module';
import { QueryModule } from './query/query.module';
import { RolesGuard } from './roles/roles.guard';
import { StreamsModule } from './streams/streams.module';
import { UiModule } from './ui/ui.module';

@Module({})
export class AppModule {
  public static forRoot(
    config: AppConfig,
    rootLogger: PinoInstance = createRootLogger(config),
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        KrishivConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerOptions(rootLogger)),
        MetricsModule,
        GrpcModule,
        HealthModule,
        EngineModule,
        AuthModule,
        QueryModule,
        MetadataModule,
        AuditModule,
        JobsModule,
        StreamsModule,
        UiModule,
        PgwireModule,
      ],
      providers: [
        // One guard chain for REST and gRPC, in this order: who are you, then may you.
        { provide: APP_GUARD, useClass: AuthnGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_PIPE, useClass: SingleValueQueryPipe },
      ],
    };
  }
}
