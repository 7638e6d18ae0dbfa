// Original file: proto/krishiv/coordinator/v1/auth.proto


export interface CanIRequest {
  'action'?: (string);
}

export interface CanIRequest__Output {
  'action': (string);
}
