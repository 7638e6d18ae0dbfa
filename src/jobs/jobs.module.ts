import { Module, OnModuleInit } from '@nestjs/common';
import { ExecutorsModule } from '../executors/executors.module';
import { ExecutorPool } from '../executors/executor-pool.service';
import { MetadataStore } from '../metadata/metadata.store';
import { MetricsService } from '../metrics/metrics.service';
import { JobRunner } from './job-runner.service';
import { JobsController } from './jobs.controller';
import { JobsGrpcController } from './jobs.grpc.controller';
import { JobsService } from './jobs.service';
import { SavepointsController } from './savepoints.controller';
import { ResultSpool } from './result-spool';
import { SavepointWriter } from './savepoint-writer';
import { SavepointsService } from './savepoints.service';
import { StreamingJobs } from './streaming-jobs.service';
import { StreamsModule } from '../streams/streams.module';

@Module({
  imports: [ExecutorsModule, StreamsModule],
  controllers: [JobsController, JobsGrpcController, SavepointsController],
  providers: [
    JobsService,
    JobRunner,
    ResultSpool,
    StreamingJobs,
    SavepointWriter,
    SavepointsService,
  ],
  exports: [JobsService, JobRunner],
})
export class JobsModule implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly store: MetadataStore,
    private readonly pool: ExecutorPool,
  ) {}

  public onModuleInit(): void {
    this.metrics.observeJobs({
      countJobsByState: () => this.store.countJobsByState(),
      slotTotals: () => this.pool.slotTotals(),
    });
  }
}
