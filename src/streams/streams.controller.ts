import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../access/principal';
import { ErrorBodyDto } from '../common/error-body.dto';
import { Permission } from '../roles/permission.decorator';
import { AppendOutcomeDto, CreateStreamDto, StreamDto, StreamListDto } from './dto/stream.dto';
import { AppendOutcome, StreamsService, StreamView } from './streams.service';
import { Audited } from '../audit/audited.decorator';

@ApiTags('streams')
@Controller('api/v1/streams')
export class StreamsController {
  constructor(private readonly streams: StreamsService) {}

  @Post()
  @Permission('streams:write')
  @Audited('streams:create')
  @ApiOperation({ summary: 'Create a stream: an append-only table whose records carry offsets' })
  @ApiCreatedResponse({ type: StreamDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'A stream or table of that name exists' })
  public create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateStreamDto,
  ): Promise<StreamView> {
    return this.streams.create(principal, body ?? {});
  }

  @Get()
  @Permission('streams:list')
  @ApiOperation({ summary: 'Streams with their schema, record count and last offset' })
  @ApiOkResponse({ type: StreamListDto })
  public async list(): Promise<{ streams: StreamView[] }> {
    return { streams: await this.streams.list() };
  }

  @Get(':name')
  @Permission('streams:list')
  @ApiOperation({ summary: 'One stream' })
  @ApiOkResponse({ type: StreamDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  public get(@Param('name') name: string): Promise<StreamView> {
    return this.streams.get(name);
  }

  @Post(':name/records')
  @HttpCode(200)
  @Permission('streams:write')
  @Audited('streams:append')
  @ApiOperation({
    summary: 'Append records atomically with consecutive offsets',
    description:
      'A JSON array of records, or NDJSON (application/x-ndjson). Every record is checked against the schema; ' +
      'one bad field rejects the whole batch and the error names the record index and field. Send BIGINT ' +
      'beyond 2^53 and DECIMAL values as strings to keep them exact.',
  })
  @ApiConsumes('application/json', 'application/x-ndjson')
  @ApiBody({
    schema: {
      type: 'array',
      items: { type: 'object' },
      example: [{ page: '/home', amount: '12.50' }],
    },
  })
  @ApiOkResponse({ type: AppendOutcomeDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  public append(@Param('name') name: string, @Body() records: unknown): Promise<AppendOutcome> {
    return this.streams.append(name, records);
  }
}
