import { Controller, UseInterceptors } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { GrpcMetricsInterceptor } from '../metrics/grpc-metrics.interceptor';
import { MalformedRequestInterceptor } from '../grpc/malformed-request.interceptor';
import { Permission } from '../roles/permission.decorator';
import type { CanIRequest__Output } from '../grpc/generated/krishiv/coordinator/v1/CanIRequest';
import type { CanIResponse } from '../grpc/generated/krishiv/coordinator/v1/CanIResponse';
import type { WhoAmIResponse } from '../grpc/generated/krishiv/coordinator/v1/WhoAmIResponse';
import { AuthService } from './auth.service';
import { CurrentPrincipal } from './current-principal.decorator';
import type { Principal } from '../access/principal';

@Controller()
@UseInterceptors(MalformedRequestInterceptor, GrpcMetricsInterceptor)
export class AuthGrpcController {
  constructor(private readonly auth: AuthService) {}

  @GrpcMethod('AuthService', 'WhoAmI')
  @Permission('auth:whoami')
  public whoAmI(@CurrentPrincipal() principal: Principal): WhoAmIResponse {
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
    @Payload() request: CanIRequest__Output,
    @CurrentPrincipal() principal: Principal,
  ): CanIResponse {
    return this.auth.canI(principal, request.action);
  }
}
