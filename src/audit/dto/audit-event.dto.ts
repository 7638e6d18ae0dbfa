import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AUDIT_DECISIONS, AUDIT_TRANSPORTS } from '../../metadata/schema';

export class AuditEventDto {
  @ApiProperty({ description: 'Increases with every event; newer events have larger ids' })
  id!: string;
  @ApiProperty({ description: 'RFC 3339' }) at!: string;
  @ApiProperty({ nullable: true, type: String }) requestId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Null when not authenticated' })
  subject!: string | null;
  @ApiProperty({ nullable: true, type: String }) role!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'oidc, service-token, ui-token or anonymous',
  })
  authMethod!: string | null;
  @ApiProperty({
    description:
      'A management operation (jobs:submit, jobs:cancel, jobs:savepoint, savepoints:delete, jobs:restore, ' +
      'executors:drain, executors:resume, executors:remove, streams:create, streams:append) or, for a ' +
      'denial of anything else, the permission-table action',
  })
  action!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'job:<id>, savepoint:<id>, executor:<id> or stream:<name>',
  })
  resource!: string | null;
  @ApiProperty({ enum: AUDIT_DECISIONS }) decision!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Why a request was refused, or how an allowed one failed',
  })
  reason!: string | null;
  @ApiProperty({ nullable: true, type: String }) clientAddress!: string | null;
  @ApiProperty({ enum: AUDIT_TRANSPORTS }) transport!: string;
}

export class AuditEventListDto {
  @ApiProperty({ type: [AuditEventDto] }) events!: AuditEventDto[];
  @ApiPropertyOptional({ description: 'Pass as pageToken for the next (older) page' })
  nextPageToken?: string;
}
