// Original file: proto/krishiv/coordinator/v1/audit.proto


export interface AuditEvent {
  'id'?: (string);
  'at'?: (string);
  'requestId'?: (string);
  'subject'?: (string);
  'role'?: (string);
  'authMethod'?: (string);
  'action'?: (string);
  'resource'?: (string);
  'decision'?: (string);
  'reason'?: (string);
  'clientAddress'?: (string);
  'transport'?: (string);
}

export interface AuditEvent__Output {
  'id': (string);
  'at': (string);
  'requestId': (string);
  'subject': (string);
  'role': (string);
  'authMethod': (string);
  'action': (string);
  'resource': (string);
  'decision': (string);
  'reason': (string);
  'clientAddress': (string);
  'transport': (string);
}
