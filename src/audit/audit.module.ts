import { Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditGrpcController } from './audit.grpc.controller';
import { AuditService } from './audit.service';

/** Global: the exception filter and every audited controller's interceptor record through it. */
@Global()
@Module({
  controllers: [AuditController, AuditGrpcController],
  providers: [AuditService],
  exports: [AuditService],
})
export class AuditModule {}
