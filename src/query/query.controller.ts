import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiGatewayTimeoutResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../access/principal';
import { ErrorBodyDto } from '../common/error-body.dto';
import { Permission } from '../roles/permission.decorator';
import { QueryRequestDto } from './dto/query-request.dto';
import { QueryResultDto } from './dto/query-result.dto';
import { QueryService } from './query.service';
import type { ResultColumn } from '../engine/result-set';
import { csvHeader, csvLines, RestQueryResult, toRestResult } from './result-encoding';

@ApiTags('query')
@Controller('api/v1/query')
export class QueryController {
  constructor(private readonly queries: QueryService) {}

  @Post()
  @HttpCode(200)
  @Permission('query:read')
  @ApiOperation({
    summary: 'Run SQL on the embedded engine',
    description:
      'Reading statements need reader; statements that change data or schema need writer (the highest role any statement needs). ' +
      'ATTACH, INSTALL/LOAD, SET, PRAGMA and file access outside the data dir are refused for everyone.',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: QueryResultDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Malformed request or SQL error' })
  @ApiGatewayTimeoutResponse({ type: ErrorBodyDto, description: 'The query exceeded timeoutMs' })
  public async execute(
    @CurrentPrincipal() principal: Principal,
    @Body() body: QueryRequestDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RestQueryResult | string> {
    const request = body ?? ({} as QueryRequestDto);
    if (accept?.includes('text/csv')) {
      // Each engine chunk becomes CSV text as it is read; only the text is kept.
      const parts: string[] = [];
      let columns: ResultColumn[] = [];
      const totals = await this.queries.stream(principal, request, {
        columns: async (names) => {
          columns = names;
          parts.push(csvHeader(names));
        },
        rows: async (rows) => {
          parts.push(csvLines(rows, columns));
        },
      });
      reply.header('Content-Type', 'text/csv; charset=utf-8');
      reply.header('X-Krishiv-Truncated', String(totals.truncated));
      return parts.join('');
    }
    return toRestResult(await this.queries.execute(principal, request));
  }
}
