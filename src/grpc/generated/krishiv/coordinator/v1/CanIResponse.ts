// Original file: proto/krishiv/coordinator/v1/auth.proto


export interface CanIResponse {
  'action'?: (string);
  'allowed'?: (boolean);
  'requiredRole'?: (string);
  'role'?: (string);
  'reason'?: (string);
}

export interface CanIResponse__Output {
  'action': (string);
  'allowed': (boolean);
  'requiredRole': (string);
  'role': (string);
  'reason': (string);
}
