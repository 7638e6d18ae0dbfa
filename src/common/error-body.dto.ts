import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ErrorBodyDto {
  @ApiProperty({ example: 403 })
  statusCode!: number;

  @ApiProperty({ example: 'Forbidden' })
  error!: string;

  @ApiProperty({ example: 'query:write needs role writer; you have reader' })
  message!: string;

  @ApiPropertyOptional({ enum: ['reader', 'writer', 'admin'] })
  requiredRole?: string;

  @ApiPropertyOptional({
    description: 'Opaque id of a 5xx; the server log line carries the same id',
  })
  reference?: string;
}
