import { Global, Module } from '@nestjs/common';
import { EngineService } from './engine.service';
import { SqlRunner } from './sql-runner';

@Global()
@Module({
  providers: [EngineService, SqlRunner],
  exports: [EngineService, SqlRunner],
})
export class EngineModule {}
