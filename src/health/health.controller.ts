import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuthService } from '../auth/auth.service';
import { Public } from '../auth/public.decorator';
import { EngineService } from '../engine/engine.service';
import { LifecycleService } from './lifecycle.service';

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    private readonly engine: EngineService,
    private readonly auth: AuthService,
    private readonly lifecycle: LifecycleService,
  ) {}

  @Public()
  @Get('healthz')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  public healthz() {
    return { status: 'ok' };
  }

  @Public()
  @Get('readyz')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Readiness: engine open, identity provider keys fetched, not shutting down',
  })
  @ApiOkResponse({
    schema: {
      example: { status: 'ready', checks: { engine: 'ok', oidcKeys: 'ok', lifecycle: 'ok' } },
    },
  })
  @ApiServiceUnavailableResponse({ description: 'Not ready; `checks` says which part is not' })
  public readyz(@Res({ passthrough: true }) reply: FastifyReply) {
    const checks = {
      engine: this.engine.ready ? 'ok' : 'not open',
      oidcKeys: this.auth.ready ? 'ok' : 'not fetched yet',
      lifecycle: this.lifecycle.draining
        ? 'shutting down'
        : this.lifecycle.started
          ? 'ok'
          : 'starting',
    };
    const ready = Object.values(checks).every((c) => c === 'ok');
    if (!ready) reply.status(503);
    return { status: ready ? 'ready' : 'not ready', checks };
  }
}
