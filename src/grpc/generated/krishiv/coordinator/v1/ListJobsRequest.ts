// Original file: proto/krishiv/coordinator/v1/jobs.proto


export interface ListJobsRequest {
  'state'?: (string);
  'kind'?: (string);
  'submittedBy'?: (string);
  'pageSize'?: (number);
  'pageToken'?: (string);
}

export interface ListJobsRequest__Output {
  'state': (string);
  'kind': (string);
  'submittedBy': (string);
  'pageSize': (number);
  'pageToken': (string);
}
