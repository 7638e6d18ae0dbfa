import { Controller, UseInterceptors } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../access/principal';
import { GrpcMetricsInterceptor } from '../metrics/grpc-metrics.interceptor';
import { MalformedRequestInterceptor } from '../grpc/malformed-request.interceptor';
import { Permission } from '../roles/permission.decorator';
import type { ExecuteQueryRequest__Output } from '../grpc/generated/krishiv/coordinator/v1/ExecuteQueryRequest';
import type { ExecuteQueryResponse } from '../grpc/generated/krishiv/coordinator/v1/ExecuteQueryResponse';
import { QueryService } from './query.service';
import { byWireSize, toWireColumns, toWireResult, toWireRowList } from './result-encoding';
import type { ServerWritableStream } from '@grpc/grpc-js';
import { EMPTY, Observable } from 'rxjs';
import type { ResultColumn } from '../engine/result-set';
import { GrpcCall } from '../grpc/grpc-call.decorator';
import type { QueryResultChunk } from '../grpc/generated/krishiv/coordinator/v1/QueryResultChunk';
import { writeMessage } from '../grpc/stream-writer';

/** Well under gRPC's default 4 MiB receive limit, so default clients can read every message. */
const STREAM_MESSAGE_BYTES = 1024 * 1024;

@Controller()
@UseInterceptors(MalformedRequestInterceptor, GrpcMetricsInterceptor)
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

  /** Rows are written as the engine produces them; the reply observable only ends the stream. */
  @GrpcMethod('QueryService', 'ExecuteQueryStream')
  @Permission('query:read')
  public async executeQueryStream(
    @Payload() request: ExecuteQueryRequest__Output,
    @CurrentPrincipal() principal: Principal,
    @GrpcCall() call: ServerWritableStream<unknown, QueryResultChunk>,
  ): Promise<Observable<never>> {
    let columns: ResultColumn[] = [];
    const totals = await this.queries.stream(principal, request, {
      columns: (names) => {
        columns = names;
        return writeMessage(call, { columns: toWireColumns(names) });
      },
      rows: async (rows, abort) => {
        for (const group of byWireSize(toWireRowList(rows, columns), STREAM_MESSAGE_BYTES)) {
          await writeMessage(call, { rows: group }, abort);
        }
      },
    });
    await writeMessage(call, {
      done: true,
      rowCount: String(totals.rowCount),
      truncated: totals.truncated,
      elapsedMs: totals.elapsedMs,
    });
    return EMPTY;
  }
}
