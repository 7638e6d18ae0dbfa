import { applyDecorators, SetMetadata } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtension,
  ApiForbiddenResponse,
  ApiServiceUnavailableResponse,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorBodyDto } from '../common/error-body.dto';
import { Action, requiredRole } from '../access/permissions';

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
    ApiTooManyRequestsResponse({
      description:
        'Too many failed authentications from this address, or the principal is over its rate limit; `Retry-After` says when to retry',
      type: ErrorBodyDto,
    }),
    ApiServiceUnavailableResponse({
      description: 'The coordinator is shutting down; retry against another instance',
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
