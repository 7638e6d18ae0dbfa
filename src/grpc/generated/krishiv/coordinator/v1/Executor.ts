// Original file: proto/krishiv/coordinator/v1/executors.proto


export interface Executor {
  'id'?: (string);
  'state'?: (string);
  'slots'?: (number);
  'runningJobs'?: (number);
  'lastHeartbeatAt'?: (string);
  'host'?: (string);
}

export interface Executor__Output {
  'id': (string);
  'state': (string);
  'slots': (number);
  'runningJobs': (number);
  'lastHeartbeatAt': (string);
  'host': (string);
}
