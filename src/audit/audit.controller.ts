import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorBodyDto } from '../common/error-body.dto';
import { AUDIT_DECISIONS, AUDIT_TRANSPORTS } from '../metadata/schema';
import { Permission } from '../roles/permission.decorator';
import { AuditEventView, AuditService, ListAuditRequest } from './audit.service';
import { AuditEventListDto } from './dto/audit-event.dto';

@ApiTags('audit')
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Permission('audit:read')
  @ApiOperation({
    summary: 'Audit events, newest first: management actions and refused requests',
    description: `Kept for KRISHIV_AUDIT_RETENTION_DAYS. Never contains a token.`,
  })
  @ApiQuery({ name: 'subject', required: false })
  @ApiQuery({ name: 'action', required: false, example: 'jobs:cancel' })
  @ApiQuery({ name: 'decision', enum: AUDIT_DECISIONS, required: false })
  @ApiQuery({ name: 'transport', enum: AUDIT_TRANSPORTS, required: false })
  @ApiQuery({ name: 'since', required: false, description: 'RFC 3339, inclusive' })
  @ApiQuery({ name: 'until', required: false, description: 'RFC 3339, exclusive' })
  @ApiQuery({ name: 'pageSize', required: false, description: 'Default 50, at most 500' })
  @ApiQuery({ name: 'pageToken', required: false })
  @ApiOkResponse({ type: AuditEventListDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  public list(
    @Query() query: ListAuditRequest,
  ): Promise<{ events: AuditEventView[]; nextPageToken?: string }> {
    return this.audit.list(query ?? {});
  }
}
