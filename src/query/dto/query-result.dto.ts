import { ApiProperty } from '@nestjs/swagger';

export class ResultColumnDto {
  @ApiProperty({ example: 'answer' })
  name!: string;

  @ApiProperty({ example: 'INTEGER', description: 'The engine type of the column' })
  type!: string;
}

export class QueryResultDto {
  @ApiProperty({ type: [ResultColumnDto] })
  columns!: ResultColumnDto[];

  @ApiProperty({
    type: 'array',
    items: { type: 'array', items: {} },
    example: [[42]],
    description:
      'Values by column type: BIGINT/HUGEINT/DECIMAL as exact strings, dates as ISO 8601, BLOB as base64, nested types as JSON',
  })
  rows!: unknown[][];

  @ApiProperty({ example: 1 })
  rowCount!: number;

  @ApiProperty({ description: 'True when more rows existed than maxRows allowed' })
  truncated!: boolean;

  @ApiProperty({ example: 1.25 })
  elapsedMs!: number;
}
