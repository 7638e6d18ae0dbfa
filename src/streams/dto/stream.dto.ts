import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ResultColumnDto } from '../../query/dto/query-result.dto';

export class CreateStreamDto {
  @ApiProperty({ example: 'clicks' })
  name!: string;

  @ApiProperty({
    type: [ResultColumnDto],
    example: [
      { name: 'ts', type: 'TIMESTAMP' },
      { name: 'page', type: 'VARCHAR' },
      { name: 'amount', type: 'DECIMAL(12,2)' },
    ],
    description:
      'Types: BOOLEAN, TINYINT, SMALLINT, INTEGER, BIGINT, FLOAT, DOUBLE, DECIMAL(p,s), VARCHAR, DATE, TIMESTAMP, TIMESTAMPTZ',
  })
  columns!: ResultColumnDto[];
}

export class StreamDto {
  @ApiProperty() name!: string;
  @ApiProperty({ type: [ResultColumnDto] }) columns!: ResultColumnDto[];
  @ApiProperty() recordCount!: number;
  @ApiProperty({ description: 'Offsets start at 1 and are consecutive; 0 while empty' })
  lastOffset!: number;
  @ApiProperty() createdBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class StreamListDto {
  @ApiProperty({ type: [StreamDto] }) streams!: StreamDto[];
}

export class AppendOutcomeDto {
  @ApiProperty() stream!: string;
  @ApiProperty() appended!: number;
  @ApiProperty() firstOffset!: number;
  @ApiProperty() lastOffset!: number;
}

export class AppendRecordsDto {
  @ApiPropertyOptional({
    description: 'A JSON array of records; or send application/x-ndjson, one per line',
  })
  records?: unknown[];
}
