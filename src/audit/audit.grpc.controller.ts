import { Controller, UseInterceptors } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import type { AuditEvent } from '../grpc/generated/krishiv/coordinator/v1/AuditEvent';
import type { ListEventsRequest__Output } from '../grpc/generated/krishiv/coordinator/v1/ListEventsRequest';
import type { ListEventsResponse } from '../grpc/generated/krishiv/coordinator/v1/ListEventsResponse';
import { GrpcMetricsInterceptor } from '../metrics/grpc-metrics.interceptor';
import { MalformedRequestInterceptor } from '../grpc/malformed-request.interceptor';
import { Permission } from '../roles/permission.decorator';
import { AuditEventView, AuditService } from './audit.service';

/** Proto3 has no absent strings: empty means "not set", as on every other message. */
function toWireEvent(event: AuditEventView): AuditEvent {
  return {
    id: event.id,
    at: event.at,
    requestId: event.requestId ?? '',
    subject: event.subject ?? '',
    role: event.role ?? '',
    authMethod: event.authMethod ?? '',
    action: event.action,
    resource: event.resource ?? '',
    decision: event.decision,
    reason: event.reason ?? '',
    clientAddress: event.clientAddress ?? '',
    transport: event.transport,
  };
}

@Controller()
@UseInterceptors(MalformedRequestInterceptor, GrpcMetricsInterceptor)
export class AuditGrpcController {
  constructor(private readonly audit: AuditService) {}

  @GrpcMethod('AuditService', 'ListEvents')
  @Permission('audit:read')
  public async listEvents(
    @Payload() request: ListEventsRequest__Output,
  ): Promise<ListEventsResponse> {
    const page = await this.audit.list(request);
    return { events: page.events.map(toWireEvent), nextPageToken: page.nextPageToken ?? '' };
  }
}
