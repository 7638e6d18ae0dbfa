import { PgError } from './pg-error';

/** Parameters PostgreSQL reports to the client with ParameterStatus whenever they change. */
const REPORTED = new Set([
  'server_version',
  'server_encoding',
  'client_encoding',
  'application_name',
  'datestyle',
  'intervalstyle',
  'timezone',
  'integer_datetimes',
  'standard_conforming_strings',
  'is_superuser',
  'session_authorization',
  'default_transaction_read_only',
  'in_hot_standby',
]);

/** How PostgreSQL spells the reported names. */
const DISPLAY: Record<string, string> = {
  datestyle: 'DateStyle',
  intervalstyle: 'IntervalStyle',
  timezone: 'TimeZone',
};

/** Parameters that are shown but cannot be changed, as in PostgreSQL. */
const READ_ONLY = new Set([
  'server_version',
  'server_version_num',
  'server_encoding',
  'integer_datetimes',
  'is_superuser',
  'max_identifier_length',
  'in_hot_standby',
  'lc_collate',
  'lc_ctype',
  'block_size',
]);

/**
 * The wire session's view of PostgreSQL settings. Values the result encoding depends on are
 * checked (only UTF8, ISO dates and the postgres interval style are produced); the rest are kept
 * for SHOW and `current_setting` like a server would, without touching the engine.
 */
export class PgSessionParameters {
  private readonly defaults: Map<string, string>;
  private readonly values: Map<string, string>;

  constructor(user: string, timeoutMs: number) {
    this.defaults = new Map([
      ['server_version', '15.0'],
      ['server_version_num', '150000'],
      ['server_encoding', 'UTF8'],
      ['client_encoding', 'UTF8'],
      ['application_name', ''],
      ['datestyle', 'ISO, MDY'],
      ['intervalstyle', 'postgres'],
      ['timezone', 'UTC'],
      ['integer_datetimes', 'on'],
      ['standard_conforming_strings', 'on'],
      ['is_superuser', 'off'],
      ['session_authorization', user],
      ['default_transaction_read_only', 'off'],
      ['in_hot_standby', 'off'],
      ['extra_float_digits', '1'],
      ['search_path', 'main'],
      ['transaction_isolation', 'repeatable read'],
      ['default_transaction_isolation', 'repeatable read'],
      ['transaction_read_only', 'off'],
      ['statement_timeout', String(timeoutMs)],
      ['max_identifier_length', '63'],
      ['lc_collate', 'C'],
      ['lc_ctype', 'C'],
      ['lc_messages', 'C'],
      ['lc_monetary', 'C'],
      ['lc_numeric', 'C'],
      ['lc_time', 'C'],
      ['bytea_output', 'hex'],
      ['client_min_messages', 'notice'],
      ['jit', 'off'],
      ['geqo', 'on'],
      ['block_size', '8192'],
    ]);
    this.values = new Map(this.defaults);
  }

  public has(name: string): boolean {
    return this.values.has(name.toLowerCase());
  }

  public get(name: string): string | undefined {
    return this.values.get(name.toLowerCase());
  }

  /** Reported parameters, for the ParameterStatus messages after authentication. */
  public reported(): [string, string][] {
    return [...REPORTED].map((name) => [DISPLAY[name] ?? name, this.values.get(name) ?? '']);
  }

  /** Sets a parameter; returns the ParameterStatus pair to send when the client must hear of it. */
  public set(rawName: string, value: string | null): [string, string] | undefined {
    const name = rawName.toLowerCase();
    if (!this.values.has(name)) {
      throw new PgError(
        '42704',
        `unrecognized configuration parameter "${rawName}"; engine settings are locked and cannot be changed over this connection`,
      );
    }
    if (READ_ONLY.has(name)) {
      throw new PgError('55P02', `parameter "${rawName}" cannot be changed`);
    }
    const next = value === null ? (this.defaults.get(name) ?? '') : this.validate(name, value);
    this.values.set(name, next);
    return REPORTED.has(name) ? [DISPLAY[name] ?? name, next] : undefined;
  }

  private validate(name: string, value: string): string {
    const bad = (hint: string) =>
      new PgError('22023', `invalid value for parameter "${name}": "${value}"; ${hint}`);
    switch (name) {
      case 'client_encoding':
        if (!/^(utf-?8|unicode)$/i.test(value)) throw bad('only UTF8 is supported');
        return 'UTF8';
      case 'datestyle':
        if (!/iso/i.test(value) && !/^(mdy|dmy|ymd|us|european|noneuropean)$/i.test(value.trim())) {
          throw bad('only the ISO date style is produced');
        }
        return 'ISO, MDY';
      case 'intervalstyle':
        if (value.toLowerCase() !== 'postgres')
          throw bad('only the postgres interval style is produced');
        return 'postgres';
      case 'extra_float_digits':
      case 'statement_timeout':
        if (!/^-?\d+$/.test(value.trim())) throw bad('expected a whole number');
        return value.trim();
      default:
        return value;
    }
  }
}
