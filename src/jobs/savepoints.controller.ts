import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../access/principal';
import { ErrorBodyDto } from '../common/error-body.dto';
import { Permission } from '../roles/permission.decorator';
import { JobDto } from './dto/job.dto';
import {
  RestoreDto,
  SavepointDto,
  SavepointListDto,
  TriggerSavepointDto,
} from './dto/savepoint.dto';
import { JobView } from './jobs.service';
import { SavepointsService, SavepointView } from './savepoints.service';
import { Audited } from '../audit/audited.decorator';

@ApiTags('savepoints')
@Controller('api/v1')
export class SavepointsController {
  constructor(private readonly savepoints: SavepointsService) {}

  @Post('jobs/:id/savepoints')
  @HttpCode(202)
  @Permission('jobs:savepoint')
  @Audited('jobs:savepoint')
  @ApiOperation({ summary: 'Take a savepoint of a running streaming job; poll it until completed' })
  @ApiAcceptedResponse({ type: SavepointDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  @ApiConflictResponse({
    type: ErrorBodyDto,
    description: 'A batch job, or a job that is not running',
  })
  public trigger(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: TriggerSavepointDto,
  ): Promise<SavepointView> {
    return this.savepoints.trigger(principal, id, body ?? {});
  }

  @Get('jobs/:id/savepoints')
  @Permission('jobs:read')
  @ApiOperation({ summary: "A job's savepoints, newest first" })
  @ApiOkResponse({ type: SavepointListDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  public async list(@Param('id') id: string): Promise<{ savepoints: SavepointView[] }> {
    return { savepoints: await this.savepoints.list(id) };
  }

  @Get('savepoints/:id')
  @Permission('jobs:read')
  @ApiOperation({ summary: 'One savepoint' })
  @ApiOkResponse({ type: SavepointDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  public get(@Param('id') id: string): Promise<SavepointView> {
    return this.savepoints.get(id);
  }

  @Delete('savepoints/:id')
  @Permission('jobs:savepoint')
  @Audited('savepoints:delete')
  @ApiOperation({ summary: 'Delete a completed or failed savepoint and its files' })
  @ApiOkResponse({ type: SavepointDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'Still being taken' })
  public delete(@Param('id') id: string): Promise<SavepointView> {
    return this.savepoints.delete(id);
  }

  @Post('savepoints/:id/restore')
  @HttpCode(202)
  @Permission('jobs:restore')
  @Audited('jobs:restore')
  @ApiOperation({
    summary: 'Start a new streaming job from a savepoint',
    description:
      'Verifies the manifest and every checksum, loads the state into the sink and starts from the saved offsets.',
  })
  @ApiAcceptedResponse({ type: JobDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  @ApiConflictResponse({
    type: ErrorBodyDto,
    description: 'Missing or corrupted savepoint, or the sink is in use',
  })
  public restore(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: RestoreDto,
  ): Promise<JobView> {
    return this.savepoints.restore(principal, id, body ?? {});
  }
}
