import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { InvalidArgumentError } from '../common/errors/coordinator.error';
import { MalformedRequest } from './malformed-request';

/**
 * Refuses a gRPC call whose request bytes did not decode (see MalformedRequest). Runs after the
 * guards, so an unauthenticated caller learns nothing about how its bytes were read. Applied to
 * the gRPC controllers only: a global interceptor would put every HTTP request through an rxjs
 * pipeline for nothing.
 */
@Injectable()
export class MalformedRequestInterceptor implements NestInterceptor {
  public intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'rpc') {
      const request: unknown = context.switchToRpc().getData();
      if (request instanceof MalformedRequest) throw new InvalidArgumentError(request.message);
    }
    return next.handle();
  }
}
