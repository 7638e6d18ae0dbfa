// Original file: proto/krishiv/coordinator/v1/common.proto


export interface Column {
  'name'?: (string);
  'type'?: (string);
}

export interface Column__Output {
  'name': (string);
  'type': (string);
}
