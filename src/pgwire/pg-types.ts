import {
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalType,
  DuckDBIntervalValue,
  DuckDBListType,
  DuckDBArrayType,
  DuckDBType,
  DuckDBTypeId,
  DuckDBValue,
} from '@duckdb/node-api';
import { restValueConverter } from '../engine/value-encoding';
import { PgError } from './pg-error';

/** PostgreSQL type OIDs (src/include/catalog/pg_type.dat), the numbers drivers switch on. */
export const PG_OID = {
  bool: 16,
  bytea: 17,
  name: 19,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  oid: 26,
  json: 114,
  float4: 700,
  float8: 701,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  timetz: 1266,
  numeric: 1700,
  uuid: 2950,
} as const;

/** The array type of each element type that has one in PostgreSQL. */
const ARRAY_OF: Partial<Record<number, number>> = {
  [PG_OID.bool]: 1000,
  [PG_OID.bytea]: 1001,
  [PG_OID.int2]: 1005,
  [PG_OID.int4]: 1007,
  [PG_OID.text]: 1009,
  [PG_OID.varchar]: 1015,
  [PG_OID.int8]: 1016,
  [PG_OID.float4]: 1021,
  [PG_OID.float8]: 1022,
  [PG_OID.date]: 1182,
  [PG_OID.timestamp]: 1115,
  [PG_OID.timestamptz]: 1185,
  [PG_OID.numeric]: 1231,
  [PG_OID.uuid]: 2951,
};

/** A result column as PostgreSQL describes it: type OID, size and modifier. */
export interface PgColumnType {
  oid: number;
  size: number;
  modifier: number;
}

const SCALAR: Partial<Record<DuckDBTypeId, [number, number]>> = {
  [DuckDBTypeId.BOOLEAN]: [PG_OID.bool, 1],
  [DuckDBTypeId.TINYINT]: [PG_OID.int2, 2],
  [DuckDBTypeId.SMALLINT]: [PG_OID.int2, 2],
  [DuckDBTypeId.UTINYINT]: [PG_OID.int2, 2],
  [DuckDBTypeId.INTEGER]: [PG_OID.int4, 4],
  [DuckDBTypeId.USMALLINT]: [PG_OID.int4, 4],
  [DuckDBTypeId.BIGINT]: [PG_OID.int8, 8],
  [DuckDBTypeId.UINTEGER]: [PG_OID.int8, 8],
  [DuckDBTypeId.UBIGINT]: [PG_OID.numeric, -1],
  [DuckDBTypeId.HUGEINT]: [PG_OID.numeric, -1],
  [DuckDBTypeId.UHUGEINT]: [PG_OID.numeric, -1],
  [DuckDBTypeId.BIGNUM]: [PG_OID.numeric, -1],
  [DuckDBTypeId.FLOAT]: [PG_OID.float4, 4],
  [DuckDBTypeId.DOUBLE]: [PG_OID.float8, 8],
  [DuckDBTypeId.VARCHAR]: [PG_OID.text, -1],
  [DuckDBTypeId.ENUM]: [PG_OID.text, -1],
  [DuckDBTypeId.BLOB]: [PG_OID.bytea, -1],
  [DuckDBTypeId.DATE]: [PG_OID.date, 4],
  [DuckDBTypeId.TIME]: [PG_OID.time, 8],
  [DuckDBTypeId.TIME_NS]: [PG_OID.time, 8],
  [DuckDBTypeId.TIME_TZ]: [PG_OID.timetz, 12],
  [DuckDBTypeId.TIMESTAMP]: [PG_OID.timestamp, 8],
  [DuckDBTypeId.TIMESTAMP_S]: [PG_OID.timestamp, 8],
  [DuckDBTypeId.TIMESTAMP_MS]: [PG_OID.timestamp, 8],
  [DuckDBTypeId.TIMESTAMP_NS]: [PG_OID.timestamp, 8],
  [DuckDBTypeId.TIMESTAMP_TZ]: [PG_OID.timestamptz, 8],
  [DuckDBTypeId.INTERVAL]: [PG_OID.interval, 16],
  [DuckDBTypeId.UUID]: [PG_OID.uuid, 16],
  [DuckDBTypeId.STRUCT]: [PG_OID.json, -1],
  [DuckDBTypeId.MAP]: [PG_OID.json, -1],
  [DuckDBTypeId.UNION]: [PG_OID.json, -1],
  [DuckDBTypeId.VARIANT]: [PG_OID.json, -1],
};

/** The PostgreSQL type a client sees for an engine type; anything without a match is text. */
export function pgTypeOf(type: DuckDBType): PgColumnType {
  if (type.alias === 'JSON') return { oid: PG_OID.json, size: -1, modifier: -1 };
  if (type instanceof DuckDBDecimalType) {
    // atttypmod of numeric(p,s): ((p << 16) | s) + VARHDRSZ.
    return { oid: PG_OID.numeric, size: -1, modifier: ((type.width << 16) | type.scale) + 4 };
  }
  if (type instanceof DuckDBListType || type instanceof DuckDBArrayType) {
    const element = pgTypeOf(type.valueType).oid;
    return { oid: ARRAY_OF[element] ?? PG_OID.json, size: -1, modifier: -1 };
  }
  const [oid, size] = SCALAR[type.typeId] ?? [PG_OID.text, -1];
  return { oid, size, modifier: -1 };
}

/** DuckDB spells years before the common era `0044-03-15 (BC)`; PostgreSQL `0044-03-15 BC`. */
function pgDateTime(text: string): string {
  const bc = /^(\d+-\d\d-\d\d) \(BC\)(.*)$/.exec(text);
  return bc ? `${bc[1]}${bc[2]} BC` : text;
}

/** Shortest text that reads back as the same float4 (PostgreSQL 12+ with extra_float_digits 1). */
function float4Text(value: number): string {
  if (!Number.isFinite(value)) return specialFloat(value);
  for (let digits = 1; digits <= 9; digits++) {
    const text = value.toPrecision(digits);
    if (Math.fround(Number(text)) === value) return pgExponent(String(Number(text)));
  }
  return pgExponent(String(value));
}

function specialFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}

/** PostgreSQL writes at least two exponent digits: 1e-07, not 1e-7. */
function pgExponent(text: string): string {
  return text.replace(/e([+-])(\d)$/, 'e$10$2');
}

function intervalText(value: DuckDBIntervalValue): string {
  const parts: string[] = [];
  const years = Math.trunc(value.months / 12);
  const months = value.months % 12;
  if (years) parts.push(`${years} year${Math.abs(years) === 1 ? '' : 's'}`);
  if (months) parts.push(`${months} mon${Math.abs(months) === 1 ? '' : 's'}`);
  if (value.days) parts.push(`${value.days} day${Math.abs(value.days) === 1 ? '' : 's'}`);
  const micros = value.micros;
  if (micros !== 0n || parts.length === 0) {
    const negative = micros < 0n;
    let rest = negative ? -micros : micros;
    const hours = rest / 3_600_000_000n;
    rest %= 3_600_000_000n;
    const minutes = rest / 60_000_000n;
    rest %= 60_000_000n;
    const seconds = rest / 1_000_000n;
    const fraction = rest % 1_000_000n;
    const pad = (n: bigint) => String(n).padStart(2, '0');
    let time = `${negative ? '-' : ''}${pad(hours)}:${pad(minutes)}:${pad(seconds)}`;
    if (fraction) time += `.${String(fraction).padStart(6, '0').replace(/0+$/, '')}`;
    parts.push(time);
  }
  return parts.join(' ');
}

/** An element of a PostgreSQL array literal, quoted when the array syntax needs it. */
function arrayElement(text: string | null): string {
  if (text === null) return 'NULL';
  if (text === '' || /[{}",\\\s]/.test(text) || text.toUpperCase() === 'NULL') {
    return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  }
  return text;
}

/**
 * A value in PostgreSQL's text format, chosen by column type like the REST encoding: integers and
 * decimals exact, dates and times as PostgreSQL prints them, bytea as hex, arrays as array
 * literals, nested types as JSON.
 */
export function pgText(value: DuckDBValue, type: DuckDBType): string | null {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return value ? 't' : 'f';
    case DuckDBTypeId.FLOAT:
      return float4Text(value as number);
    case DuckDBTypeId.DOUBLE: {
      const n = value as number;
      return Number.isFinite(n) ? pgExponent(String(n)) : specialFloat(n);
    }
    case DuckDBTypeId.BLOB:
      return `\\x${Buffer.from((value as DuckDBBlobValue).bytes).toString('hex')}`;
    case DuckDBTypeId.DATE: {
      const days = (value as DuckDBDateValue).days;
      if (Math.abs(days) === 2147483647) return days > 0 ? 'infinity' : '-infinity';
      return pgDateTime(String(value));
    }
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return pgDateTime(String(value));
    case DuckDBTypeId.INTERVAL:
      return intervalText(value as DuckDBIntervalValue);
    case DuckDBTypeId.STRUCT:
    case DuckDBTypeId.MAP:
    case DuckDBTypeId.UNION:
    case DuckDBTypeId.VARIANT:
      return JSON.stringify(restValueConverter(value, type, restValueConverter));
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY: {
      const element = (type as DuckDBListType | DuckDBArrayType).valueType;
      if (ARRAY_OF[pgTypeOf(element).oid] === undefined) {
        return JSON.stringify(restValueConverter(value, type, restValueConverter));
      }
      const items = (value as { items: readonly DuckDBValue[] }).items;
      return `{${items.map((item) => arrayElement(pgText(item, element))).join(',')}}`;
    }
    default:
      return String(value);
  }
}

/** Microseconds between the Unix epoch and PostgreSQL's (2000-01-01). */
const PG_EPOCH_MICROS = 946_684_800_000_000n;
const PG_EPOCH_DAYS = 10_957;
const INFINITY_DAYS = 2147483647;

/** PostgreSQL's binary numeric: base-10000 digits with weight, sign and display scale. */
function numericBinary(text: string): Buffer {
  if (text === 'NaN') return Buffer.from([0, 0, 0, 0, 0xc0, 0, 0, 0]);
  const negative = text.startsWith('-');
  const [intPart, fracPart = ''] = text.replace(/^[-+]/, '').split('.');
  const intDigits = intPart.replace(/^0+/, '');
  const paddedInt = intDigits.padStart(Math.ceil(intDigits.length / 4) * 4, '0');
  const paddedFrac = fracPart.padEnd(Math.ceil(fracPart.length / 4) * 4, '0');
  let groups = [...(paddedInt + paddedFrac).matchAll(/\d{4}/g)].map((m) => Number(m[0]));
  let weight = paddedInt.length / 4 - 1;
  while (groups.length > 0 && groups[0] === 0) {
    groups = groups.slice(1);
    weight--;
  }
  while (groups.length > 0 && groups[groups.length - 1] === 0) groups = groups.slice(0, -1);
  if (groups.length === 0) weight = 0;
  const b = Buffer.alloc(8 + 2 * groups.length);
  b.writeInt16BE(groups.length, 0);
  b.writeInt16BE(weight, 2);
  b.writeUInt16BE(negative && groups.length > 0 ? 0x4000 : 0, 4);
  b.writeInt16BE(fracPart.length, 6);
  groups.forEach((group, i) => b.writeInt16BE(group, 8 + 2 * i));
  return b;
}

/** Microseconds since the Unix epoch of any engine timestamp value. */
function epochMicros(value: DuckDBValue, typeId: DuckDBTypeId): bigint {
  const v = value as unknown as {
    micros?: bigint;
    seconds?: bigint;
    millis?: bigint;
    nanos?: bigint;
  };
  switch (typeId) {
    case DuckDBTypeId.TIMESTAMP_S:
      return (v.seconds as bigint) * 1_000_000n;
    case DuckDBTypeId.TIMESTAMP_MS:
      return (v.millis as bigint) * 1_000n;
    case DuckDBTypeId.TIMESTAMP_NS:
      return (v.nanos as bigint) / 1_000n;
    default:
      return v.micros as bigint;
  }
}

function int64(value: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(value);
  return b;
}

function int32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(value);
  return b;
}

/**
 * A value in PostgreSQL's binary format. pgjdbc asks for it on statements it has prepared on the
 * server (after `prepareThreshold` executions) for numbers, dates and times, UUIDs, bytea and
 * arrays of those; other types are refused so the driver can ask for text.
 */
export function pgBinary(value: DuckDBValue, type: DuckDBType): Buffer | null {
  if (value === null) return null;
  const oid = pgTypeOf(type).oid;
  switch (oid) {
    case PG_OID.bool:
      return Buffer.from([value ? 1 : 0]);
    case PG_OID.int2: {
      const b = Buffer.alloc(2);
      b.writeInt16BE(Number(value));
      return b;
    }
    case PG_OID.int4:
      return int32(Number(value));
    case PG_OID.int8:
      return int64(BigInt(value as number | bigint));
    case PG_OID.float4: {
      const b = Buffer.alloc(4);
      b.writeFloatBE(value as number);
      return b;
    }
    case PG_OID.float8: {
      const b = Buffer.alloc(8);
      b.writeDoubleBE(value as number);
      return b;
    }
    case PG_OID.numeric:
      return numericBinary(String(value));
    case PG_OID.bytea:
      return Buffer.from((value as DuckDBBlobValue).bytes);
    case PG_OID.text:
    case PG_OID.varchar:
    case PG_OID.json:
      return Buffer.from(pgText(value, type) ?? '', 'utf8');
    case PG_OID.uuid:
      return Buffer.from(String(value).replace(/-/g, ''), 'hex');
    case PG_OID.date: {
      const days = (value as DuckDBDateValue).days;
      if (Math.abs(days) === INFINITY_DAYS) return int32(days);
      return int32(days - PG_EPOCH_DAYS);
    }
    case PG_OID.time: {
      const v = value as unknown as { micros?: bigint; nanos?: bigint };
      return int64(v.micros ?? (v.nanos as bigint) / 1_000n);
    }
    case PG_OID.timetz: {
      const v = value as unknown as { micros: bigint; offset: number };
      // PostgreSQL stores the zone as seconds west of UTC.
      return Buffer.concat([int64(v.micros), int32(-v.offset)]);
    }
    case PG_OID.timestamp:
    case PG_OID.timestamptz:
      return int64(epochMicros(value, type.typeId) - PG_EPOCH_MICROS);
    case PG_OID.interval: {
      const v = value as DuckDBIntervalValue;
      return Buffer.concat([int64(v.micros), int32(v.days), int32(v.months)]);
    }
  }
  if (type instanceof DuckDBListType || type instanceof DuckDBArrayType) {
    const elementOid = pgTypeOf(type.valueType).oid;
    if (ARRAY_OF[elementOid] !== undefined) {
      const items = (value as { items: readonly DuckDBValue[] }).items;
      const parts = items.map((item) => pgBinary(item, type.valueType));
      const header = [
        int32(items.length > 0 ? 1 : 0),
        int32(parts.some((p) => p === null) ? 1 : 0),
        int32(elementOid),
        ...(items.length > 0 ? [int32(items.length), int32(1)] : []),
      ];
      const body = parts.flatMap((p) => (p === null ? [int32(-1)] : [int32(p.length), p]));
      return Buffer.concat([...header, ...body]);
    }
  }
  throw new PgError(
    '0A000',
    `binary format for ${type.toString()} results is not supported; request text format`,
  );
}
