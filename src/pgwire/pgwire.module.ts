import { Module } from '@nestjs/common';
import { EngineModule } from '../engine/engine.module';
import { PgAuthEvents } from './pg-auth-events';
import { PgCatalogService } from './pg-catalog.service';
import { PgQueryService } from './pg-query.service';
import { PgwireServer } from './pgwire.server';

@Module({
  imports: [EngineModule],
  providers: [PgwireServer, PgQueryService, PgCatalogService, PgAuthEvents],
})
export class PgwireModule {}
