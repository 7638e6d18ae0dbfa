import { join } from 'node:path';

/** The API's .proto files, shared by the server, the SDK and the tests. */
export const PROTO_ROOT = join(__dirname, '..', '..', 'proto');
export const PROTO_FILES = [
  'auth.proto',
  'query.proto',
  'jobs.proto',
  'executors.proto',
  'streams.proto',
  'audit.proto',
].map((f) => `krishiv/coordinator/v1/${f}`);

/** Loader options shared by server and client, so both see the same field shapes. */
export const PROTO_LOADER_OPTIONS = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};
