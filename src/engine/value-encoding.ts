import {
  DuckDBBlobValue,
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

/** `2024-01-02 03:04:05.1+00` → `2024-01-02T03:04:05.1+00:00` (ISO 8601 / RFC 3339). */
function isoTimestamp(text: string): string {
  if (!/^\d/.test(text)) return text; // infinity, -infinity
  const t = text.replace(' ', 'T');
  return /[+-]\d{2}$/.test(t) ? `${t}:00` : t;
}

/**
 * JSON values chosen by column type, never by value (CONTRACT §6): 64-bit and wider integers and
 * decimals as exact strings, date/time as ISO 8601, blobs as base64, nested types as JSON. The
 * converter passes itself down, so the same rules apply inside lists, structs and maps.
 */
export const restValueConverter: DuckDBValueConverter<JsonValue> = (value, type, converter) => {
  if (value === null) return null;
  if (value instanceof DuckDBBlobValue) return Buffer.from(value.bytes).toString('base64');
  if (TIMESTAMP_TYPES.has(type.typeId)) return isoTimestamp(String(value));
  return JsonDuckDBValueConverter(value, type, converter) as JsonValue;
};

/** One gRPC `Value`, chosen by the column's type like the REST encoding. */
export function toWireValue(value: DuckDBValue, typeId: DuckDBTypeId, json: JsonValue): Value {
  if (value === null) return { nullValue: true };
  if (typeId === DuckDBTypeId.BOOLEAN) return { boolValue: value as boolean };
  if (SMALL_INTEGERS.has(typeId) || typeId === DuckDBTypeId.BIGINT)
    return { intValue: String(value) };
  if (typeId === DuckDBTypeId.FLOAT || typeId === DuckDBTypeId.DOUBLE)
    return { doubleValue: value as number };
  if (value instanceof DuckDBBlobValue) return { bytesValue: Buffer.from(value.bytes) };
  return { stringValue: typeof json === 'string' ? json : JSON.stringify(json) };
}
