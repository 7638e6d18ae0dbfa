import { applyDecorators, SetMetadata } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtension,
  ApiForbiddenResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorBodyDto } from '../common/error-body.dto';
import { Action, requiredRole } from './permissions';

export const PERMISSION_KEY = 'krishiv:permission';

/**
 * Declares which action of the permission table a handler performs. The roles guard, the
 * OpenAPI `x-required-role` and the permission tests all derive the minimum role from it.
 */
export function Permission(action: Action) {
  const role = requiredRole(action);
  const decorators = [
    SetMetadata(PERMISSION_KEY, action),
    ApiBearerAuth(),
    ApiExtension('x-required-role', role ?? 'authenticated'),
    ApiExtension('x-krishiv-action', action),
    ApiUnauthorizedResponse({
      description: 'No, invalid or expired bearer token',
      type: ErrorBodyDto,
    }),
  ];
  if (role) {
    decorators.push(
      ApiForbiddenResponse({
        description: `The caller's role is below ${role} (or missing)`,
        type: ErrorBodyDto,
      }),
    );
  }
  return applyDecorators(...decorators);
}
