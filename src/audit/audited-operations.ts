/**
 * The management operations the audit trail records when they are allowed (denials of any
 * operation are always recorded). Several share one permission, e.g. drain, resume and remove
 * are all `executors:manage`, so each gets its own name here. `resource` names what the
 * operation touched from the request (path parameters and body, or the gRPC message) and, for
 * creations, from the answer.
 */
type Fields = Record<string, unknown>;

/** Metadata key of `@Audited(operation)`. */
export const AUDITED_KEY = 'krishiv:audited';

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value.slice(0, 200) : undefined;
const named = (kind: string, value: unknown): string | undefined => {
  const id = text(value);
  return id === undefined ? undefined : `${kind}:${id}`;
};

export const AUDITED_OPERATIONS = {
  'jobs:submit': (_input: Fields, result?: Fields) => named('job', result?.id),
  'jobs:cancel': (input: Fields) => named('job', input.id),
  'jobs:savepoint': (input: Fields) => named('job', input.id ?? input.jobId),
  'savepoints:delete': (input: Fields) => named('savepoint', input.id),
  'jobs:restore': (input: Fields) => named('savepoint', input.id ?? input.savepointId),
  'executors:drain': (input: Fields) => named('executor', input.id),
  'executors:resume': (input: Fields) => named('executor', input.id),
  'executors:remove': (input: Fields) => named('executor', input.id),
  'streams:create': (input: Fields, result?: Fields) => named('stream', input.name ?? result?.name),
  'streams:append': (input: Fields) => named('stream', input.name),
} satisfies Record<string, (input: Fields, result?: Fields) => string | undefined>;

export type AuditedOperation = keyof typeof AUDITED_OPERATIONS;

export const AUDITED_OPERATION_NAMES = Object.keys(AUDITED_OPERATIONS) as AuditedOperation[];
