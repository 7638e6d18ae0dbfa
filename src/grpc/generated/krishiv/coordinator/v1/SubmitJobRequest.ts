// Original file: proto/krishiv/coordinator/v1/jobs.proto


export interface SubmitJobRequest {
  'sql'?: (string);
  'name'?: (string);
  'kind'?: (string);
  'requestId'?: (string);
  'timeoutMs'?: (number);
  'sink'?: (string);
  '_timeoutMs'?: "timeoutMs";
}

export interface SubmitJobRequest__Output {
  'sql': (string);
  'name': (string);
  'kind': (string);
  'requestId': (string);
  'timeoutMs'?: (number);
  'sink': (string);
  '_timeoutMs'?: "timeoutMs";
}
