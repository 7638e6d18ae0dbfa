import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class QueryRequestDto {
  @ApiProperty({
    example: 'SELECT 42 AS answer',
    description: "One or more statements; the last one's rows are returned",
  })
  sql!: string;

  @ApiPropertyOptional({
    minimum: 1,
    description: 'Rows to return at most (capped by KRISHIV_QUERY_MAX_ROWS)',
  })
  maxRows?: number;

  @ApiPropertyOptional({
    minimum: 1,
    description: 'Interrupt the query after this many ms (capped by KRISHIV_QUERY_TIMEOUT_MS)',
  })
  timeoutMs?: number;
}
