import { InvalidArgumentError } from '../common/errors/coordinator.error';

type Kind =
  'boolean' | 'integer' | 'float' | 'decimal' | 'string' | 'date' | 'timestamp' | 'timestamptz';

/** A column type a stream may declare, with what its values must look like. */
export interface StreamColumnType {
  /** The engine's name of the type, e.g. `DECIMAL(12,2)`. */
  sql: string;
  kind: Kind;
  min?: bigint;
  max?: bigint;
  precision?: number;
  scale?: number;
}

const INTEGERS: Record<string, [bigint, bigint]> = {
  TINYINT: [-(2n ** 7n), 2n ** 7n - 1n],
  SMALLINT: [-(2n ** 15n), 2n ** 15n - 1n],
  INTEGER: [-(2n ** 31n), 2n ** 31n - 1n],
  BIGINT: [-(2n ** 63n), 2n ** 63n - 1n],
};

const ALIASES: Record<string, string> = {
  INT: 'INTEGER',
  INT4: 'INTEGER',
  INT8: 'BIGINT',
  LONG: 'BIGINT',
  SHORT: 'SMALLINT',
  BOOL: 'BOOLEAN',
  TEXT: 'VARCHAR',
  STRING: 'VARCHAR',
  REAL: 'FLOAT',
  FLOAT4: 'FLOAT',
  FLOAT8: 'DOUBLE',
  NUMERIC: 'DECIMAL',
  'TIMESTAMP WITH TIME ZONE': 'TIMESTAMPTZ',
};

export const SUPPORTED_TYPES =
  'BOOLEAN, TINYINT, SMALLINT, INTEGER, BIGINT, FLOAT, DOUBLE, DECIMAL(p,s), VARCHAR, DATE, TIMESTAMP, TIMESTAMPTZ';

/** Parses a declared column type; undefined when streams do not support it. */
export function parseColumnType(raw: unknown): StreamColumnType | undefined {
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim().toUpperCase().replace(/\s+/g, ' ');
  const decimal = /^(DECIMAL|NUMERIC)\s*\(\s*(\d{1,2})\s*,\s*(\d{1,2})\s*\)$/.exec(text);
  if (decimal) {
    const [precision, scale] = [Number(decimal[2]), Number(decimal[3])];
    if (precision < 1 || precision > 38 || scale > precision) return undefined;
    return { sql: `DECIMAL(${precision},${scale})`, kind: 'decimal', precision, scale };
  }
  const name = ALIASES[text] ?? text;
  if (name === 'DECIMAL') return { sql: 'DECIMAL(18,3)', kind: 'decimal', precision: 18, scale: 3 };
  if (INTEGERS[name])
    return { sql: name, kind: 'integer', min: INTEGERS[name][0], max: INTEGERS[name][1] };
  const simple: Record<string, Kind> = {
    BOOLEAN: 'boolean',
    FLOAT: 'float',
    DOUBLE: 'float',
    VARCHAR: 'string',
    DATE: 'date',
    TIMESTAMP: 'timestamp',
    TIMESTAMPTZ: 'timestamptz',
  };
  return simple[name] ? { sql: name, kind: simple[name] } : undefined;
}

const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP_TEXT =
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;

function describe(value: unknown): string {
  const text =
    typeof value === 'bigint'
      ? value.toString()
      : Buffer.isBuffer(value)
        ? 'bytes'
        : (JSON.stringify(value) ?? String(value));
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * One field of one record, checked against its column and returned as the exact text the engine
 * casts (never a rounded number); null for a JSON null or a missing field.
 */
export function fieldText(value: unknown, type: StreamColumnType, where: string): string | null {
  if (value === null || value === undefined) return null;
  const wrong = (expected: string): never => {
    throw new InvalidArgumentError(`${where}: expected ${expected}, got ${describe(value)}`);
  };
  switch (type.kind) {
    case 'boolean':
      return typeof value === 'boolean' ? String(value) : wrong('true or false');
    case 'integer': {
      if (typeof value === 'number' && !Number.isSafeInteger(value)) {
        return wrong(
          `a whole ${type.sql} (send integers beyond 2^53 as strings to keep them exact)`,
        );
      }
      const text =
        typeof value === 'number' || typeof value === 'bigint'
          ? String(value)
          : typeof value === 'string'
            ? value.trim()
            : '';
      if (!/^[+-]?\d+$/.test(text)) return wrong(`a whole number (${type.sql})`);
      const n = BigInt(text);
      if (n < (type.min as bigint) || n > (type.max as bigint))
        return wrong(`a ${type.sql} between ${type.min} and ${type.max}`);
      return n.toString();
    }
    case 'float':
      if (typeof value === 'number' || typeof value === 'bigint') return String(value);
      if (typeof value === 'string' && /^(NaN|[+-]?(Infinity|inf))$/i.test(value.trim()))
        return value.trim();
      return wrong(`a number (${type.sql})`);
    case 'decimal': {
      const text =
        (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'bigint'
          ? String(value)
          : typeof value === 'string'
            ? value.trim()
            : '';
      const match = /^[+-]?(\d*)(?:\.(\d*))?$/.exec(text);
      if (!match || (match[1] === '' && (match[2] ?? '') === ''))
        return wrong(`a decimal number (${type.sql}; send it as a string to keep it exact)`);
      const digits = match[1].replace(/^0+/, '').length;
      const decimals = (match[2] ?? '').replace(/0+$/, '').length;
      if (
        decimals > (type.scale as number) ||
        digits > (type.precision as number) - (type.scale as number)
      ) {
        return wrong(
          `a ${type.sql} (at most ${(type.precision as number) - (type.scale as number)} digits before the point and ${type.scale} after)`,
        );
      }
      return text;
    }
    case 'string':
      return typeof value === 'string' ? value : wrong('a string');
    case 'date':
      if (typeof value === 'string' && DATE_TEXT.test(value) && !Number.isNaN(Date.parse(value)))
        return value;
      return wrong('a date like 2026-11-28');
    case 'timestamp':
    case 'timestamptz': {
      const text = typeof value === 'string' ? value.trim() : '';
      const when = Date.parse(text.replace(' ', 'T'));
      if (!TIMESTAMP_TEXT.test(text) || Number.isNaN(when)) {
        return wrong('an ISO 8601 timestamp like 2026-11-28T10:00:00Z');
      }
      // A TIMESTAMP holds no zone: a value with an offset is stored as its UTC wall time.
      if (type.kind === 'timestamp' && /(Z|[+-]\d{2}(:?\d{2})?)$/.test(text)) {
        const fraction = /T?\d{2}:\d{2}:\d{2}\.(\d+)/.exec(text)?.[1] ?? '';
        return `${new Date(when).toISOString().slice(0, 19)}${fraction ? `.${fraction}` : ''}`;
      }
      return text;
    }
  }
}
