import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { auditActionOf } from '../audit/audited.decorator';
import { AuthFailureThrottle } from './auth-failure-throttle';
import { AuthService } from './auth.service';
import { clientAddressOf } from './client-address';
import { PrincipalRateLimiter } from './principal-rate-limiter';
import { IS_PUBLIC_KEY } from './public.decorator';
import { requestFor } from './request-context';

/** First of the one guard chain: every REST route and RPC needs a principal unless @Public(). */
@Injectable()
export class AuthnGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly throttle: AuthFailureThrottle,
    private readonly rateLimiter: PrincipalRateLimiter,
  ) {}

  public async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;
    const call = requestFor(context);
    // Named before authentication, so even a refused call is audited under its action.
    call.auditAction ??= auditActionOf(this.reflector, targets);
    if (call.principal) return true;
    // Abuse limits: a throttled address is refused before its token is looked at.
    call.principal = await this.throttle.authenticate(clientAddressOf(context), () =>
      this.auth.authenticate(call.headers.authorization),
    );
    this.rateLimiter.take(call.principal);
    return true;
  }
}
