import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PERMISSION_KEY } from '../roles/permission.decorator';
import { AuditInterceptor } from './audit.interceptor';
import { AUDITED_KEY, AuditedOperation } from './audited-operations';

/**
 * Marks a management handler: every call the guards let through is recorded once, as allowed,
 * with what it touched and how it ended. Read handlers carry no interceptor at all.
 */
export function Audited(operation: AuditedOperation) {
  return applyDecorators(SetMetadata(AUDITED_KEY, operation), UseInterceptors(AuditInterceptor));
}

/** The action a handler is audited under: its management operation, else its permission. */
export function auditActionOf(
  reflector: Reflector,
  targets: Parameters<Reflector['getAllAndOverride']>[1],
): string | undefined {
  return (
    reflector.getAllAndOverride<string | undefined>(AUDITED_KEY, targets) ??
    reflector.getAllAndOverride<string | undefined>(PERMISSION_KEY, targets)
  );
}
