// Original file: proto/krishiv/coordinator/v1/streams.proto


export interface GetStreamRequest {
  'name'?: (string);
}

export interface GetStreamRequest__Output {
  'name': (string);
}
