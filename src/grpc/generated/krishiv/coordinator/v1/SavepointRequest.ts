// Original file: proto/krishiv/coordinator/v1/jobs.proto


export interface SavepointRequest {
  'id'?: (string);
}

export interface SavepointRequest__Output {
  'id': (string);
}
