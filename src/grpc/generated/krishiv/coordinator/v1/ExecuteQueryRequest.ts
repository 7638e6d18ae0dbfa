// Original file: proto/krishiv/coordinator/v1/query.proto


export interface ExecuteQueryRequest {
  'sql'?: (string);
  'maxRows'?: (number);
  'timeoutMs'?: (number);
  '_maxRows'?: "maxRows";
  '_timeoutMs'?: "timeoutMs";
}

export interface ExecuteQueryRequest__Output {
  'sql': (string);
  'maxRows'?: (number);
  'timeoutMs'?: (number);
  '_maxRows'?: "maxRows";
  '_timeoutMs'?: "timeoutMs";
}
