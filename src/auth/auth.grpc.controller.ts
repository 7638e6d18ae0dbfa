import { Controller } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { Permission } from '../roles/permission.decorator';
import { AuthService, CanIAnswer } from './auth.service';
import { CurrentPrincipal } from './current-principal.decorator';
import type { Principal } from './principal';

@Controller()
export class AuthGrpcController {
  constructor(private readonly auth: AuthService) {}

  @GrpcMethod('AuthService', 'WhoAmI')
  @Permission('auth:whoami')
  public whoAmI(@CurrentPrincipal() principal: Principal) {
    return {
      subject: principal.subject,
      role: principal.role ?? '',
      method: principal.method,
      issuer: principal.issuer ?? '',
      expiresAt: principal.expiresAt ?? '',
    };
  }

  @GrpcMethod('AuthService', 'CanI')
  @Permission('auth:can-i')
  public canI(
    @Payload() request: { action?: string },
    @CurrentPrincipal() principal: Principal,
  ): CanIAnswer {
    return this.auth.canI(principal, request.action);
  }
}
