import { Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
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
import { ExecutorDto, ExecutorListDto } from './dto/executor.dto';
import { ExecutorPool, ExecutorView } from './executor-pool.service';
import { Audited } from '../audit/audited.decorator';

@ApiTags('executors')
@Controller('api/v1/executors')
export class ExecutorsController {
  constructor(private readonly pool: ExecutorPool) {}

  @Get()
  @Permission('executors:list')
  @ApiOperation({ summary: 'Executors with their state, slots and running jobs' })
  @ApiOkResponse({ type: ExecutorListDto })
  public list(): { executors: ExecutorView[] } {
    return { executors: this.pool.list() };
  }

  @Get(':id')
  @Permission('executors:list')
  @ApiOperation({ summary: 'One executor' })
  @ApiOkResponse({ type: ExecutorDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  public get(@Param('id') id: string): ExecutorView {
    return this.pool.get(id);
  }

  @Post(':id/drain')
  @HttpCode(200)
  @Permission('executors:manage')
  @Audited('executors:drain')
  @ApiOperation({ summary: 'Take no new jobs; finish the running ones, then become drained' })
  @ApiOkResponse({ type: ExecutorDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'The executor was removed' })
  public drain(@Param('id') id: string): Promise<ExecutorView> {
    return this.pool.drain(id);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @Permission('executors:manage')
  @Audited('executors:resume')
  @ApiOperation({ summary: 'Take jobs again after a drain' })
  @ApiOkResponse({ type: ExecutorDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'The executor was removed' })
  public resume(@Param('id') id: string): Promise<ExecutorView> {
    return this.pool.resume(id);
  }

  @Delete(':id')
  @Permission('executors:manage')
  @Audited('executors:remove')
  @ApiOperation({ summary: 'Retire the executor; its running jobs fail, naming the removal' })
  @ApiOkResponse({ type: ExecutorDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'The executor was already removed' })
  public remove(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<ExecutorView> {
    return this.pool.remove(id, principal.subject);
  }
}
