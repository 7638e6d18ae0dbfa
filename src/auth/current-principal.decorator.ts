import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Principal } from '../access/principal';
import { requestFor } from './request-context';

export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = requestFor(context).principal;
    if (!principal) throw new Error('CurrentPrincipal used on a route without authentication');
    return principal;
  },
);
