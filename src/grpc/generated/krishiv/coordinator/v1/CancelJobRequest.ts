// Original file: proto/krishiv/coordinator/v1/jobs.proto


export interface CancelJobRequest {
  'id'?: (string);
}

export interface CancelJobRequest__Output {
  'id': (string);
}
