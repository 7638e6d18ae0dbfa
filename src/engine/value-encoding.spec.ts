import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { JsonValue, restValueConverter, toWireValue } from './value-encoding';

type WireValue = ReturnType<typeof toWireValue>;

interface Encoded {
  type: string;
  rest: JsonValue;
  wire: WireValue;
}

let instance: DuckDBInstance;
let connection: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
});

afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

/** Runs `SELECT <expression> AS v` and encodes the single value for both transports. */
async function encode(expression: string): Promise<Encoded> {
  const reader = await connection.runAndReadAll(`SELECT ${expression} AS v`);
  const type = reader.columnTypes()[0];
  const value = reader.getRows()[0][0];
  const rest = restValueConverter(value, type, restValueConverter);
  return { type: type.toString(), rest, wire: toWireValue(value, type) };
}

/** A REST value must survive the trip through JSON unchanged. */
function jsonRoundTrip(value: JsonValue): JsonValue {
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

const ISO_DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$/;

describe('REST and gRPC value encoding', () => {
  it('BOOLEAN → boolean / bool_value', async () => {
    expect(await encode('true')).toEqual({
      type: 'BOOLEAN',
      rest: true,
      wire: { boolValue: true },
    });
    expect(await encode('false')).toMatchObject({ rest: false, wire: { boolValue: false } });
  });

  it.each<[string, string, number]>([
    ['-5::TINYINT', 'TINYINT', -5],
    ['-300::SMALLINT', 'SMALLINT', -300],
    ['2147483647::INTEGER', 'INTEGER', 2147483647],
    ['255::UTINYINT', 'UTINYINT', 255],
    ['65535::USMALLINT', 'USMALLINT', 65535],
    ['4294967295::UINTEGER', 'UINTEGER', 4294967295],
  ])('%s → number / int_value', async (expression, type, number) => {
    expect(await encode(expression)).toEqual({
      type,
      rest: number,
      wire: { intValue: String(number) },
    });
  });

  it.each<[string, string, number]>([
    ['1.5::FLOAT', 'FLOAT', 1.5],
    ['2.25::DOUBLE', 'DOUBLE', 2.25],
    ['-0.125::DOUBLE', 'DOUBLE', -0.125],
    ['3::DOUBLE', 'DOUBLE', 3],
  ])('%s → number / double_value', async (expression, type, number) => {
    expect(await encode(expression)).toEqual({ type, rest: number, wire: { doubleValue: number } });
  });

  it('chooses the JSON type by column type, never by value: a small BIGINT is still a string', async () => {
    expect(await encode('1::BIGINT')).toEqual({
      type: 'BIGINT',
      rest: '1',
      wire: { intValue: '1' },
    });
    expect((await encode('1::HUGEINT')).rest).toBe('1');
    expect((await encode('2::DECIMAL(4,1)')).rest).toBe('2.0');
  });

  it('BIGINT → exact string / int_value beyond 2^53', async () => {
    expect(await encode('9007199254740993::BIGINT')).toEqual({
      type: 'BIGINT',
      rest: '9007199254740993',
      wire: { intValue: '9007199254740993' },
    });
    expect(await encode('(-9223372036854775807 - 1)::BIGINT')).toMatchObject({
      rest: '-9223372036854775808',
      wire: { intValue: '-9223372036854775808' },
    });
  });

  it('UBIGINT → exact string, also beyond the range of a signed 64-bit value', async () => {
    const encoded = await encode('18446744073709551615::UBIGINT');
    expect(encoded).toMatchObject({ type: 'UBIGINT', rest: '18446744073709551615' });
    expect(encoded.wire).toEqual({ stringValue: '18446744073709551615' });
  });

  it('HUGEINT → exact string / string_value', async () => {
    expect(await encode('170141183460469231731687303715884105727::HUGEINT')).toEqual({
      type: 'HUGEINT',
      rest: '170141183460469231731687303715884105727',
      wire: { stringValue: '170141183460469231731687303715884105727' },
    });
  });

  it.each<[string, string, string]>([
    ['123.456::DECIMAL(18,3)', 'DECIMAL(18,3)', '123.456'],
    ['-0.05::DECIMAL(4,2)', 'DECIMAL(4,2)', '-0.05'],
    [
      '12345678901234567890.123456789::DECIMAL(38,9)',
      'DECIMAL(38,9)',
      '12345678901234567890.123456789',
    ],
    ['0.1::DECIMAL(2,1)', 'DECIMAL(2,1)', '0.1'],
  ])('%s → lossless string / string_value', async (expression, type, text) => {
    expect(await encode(expression)).toEqual({ type, rest: text, wire: { stringValue: text } });
  });

  it('DATE → ISO 8601 date', async () => {
    expect(await encode("DATE '2024-01-02'")).toEqual({
      type: 'DATE',
      rest: '2024-01-02',
      wire: { stringValue: '2024-01-02' },
    });
  });

  it('TIME → ISO 8601 time', async () => {
    expect(await encode("TIME '03:04:05.123'")).toEqual({
      type: 'TIME',
      rest: '03:04:05.123',
      wire: { stringValue: '03:04:05.123' },
    });
  });

  it.each<[string, string, string]>([
    ["TIMESTAMP '2024-01-02 03:04:05.123456'", 'TIMESTAMP', '2024-01-02T03:04:05.123456'],
    ["TIMESTAMP '2024-01-02 03:04:05'", 'TIMESTAMP', '2024-01-02T03:04:05'],
    ["'2024-01-02 03:04:05'::TIMESTAMP_S", 'TIMESTAMP_S', '2024-01-02T03:04:05'],
    ["'2024-01-02 03:04:05.123'::TIMESTAMP_MS", 'TIMESTAMP_MS', '2024-01-02T03:04:05.123'],
    [
      "'2024-01-02 03:04:05.123456789'::TIMESTAMP_NS",
      'TIMESTAMP_NS',
      '2024-01-02T03:04:05.123456789',
    ],
  ])('%s → ISO 8601 date-time', async (expression, type, iso) => {
    const encoded = await encode(expression);
    expect(encoded).toEqual({ type, rest: iso, wire: { stringValue: iso } });
    expect(encoded.rest).toMatch(ISO_DATE_TIME);
  });

  it('TIMESTAMPTZ → ISO 8601 date-time with offset, denoting the same instant', async () => {
    const encoded = await encode("TIMESTAMPTZ '2024-01-02 03:04:05.5-05:30'");
    expect(encoded.type).toBe('TIMESTAMP WITH TIME ZONE');
    expect(encoded.rest).toMatch(ISO_DATE_TIME);
    expect(encoded.rest).toMatch(/(Z|[+-]\d{2}:\d{2})$/);
    expect(Date.parse(encoded.rest as string)).toBe(Date.parse('2024-01-02T08:34:05.500Z'));
    expect(encoded.wire).toEqual({ stringValue: encoded.rest });
  });

  it('dates and timestamps before the common era are still ISO 8601', async () => {
    // ISO 8601 numbers years astronomically: 44 BC is year -0043.
    expect((await encode("DATE '0044-03-15 (BC)'")).rest).toBe('-0043-03-15');
    expect((await encode("TIMESTAMP '0044-03-15 (BC) 10:00:00'")).rest).toBe(
      '-0043-03-15T10:00:00',
    );
  });

  it('infinite dates and timestamps are spelled alike', async () => {
    expect((await encode("'infinity'::TIMESTAMP")).rest).toBe('infinity');
    expect((await encode("'-infinity'::TIMESTAMP")).rest).toBe('-infinity');
    expect((await encode("'infinity'::DATE")).rest).toBe('infinity');
    expect((await encode("'-infinity'::DATE")).rest).toBe('-infinity');
  });

  it('BLOB → base64 / bytes_value', async () => {
    const encoded = await encode("'\\xDE\\xAD\\xBE\\xEF\\x00'::BLOB");
    expect(encoded.type).toBe('BLOB');
    expect(encoded.rest).toBe(Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00]).toString('base64'));
    expect(encoded.wire).toEqual({ bytesValue: Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00]) });
  });

  it('VARCHAR → string / string_value', async () => {
    expect(await encode('\'héllo, "world"\'')).toEqual({
      type: 'VARCHAR',
      rest: 'héllo, "world"',
      wire: { stringValue: 'héllo, "world"' },
    });
  });

  it('LIST → JSON array, with the same rules for its elements', async () => {
    expect(await encode('[1, 2, 3]')).toEqual({
      type: 'INTEGER[]',
      rest: [1, 2, 3],
      wire: { stringValue: '[1,2,3]' },
    });
    expect((await encode('[9007199254740993::BIGINT, NULL]')).rest).toEqual([
      '9007199254740993',
      null,
    ]);
    expect((await encode("[TIMESTAMP '2024-01-02 03:04:05']")).rest).toEqual([
      '2024-01-02T03:04:05',
    ]);
    expect((await encode("['\\x01\\x02'::BLOB]")).rest).toEqual(['AQI=']);
  });

  it('STRUCT → JSON object, with the same rules for its fields', async () => {
    const encoded = await encode(
      "{'n': 1, 's': 'x', 'd': 1.5::DECIMAL(3,1), 'day': DATE '2024-01-02', 'big': 2::BIGINT, 'inner': {'ok': true}}",
    );
    const expected = {
      n: 1,
      s: 'x',
      d: '1.5',
      day: '2024-01-02',
      big: '2',
      inner: { ok: true },
    };
    expect(encoded.rest).toEqual(expected);
    expect(jsonRoundTrip(encoded.rest)).toEqual(expected);
    expect(JSON.parse((encoded.wire as { stringValue: string }).stringValue)).toEqual(expected);
  });

  it('MAP → JSON', async () => {
    const encoded = await encode("MAP {'k': 1, 'j': 2}");
    expect(encoded.type).toBe('MAP(VARCHAR, INTEGER)');
    expect(jsonRoundTrip(encoded.rest)).toEqual(encoded.rest);
    expect(encoded.rest).toEqual([
      { key: 'k', value: 1 },
      { key: 'j', value: 2 },
    ]);
    expect(JSON.parse((encoded.wire as { stringValue: string }).stringValue)).toEqual(encoded.rest);
  });

  it.each(['NULL', 'NULL::INTEGER', 'NULL::BIGINT', 'NULL::BLOB', 'NULL::DATE', 'NULL::INTEGER[]'])(
    '%s → null / null_value',
    async (expression) => {
      const encoded = await encode(expression);
      expect(encoded.rest).toBeNull();
      expect(encoded.wire).toEqual({ nullValue: true });
    },
  );

  it('every REST value of a wide row survives JSON unchanged', async () => {
    const reader = await connection.runAndReadAll(
      "SELECT 1::BIGINT a, 2.5::DECIMAL(3,1) b, DATE '2024-01-02' c, [1] d, {'x': 1} e, '\\x00'::BLOB f, true g, NULL h",
    );
    const types = reader.columnTypes();
    const row = reader
      .getRows()[0]
      .map((value, i) => restValueConverter(value, types[i], restValueConverter));
    expect(jsonRoundTrip(row)).toEqual(row);
  });
});
