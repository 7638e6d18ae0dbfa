// Original file: proto/krishiv/coordinator/v1/audit.proto


export interface ListEventsRequest {
  'subject'?: (string);
  'action'?: (string);
  'decision'?: (string);
  'transport'?: (string);
  'since'?: (string);
  'until'?: (string);
  'pageSize'?: (number);
  'pageToken'?: (string);
}

export interface ListEventsRequest__Output {
  'subject': (string);
  'action': (string);
  'decision': (string);
  'transport': (string);
  'since': (string);
  'until': (string);
  'pageSize': (number);
  'pageToken': (string);
}
