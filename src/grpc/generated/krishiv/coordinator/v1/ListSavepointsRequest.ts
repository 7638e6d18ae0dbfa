// Original file: proto/krishiv/coordinator/v1/jobs.proto


export interface ListSavepointsRequest {
  'jobId'?: (string);
}

export interface ListSavepointsRequest__Output {
  'jobId': (string);
}
