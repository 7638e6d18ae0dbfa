// Original file: proto/krishiv/coordinator/v1/executors.proto


export interface ExecutorRequest {
  'id'?: (string);
}

export interface ExecutorRequest__Output {
  'id': (string);
}
