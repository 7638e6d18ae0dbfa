import { Module } from '@nestjs/common';
import { ExecutorPool } from './executor-pool.service';
import { ExecutorsController } from './executors.controller';
import { ExecutorsGrpcController } from './executors.grpc.controller';

@Module({
  controllers: [ExecutorsController, ExecutorsGrpcController],
  providers: [ExecutorPool],
  exports: [ExecutorPool],
})
export class ExecutorsModule {}
