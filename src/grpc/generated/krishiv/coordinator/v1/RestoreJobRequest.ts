// Original file: proto/krishiv/coordinator/v1/jobs.proto


export interface RestoreJobRequest {
  'savepointId'?: (string);
  'name'?: (string);
  'sink'?: (string);
}

export interface RestoreJobRequest__Output {
  'savepointId': (string);
  'name': (string);
  'sink': (string);
}
