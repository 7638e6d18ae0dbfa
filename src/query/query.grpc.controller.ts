import { Controller, UseInterceptors } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { GrpcMetricsInterceptor } from '../metrics/grpc-metrics.interceptor';
import { Permission } from '../roles/permission.decorator';
import type { ExecuteQueryRequest__Output } from '../grpc/generated/krishiv/coordinator/v1/ExecuteQueryRequest';
import type { ExecuteQueryResponse } from '../grpc/generated/krishiv/coordinator/v1/ExecuteQueryResponse';
import { QueryService } from './query.service';
import { toWireResult } from './result-encoding';

@Controller()
@UseInterceptors(GrpcMetricsInterceptor)
export class QueryGrpcController {
  constructor(private readonly queries: QueryService) {}

  @GrpcMethod('QueryService', 'ExecuteQuery')
  @Permission('query:read')
  public async executeQuery(
    @Payload() request: ExecuteQueryRequest__Output,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ExecuteQueryResponse> {
    return toWireResult(await this.queries.execute(principal, request));
  }
}
