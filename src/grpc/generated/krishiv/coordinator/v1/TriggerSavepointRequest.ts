// Original file: proto/krishiv/coordinator/v1/jobs.proto


export interface TriggerSavepointRequest {
  'jobId'?: (string);
  'label'?: (string);
  'stop'?: (boolean);
  'requestId'?: (string);
}

export interface TriggerSavepointRequest__Output {
  'jobId': (string);
  'label': (string);
  'stop': (boolean);
  'requestId': (string);
}
