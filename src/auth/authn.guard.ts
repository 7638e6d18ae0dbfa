import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { auditActionOf } from '../audit/audited.decorator';
import { AuthFailureThrottle } from './auth-failure-throttle';
import { AuthService } from './auth.service';
import { perHandler } from '../common/per-handler';
import { UnavailableError } from '../common/errors/coordinator.error';
import { LifecycleService } from '../health/lifecycle.service';
import { clientAddressOf } from './client-address';
import { PrincipalRateLimiter } from './principal-rate-limiter';
import { IS_PUBLIC_KEY } from './public.decorator';
import { requestFor } from './request-context';

/**
 * First of the one guard chain: every REST route and RPC needs a principal unless @Public(), and
 * none is served once shutdown has begun.
 */
@Injectable()
export class AuthnGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly throttle: AuthFailureThrottle,
    private readonly rateLimiter: PrincipalRateLimiter,
    private readonly lifecycle: LifecycleService,
  ) {}

  private readonly describe = perHandler((targets) => ({
    isPublic: this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets) === true,
    auditAction: auditActionOf(this.reflector, targets),
  }));

  public async canActivate(context: ExecutionContext): Promise<boolean> {
    const handler = this.describe(context);
    if (handler.isPublic) return true;
    // Once shutdown has begun, new API calls are refused (calls already running finish), so a
    // load balancer or client retries them elsewhere; probes and metrics are public and answer.
    if (this.lifecycle.draining) {
      throw new UnavailableError(
        'the coordinator is shutting down; retry against another instance or once it is back',
      );
    }
    const call = requestFor(context);
    // Named before authentication, so even a refused call is audited under its action.
    call.auditAction ??= handler.auditAction;
    if (call.principal) return true;
    // Abuse limits: a throttled address is refused before its token is looked at.
    call.principal = await this.throttle.authenticate(clientAddressOf(context), () =>
      this.auth.authenticate(call.headers.authorization),
    );
    this.rateLimiter.take(call.principal);
    return true;
  }
}
