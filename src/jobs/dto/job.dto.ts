import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ResultColumnDto } from '../../query/dto/query-result.dto';

export class SubmitJobDto {
  @ApiProperty({ example: 'CREATE TABLE daily AS SELECT 1 AS d; SELECT * FROM daily' })
  sql!: string;

  @ApiPropertyOptional({ example: 'nightly-rollup' })
  name?: string;

  @ApiPropertyOptional({ enum: ['batch', 'streaming'], default: 'batch' })
  kind?: string;

  @ApiPropertyOptional({
    description: 'Streaming jobs: the new table the job writes',
    example: 'clicks_per_page',
  })
  sink?: string;

  @ApiPropertyOptional({
    minimum: 1,
    description: 'Fail the job if it runs longer (default KRISHIV_JOB_TIMEOUT_MS)',
  })
  timeoutMs?: number;
}

export class JobDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['batch', 'streaming'] }) kind!: string;
  @ApiProperty() sql!: string;
  @ApiProperty({ enum: ['queued', 'running', 'succeeded', 'failed', 'cancelled'] }) state!: string;
  @ApiProperty() submittedBy!: string;
  @ApiProperty({ format: 'date-time' }) submittedAt!: string;
  @ApiPropertyOptional({ format: 'date-time' }) startedAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) finishedAt?: string;
  @ApiPropertyOptional() executorId?: string;
  @ApiPropertyOptional() error?: string;
  @ApiPropertyOptional() rowCount?: number;
  @ApiPropertyOptional() cancelledBy?: string;
  @ApiPropertyOptional() timeoutMs?: number;
  @ApiPropertyOptional({ description: 'Streaming jobs: the table the job writes' }) sink?: string;
  @ApiPropertyOptional({ description: 'Streaming jobs: the committed stream offset' })
  offset?: number;
  @ApiPropertyOptional({ description: 'Streaming jobs: records behind the stream head' })
  lag?: number;
  @ApiPropertyOptional({ description: 'Streaming jobs: records folded so far' })
  recordsProcessed?: number;
  @ApiPropertyOptional({ format: 'date-time' }) lastBatchAt?: string;
}

export class JobListDto {
  @ApiProperty({ type: [JobDto] }) jobs!: JobDto[];
  @ApiPropertyOptional({ description: 'Pass as pageToken for the next (older) page' })
  nextPageToken?: string;
}

export class JobResultDto {
  @ApiProperty({ type: [ResultColumnDto] }) columns!: ResultColumnDto[];
  @ApiProperty({ type: 'array', items: { type: 'array', items: {} } }) rows!: unknown[][];
  @ApiProperty({ description: 'Rows in the whole result' }) totalRows!: number;
  @ApiProperty() offset!: number;
  @ApiPropertyOptional({ description: 'Offset of the next page; absent on the last page' })
  nextOffset?: number;
}
