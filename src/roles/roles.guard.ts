import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthService } from '../auth/auth.service';
import { IS_PUBLIC_KEY } from '../auth/public.decorator';
import { requestFor } from '../auth/request-context';
import { PermissionDeniedError, UnauthenticatedError } from '../common/errors/coordinator.error';
import { perHandler } from '../common/per-handler';
import { PERMISSION_KEY } from './permission.decorator';
import { Action } from '../access/permissions';

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

  private readonly describe = perHandler((targets) => ({
    isPublic: this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets) === true,
    action: this.reflector.getAllAndOverride<Action | undefined>(PERMISSION_KEY, targets),
  }));

  public canActivate(context: ExecutionContext): boolean {
    const { isPublic, action } = this.describe(context);
    if (isPublic) return true;
    const principal = requestFor(context).principal;
    if (!principal) throw new UnauthenticatedError('not authenticated');
    if (!action) throw new PermissionDeniedError('this operation declares no permission', 'admin');
    this.auth.authorize(principal, action);
    return true;
  }
}
