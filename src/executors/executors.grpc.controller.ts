import { Controller, UseInterceptors } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../access/principal';
import type { ExecutorRequest__Output } from '../grpc/generated/krishiv/coordinator/v1/ExecutorRequest';
import type { ListExecutorsResponse } from '../grpc/generated/krishiv/coordinator/v1/ListExecutorsResponse';
import { GrpcMetricsInterceptor } from '../metrics/grpc-metrics.interceptor';
import { MalformedRequestInterceptor } from '../grpc/malformed-request.interceptor';
import { Permission } from '../roles/permission.decorator';
import { ExecutorPool, ExecutorView } from './executor-pool.service';
import { Audited } from '../audit/audited.decorator';

@Controller()
@UseInterceptors(MalformedRequestInterceptor, GrpcMetricsInterceptor)
export class ExecutorsGrpcController {
  constructor(private readonly pool: ExecutorPool) {}

  @GrpcMethod('ExecutorService', 'ListExecutors')
  @Permission('executors:list')
  public listExecutors(): ListExecutorsResponse {
    return { executors: this.pool.list() };
  }

  @GrpcMethod('ExecutorService', 'GetExecutor')
  @Permission('executors:list')
  public getExecutor(@Payload() request: ExecutorRequest__Output): ExecutorView {
    return this.pool.get(request.id);
  }

  @GrpcMethod('ExecutorService', 'DrainExecutor')
  @Permission('executors:manage')
  @Audited('executors:drain')
  public drainExecutor(@Payload() request: ExecutorRequest__Output): Promise<ExecutorView> {
    return this.pool.drain(request.id);
  }

  @GrpcMethod('ExecutorService', 'ResumeExecutor')
  @Permission('executors:manage')
  @Audited('executors:resume')
  public resumeExecutor(@Payload() request: ExecutorRequest__Output): Promise<ExecutorView> {
    return this.pool.resume(request.id);
  }

  @GrpcMethod('ExecutorService', 'RemoveExecutor')
  @Permission('executors:manage')
  @Audited('executors:remove')
  public removeExecutor(
    @Payload() request: ExecutorRequest__Output,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ExecutorView> {
    return this.pool.remove(request.id, principal.subject);
  }
}
