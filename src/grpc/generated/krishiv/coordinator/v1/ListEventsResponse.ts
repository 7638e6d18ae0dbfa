// Original file: proto/krishiv/coordinator/v1/audit.proto

import type { AuditEvent as _krishiv_coordinator_v1_AuditEvent, AuditEvent__Output as _krishiv_coordinator_v1_AuditEvent__Output } from '../../../krishiv/coordinator/v1/AuditEvent';

export interface ListEventsResponse {
  'events'?: (_krishiv_coordinator_v1_AuditEvent)[];
  'nextPageToken'?: (string);
}

export interface ListEventsResponse__Output {
  'events': (_krishiv_coordinator_v1_AuditEvent__Output)[];
  'nextPageToken': (string);
}
