import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../access/principal';
import { ErrorBodyDto } from '../common/error-body.dto';
import { JOB_KINDS, JOB_STATES } from '../metadata/schema';
import { toCsv, toRestResult } from '../query/result-encoding';
import { Permission } from '../roles/permission.decorator';
import { JobDto, JobListDto, JobResultDto, SubmitJobDto } from './dto/job.dto';
import { JobsService, JobView, ListJobsRequest } from './jobs.service';
import { Audited } from '../audit/audited.decorator';

@ApiTags('jobs')
@Controller('api/v1/jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Post()
  @HttpCode(202)
  @Permission('jobs:submit')
  @Audited('jobs:submit')
  @ApiOperation({
    summary: 'Submit a batch job; answers at once with the queued job',
    description:
      'The SQL is checked like a query (it must parse, and the submitter must be allowed every statement). ' +
      'A retry with the same Idempotency-Key returns the same job.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Makes a retried submit return the same job',
  })
  @ApiAcceptedResponse({ type: JobDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiConflictResponse({
    type: ErrorBodyDto,
    description: 'Idempotency-Key reused for a different request',
  })
  public async submit(
    @CurrentPrincipal() principal: Principal,
    @Body() body: SubmitJobDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<JobView> {
    const { job, replayed } = await this.jobs.submit(principal, body ?? {}, idempotencyKey);
    reply.header('Location', `/api/v1/jobs/${job.id}`);
    if (replayed) reply.header('Idempotent-Replayed', 'true');
    return job;
  }

  @Get()
  @Permission('jobs:list')
  @ApiOperation({ summary: 'Jobs, newest first, with filters and pages' })
  @ApiQuery({ name: 'state', enum: JOB_STATES, required: false })
  @ApiQuery({ name: 'kind', enum: JOB_KINDS, required: false })
  @ApiQuery({ name: 'submittedBy', required: false })
  @ApiQuery({ name: 'pageSize', required: false, description: 'Default 50, at most 500' })
  @ApiQuery({ name: 'pageToken', required: false })
  @ApiOkResponse({ type: JobListDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  public list(@Query() query: ListJobsRequest) {
    return this.jobs.list(query);
  }

  @Get(':id')
  @Permission('jobs:read')
  @ApiOperation({ summary: 'One job' })
  @ApiOkResponse({ type: JobDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  public get(@Param('id') id: string): Promise<JobView> {
    return this.jobs.get(id);
  }

  @Get(':id/result')
  @Permission('jobs:read')
  @ApiOperation({ summary: "A page of a succeeded job's result; read it as often as needed" })
  @ApiQuery({ name: 'offset', required: false })
  @ApiQuery({ name: 'limit', required: false, description: 'Default 1000, at most 10000' })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: JobResultDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'The job has not succeeded' })
  public async result(
    @Param('id') id: string,
    @Query('offset') offset: string | undefined,
    @Query('limit') limit: string | undefined,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const page = await this.jobs.result(id, offset, limit);
    reply.header('X-Krishiv-Total-Rows', String(page.totalRows));
    if (accept?.includes('text/csv')) {
      reply.header('Content-Type', 'text/csv; charset=utf-8');
      if (page.nextOffset !== undefined)
        reply.header('X-Krishiv-Next-Offset', String(page.nextOffset));
      return toCsv(page.result);
    }
    const { columns, rows } = toRestResult(page.result);
    return {
      columns,
      rows,
      totalRows: page.totalRows,
      offset: page.offset,
      nextOffset: page.nextOffset,
    };
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Permission('jobs:cancel')
  @Audited('jobs:cancel')
  @ApiOperation({ summary: 'Cancel a queued or running job' })
  @ApiOkResponse({ type: JobDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'The job already finished' })
  public cancel(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<JobView> {
    return this.jobs.cancel(principal, id);
  }
}
