import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class TriggerSavepointDto {
  @ApiPropertyOptional({ example: 'before-upgrade' }) label?: string;
  @ApiPropertyOptional({
    description: 'Stop the job (cancelled) right after the savepoint completes',
  })
  stop?: boolean;
  @ApiPropertyOptional({ description: 'Retries with the same requestId return the same savepoint' })
  requestId?: string;
}

export class SavepointDto {
  @ApiProperty() id!: string;
  @ApiProperty() jobId!: string;
  @ApiProperty({ enum: ['pending', 'completed', 'failed'] }) state!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ format: 'date-time' }) completedAt?: string;
  @ApiPropertyOptional() location?: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'number' },
    example: { clicks: 1200 },
  })
  offsets?: Record<string, number>;
  @ApiPropertyOptional() error?: string;
  @ApiPropertyOptional() label?: string;
}

export class SavepointListDto {
  @ApiProperty({ type: [SavepointDto] }) savepoints!: SavepointDto[];
}

export class RestoreDto {
  @ApiPropertyOptional({ description: 'Name of the new job' }) name?: string;
  @ApiPropertyOptional({ description: 'Sink of the new job (default: the original sink)' })
  sink?: string;
}
