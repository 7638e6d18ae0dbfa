import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { auditActionOf } from '../audit/audited.decorator';
import { AuthService } from './auth.service';
import { IS_PUBLIC_KEY } from './public.decorator';
import { requestFor } from './request-context';

/** First of the one guard chain: every REST route and RPC needs a principal unless @Public(). */
@Injectable()
export class AuthnGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  public async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;
    const call = requestFor(context);
    // Named before authentication, so even a refused call is audited under its action.
    call.auditAction ??= auditActionOf(this.reflector, targets);
    call.principal ??= await this.auth.authenticate(call.headers.authorization);
    return true;
  }
}
