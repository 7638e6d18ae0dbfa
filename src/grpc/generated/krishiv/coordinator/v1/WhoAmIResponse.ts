// Original file: proto/krishiv/coordinator/v1/auth.proto


export interface WhoAmIResponse {
  'subject'?: (string);
  'role'?: (string);
  'method'?: (string);
  'issuer'?: (string);
  'expiresAt'?: (string);
}

export interface WhoAmIResponse__Output {
  'subject': (string);
  'role': (string);
  'method': (string);
  'issuer': (string);
  'expiresAt': (string);
}
