import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorBodyDto } from '../common/error-body.dto';
import { Permission } from '../roles/permission.decorator';
import { ACTIONS } from '../access/permissions';
import { CanIAnswer, AuthService } from './auth.service';
import { CurrentPrincipal } from './current-principal.decorator';
import { CanIDto, WhoAmIDto } from './dto/whoami.dto';
import type { Principal } from '../access/principal';

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Get('whoami')
  @Permission('auth:whoami')
  @ApiOperation({ summary: 'The caller as the coordinator sees it: subject, role, method, expiry' })
  @ApiOkResponse({ type: WhoAmIDto })
  public whoami(@CurrentPrincipal() principal: Principal): Principal {
    return principal;
  }

  @Get('can-i')
  @Permission('auth:can-i')
  @ApiOperation({
    summary: 'Whether the caller may perform an action of the permission table, and why',
  })
  @ApiQuery({ name: 'action', enum: ACTIONS })
  @ApiOkResponse({ type: CanIDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Unknown or missing action' })
  public canI(
    @CurrentPrincipal() principal: Principal,
    @Query('action') action?: string,
  ): CanIAnswer {
    return this.auth.canI(principal, action);
  }
}
