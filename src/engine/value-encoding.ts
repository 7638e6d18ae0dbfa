import {
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBType,
  DuckDBTypeId,
  DuckDBValue,
  DuckDBValueConverter,
  JsonDuckDBValueConverter,
} from '@duckdb/node-api';
import type { Value } from '../grpc/generated/krishiv/coordinator/v1/Value';

export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const TIMESTAMP_TYPES = new Set([
  DuckDBTypeId.TIMESTAMP,
  DuckDBTypeId.TIMESTAMP_S,
  DuckDBTypeId.TIMESTAMP_MS,
  DuckDBTypeId.TIMESTAMP_NS,
  DuckDBTypeId.TIMESTAMP_TZ,
]);

const SMALL_INTEGERS = new Set([
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
]);

/** DuckDB's DATE infinities, in days since the epoch. */
const DATE_INFINITY = 2147483647;

/**
 * DuckDB's text form of a date or timestamp as ISO 8601: `T` between date and time, `±hh:mm`
 * offsets, and astronomical years before the common era (`0044-03-15 (BC)` → `-0043-03-15`).
 */
function isoDateTime(text: string): string {
  if (!/^\d/.test(text)) return text; // infinity, -infinity
  const bc = /^(\d+)(-\d\d-\d\d) \(BC\)(.*)$/.exec(text);
  const plain = bc ? `${formatYear(1 - Number(bc[1]))}${bc[2]}${bc[3]}` : text;
  const t = plain.replace(' ', 'T');
  return /T.*[+-]\d{2}$/.test(t) ? `${t}:00` : t;
}

function formatYear(year: number): string {
  return `${year < 0 ? '-' : ''}${String(Math.abs(year)).padStart(4, '0')}`;
}

/**
 * JSON values chosen by column type, never by value: 64-bit and wider integers and
 * decimals as exact strings, date/time as ISO 8601, blobs as base64, nested types as JSON. The
 * converter passes itself down, so the same rules apply inside lists, structs and maps.
 */
export const restValueConverter: DuckDBValueConverter<JsonValue> = (value, type, converter) => {
  if (value === null) return null;
  if (value instanceof DuckDBBlobValue) return Buffer.from(value.bytes).toString('base64');
  if (value instanceof DuckDBDateValue && Math.abs(value.days) === DATE_INFINITY) {
    return value.days > 0 ? 'infinity' : '-infinity';
  }
  if (TIMESTAMP_TYPES.has(type.typeId) || type.typeId === DuckDBTypeId.DATE) {
    return isoDateTime(String(value));
  }
  return JsonDuckDBValueConverter(value, type, converter) as JsonValue;
};

/**
 * One gRPC `Value`, chosen by the column's type like the REST encoding. The REST form is computed
 * only for the types sent as text (decimals, hugeints, dates and times, nested types).
 */
export function toWireValue(value: DuckDBValue, type: DuckDBType): Value {
  if (value === null) return { nullValue: true };
  const typeId = type.typeId;
  if (typeId === DuckDBTypeId.BOOLEAN) return { boolValue: value as boolean };
  if (SMALL_INTEGERS.has(typeId) || typeId === DuckDBTypeId.BIGINT)
    return { intValue: String(value) };
  if (typeId === DuckDBTypeId.FLOAT || typeId === DuckDBTypeId.DOUBLE)
    return { doubleValue: value as number };
  if (value instanceof DuckDBBlobValue) return { bytesValue: Buffer.from(value.bytes) };
  const json = restValueConverter(value, type, restValueConverter);
  return { stringValue: typeof json === 'string' ? json : JSON.stringify(json) };
}
