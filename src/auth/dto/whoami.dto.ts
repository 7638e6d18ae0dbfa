import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class WhoAmIDto {
  @ApiProperty({ example: 'analyst@example.com' })
  subject!: string;

  @ApiProperty({
    enum: ['reader', 'writer', 'admin'],
    nullable: true,
    description: 'null: no recognised role',
  })
  role!: string | null;

  @ApiProperty({ enum: ['oidc', 'service-token', 'ui-token', 'anonymous'] })
  method!: string;

  @ApiPropertyOptional({ example: 'https://auth.example.com/' })
  issuer?: string;

  @ApiPropertyOptional({ example: '2026-11-28T12:00:00.000Z' })
  expiresAt?: string;
}

export class CanIDto {
  @ApiProperty({ example: 'jobs:cancel' })
  action!: string;

  @ApiProperty()
  allowed!: boolean;

  @ApiProperty({ example: 'admin', description: 'Empty when any authenticated caller may' })
  requiredRole!: string;

  @ApiProperty({ example: 'writer', description: 'Empty when the caller has no role' })
  role!: string;

  @ApiProperty({ example: 'jobs:cancel needs role admin; you have writer' })
  reason!: string;
}
