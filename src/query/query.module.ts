import { Module } from '@nestjs/common';
import { EngineModule } from '../engine/engine.module';
import { QueryController } from './query.controller';
import { QueryGrpcController } from './query.grpc.controller';
import { QueryService } from './query.service';

@Module({
  imports: [EngineModule],
  controllers: [QueryController, QueryGrpcController],
  providers: [QueryService],
  exports: [QueryService],
})
export class QueryModule {}
