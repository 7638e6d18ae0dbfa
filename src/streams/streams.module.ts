import { Module } from '@nestjs/common';
import { StreamsController } from './streams.controller';
import { StreamsGrpcController } from './streams.grpc.controller';
import { StreamsService } from './streams.service';

@Module({
  controllers: [StreamsController, StreamsGrpcController],
  providers: [StreamsService],
  exports: [StreamsService],
})
export class StreamsModule {}
