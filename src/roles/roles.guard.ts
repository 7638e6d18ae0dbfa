import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthService } from '../auth/auth.service';
import { IS_PUBLIC_KEY } from '../auth/public.decorator';
import { requestFor } from '../auth/request-context';
import { PermissionDeniedError, UnauthenticatedError } from '../common/errors/coordinator.error';
import { PERMISSION_KEY } from './permission.decorator';
import { Action } from './permissions';

/**
 * Second of the guard chain. Decides from the permission table before any handler runs, so a
 * caller without the role never learns whether a resource exists. A protected handler that
 * declares no action is refused: deny by default.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  public canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;
    const principal = requestFor(context).principal;
    if (!principal) throw new UnauthenticatedError('not authenticated');
    const action = this.reflector.getAllAndOverride<Action | undefined>(PERMISSION_KEY, targets);
    if (!action) throw new PermissionDeniedError('this operation declares no permission', 'admin');
    this.auth.authorize(principal, action);
    return true;
  }
}
