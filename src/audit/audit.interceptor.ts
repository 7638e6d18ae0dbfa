import {
  CallHandler,
  ExecutionContext,
  HttpException,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable, tap } from 'rxjs';
import { CoordinatorError } from '../common/errors/coordinator.error';
import { callFields, requestFields } from './audit-context';
import { AuditService } from './audit.service';
import { AUDITED_KEY, AUDITED_OPERATIONS, AuditedOperation } from './audited-operations';

/**
 * Records each management call the guards let through, exactly once: when the handler answers,
 * or when it fails (then with the failure as the reason, e.g. an unknown job).
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
  ) {}

  public intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const operation = this.reflector.get<AuditedOperation | undefined>(
      AUDITED_KEY,
      context.getHandler(),
    );
    if (!operation) return next.handle();
    const input = requestFields(context);
    const record = (result: unknown, reason?: string) => {
      const output =
        typeof result === 'object' && result !== null ? (result as Record<string, unknown>) : {};
      this.audit.record({
        ...callFields(context),
        action: operation,
        decision: 'allow',
        resource: AUDITED_OPERATIONS[operation](input, output),
        reason,
      });
    };
    return next.handle().pipe(
      tap({
        next: (result) => record(result),
        error: (err: unknown) => record(undefined, `failed: ${failure(err)}`),
      }),
    );
  }
}

function failure(err: unknown): string {
  if (err instanceof CoordinatorError) return `${err.httpStatus} ${err.message}`;
  if (err instanceof HttpException) return `${err.getStatus()} ${err.message}`;
  return 'internal error';
}
