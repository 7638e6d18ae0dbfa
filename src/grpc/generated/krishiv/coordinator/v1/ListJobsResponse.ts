// Original file: proto/krishiv/coordinator/v1/jobs.proto

import type { Job as _krishiv_coordinator_v1_Job, Job__Output as _krishiv_coordinator_v1_Job__Output } from '../../../krishiv/coordinator/v1/Job';

export interface ListJobsResponse {
  'jobs'?: (_krishiv_coordinator_v1_Job)[];
  'nextPageToken'?: (string);
}

export interface ListJobsResponse__Output {
  'jobs': (_krishiv_coordinator_v1_Job__Output)[];
  'nextPageToken': (string);
}
