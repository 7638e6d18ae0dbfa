import { Controller, UseInterceptors } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../access/principal';
import type { AppendRecordsRequest__Output } from '../grpc/generated/krishiv/coordinator/v1/AppendRecordsRequest';
import type { AppendRecordsResponse } from '../grpc/generated/krishiv/coordinator/v1/AppendRecordsResponse';
import type { CreateStreamRequest__Output } from '../grpc/generated/krishiv/coordinator/v1/CreateStreamRequest';
import type { GetStreamRequest__Output } from '../grpc/generated/krishiv/coordinator/v1/GetStreamRequest';
import type { ListStreamsResponse } from '../grpc/generated/krishiv/coordinator/v1/ListStreamsResponse';
import type { Stream } from '../grpc/generated/krishiv/coordinator/v1/Stream';
import type { Value__Output } from '../grpc/generated/krishiv/coordinator/v1/Value';
import { GrpcMetricsInterceptor } from '../metrics/grpc-metrics.interceptor';
import { MalformedRequestInterceptor } from '../grpc/malformed-request.interceptor';
import { Permission } from '../roles/permission.decorator';
import { StreamsService, StreamView } from './streams.service';
import { Audited } from '../audit/audited.decorator';

function toWireStream(stream: StreamView): Stream {
  return {
    ...stream,
    recordCount: String(stream.recordCount),
    lastOffset: String(stream.lastOffset),
  };
}

/** A wire value as the JSON value the REST API would carry; integers stay exact strings. */
function fromWireValue(value: Value__Output): unknown {
  switch (value.kind) {
    case 'boolValue':
      return value.boolValue;
    case 'intValue': {
      const n = BigInt(value.intValue ?? '0');
      return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(n)
        : n;
    }
    case 'doubleValue':
      return value.doubleValue;
    case 'stringValue':
      return value.stringValue;
    case 'bytesValue':
      return value.bytesValue;
    default:
      return null;
  }
}

@Controller()
@UseInterceptors(MalformedRequestInterceptor, GrpcMetricsInterceptor)
export class StreamsGrpcController {
  constructor(private readonly streams: StreamsService) {}

  @GrpcMethod('StreamService', 'CreateStream')
  @Permission('streams:write')
  @Audited('streams:create')
  public async createStream(
    @Payload() request: CreateStreamRequest__Output,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Stream> {
    return toWireStream(await this.streams.create(principal, request));
  }

  @GrpcMethod('StreamService', 'ListStreams')
  @Permission('streams:list')
  public async listStreams(): Promise<ListStreamsResponse> {
    return { streams: (await this.streams.list()).map(toWireStream) };
  }

  @GrpcMethod('StreamService', 'GetStream')
  @Permission('streams:list')
  public async getStream(@Payload() request: GetStreamRequest__Output): Promise<Stream> {
    return toWireStream(await this.streams.get(request.name));
  }

  @GrpcMethod('StreamService', 'AppendRecords')
  @Permission('streams:write')
  @Audited('streams:append')
  public async appendRecords(
    @Payload() request: AppendRecordsRequest__Output,
  ): Promise<AppendRecordsResponse> {
    const records = request.records.map((record) =>
      Object.fromEntries(
        Object.entries(record.fields).map(([field, value]) => [field, fromWireValue(value)]),
      ),
    );
    const outcome = await this.streams.append(request.name, records);
    return {
      stream: outcome.stream,
      appended: String(outcome.appended),
      firstOffset: String(outcome.firstOffset),
      lastOffset: String(outcome.lastOffset),
    };
  }
}
