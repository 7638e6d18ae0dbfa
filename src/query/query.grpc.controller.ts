import { Controller } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Permission } from '../roles/permission.decorator';
import { QueryRequest, QueryService } from './query.service';
import { toWireResult, WireQueryResult } from './result-encoding';

@Controller()
export class QueryGrpcController {
  constructor(private readonly queries: QueryService) {}

  @GrpcMethod('QueryService', 'ExecuteQuery')
  @Permission('query:read')
  public async executeQuery(
    @Payload() request: QueryRequest,
    @CurrentPrincipal() principal: Principal,
  ): Promise<WireQueryResult> {
    return toWireResult(await this.queries.execute(principal, request));
  }
}
