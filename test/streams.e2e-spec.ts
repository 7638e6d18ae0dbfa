import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { InvalidArgumentError, Session } from '../src/client';
import { Coordinator, startCoordinator } from './support/coordinator';
import { callGrpc, closeGrpcClients } from './support/grpc';
import { expectNoSecretsIn } from './support/secrets';

interface Answer {
  status: number;
  body: any;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const BIG = '9007199254740993';
const DECIMAL = '1234567890123456789012345678.0123456789';

const ndjson = (records: object[]) => records.map((r) => JSON.stringify(r)).join('\n');

describe('streams over REST and gRPC', () => {
  const adminToken = randomBytes(24).toString('hex');
  const readerToken = randomBytes(24).toString('hex');
  const env = { KRISHIV_COORDINATOR_BEARER_TOKEN: adminToken, KRISHIV_UI_TOKEN: readerToken };
  let dataDir: string;
  let coordinator: Coordinator;
  const logs: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'krishiv-streams-'));
    coordinator = await startCoordinator({ env, dataDir });
  });

  afterAll(async () => {
    closeGrpcClients();
    if (coordinator) {
      logs.push(coordinator.logs());
      await coordinator.stop();
    }
    rmSync(dataDir, { recursive: true, force: true });
    expectNoSecretsIn(logs.join('\n'), [adminToken, readerToken]);
  });

  /** One REST call; `ndjson` bodies go as application/x-ndjson, `raw` ones as JSON text. */
  async function rest(
    method: string,
    path: string,
    options: { token?: string; json?: unknown; ndjson?: string; raw?: string } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${options.token ?? adminToken}`,
    };
    let body: string | undefined;
    if (options.ndjson !== undefined) {
      headers['content-type'] = 'application/x-ndjson';
      body = options.ndjson;
    } else if (options.json !== undefined || options.raw !== undefined) {
      headers['content-type'] = 'application/json';
      body = options.raw ?? JSON.stringify(options.json);
    }
    const response = await fetch(`${coordinator.httpUrl}${path}`, { method, headers, body });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  }

  const create = (name: string, columns: object[], token?: string) =>
    rest('POST', '/api/v1/streams', { json: { name, columns }, token });
  const append = (name: string, records: unknown, token?: string) =>
    rest('POST', `/api/v1/streams/${name}/records`, { json: records, token });
  const appendNdjson = (name: string, text: string, token?: string) =>
    rest('POST', `/api/v1/streams/${name}/records`, { ndjson: text, token });
  const getStream = (name: string, token?: string) =>
    rest('GET', `/api/v1/streams/${name}`, { token });

  const grpc = (method: string, request: object, token = adminToken) =>
    callGrpc(coordinator.grpcAddress, 'StreamService', method, request, token);
  const sdk = (token = adminToken) =>
    Session.connect(`http://${coordinator.grpcAddress}`, { token });

  /** Rows of a query over REST, insisting that it succeeds. */
  async function sql(statement: string, token?: string): Promise<unknown[][]> {
    const answer = await rest('POST', '/api/v1/query', { json: { sql: statement }, token });
    if (answer.status !== 200) {
      throw new Error(`${statement} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    }
    return answer.body.rows;
  }

  const count = async (name: string) => Number((await sql(`SELECT count(*) FROM ${name}`))[0][0]);

  async function created(name: string, columns: object[]): Promise<void> {
    const answer = await create(name, columns);
    if (answer.status !== 201) throw new Error(`create ${name}: ${JSON.stringify(answer.body)}`);
  }

  it('creates, lists and gets streams over both transports', async () => {
    const answer = await create('clicks', [
      { name: 'ts', type: 'timestamp' },
      { name: 'page', type: 'text' },
      { name: 'user_id', type: 'int8' },
      { name: 'amount', type: 'numeric(12, 2)' },
      { name: 'happy', type: 'bool' },
    ]);
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      name: 'clicks',
      columns: [
        { name: 'ts', type: 'TIMESTAMP' },
        { name: 'page', type: 'VARCHAR' },
        { name: 'user_id', type: 'BIGINT' },
        { name: 'amount', type: 'DECIMAL(12,2)' },
        { name: 'happy', type: 'BOOLEAN' },
      ],
      recordCount: 0,
      lastOffset: 0,
      createdBy: 'service',
      createdAt: expect.stringMatching(RFC3339),
    });

    const overGrpc = await grpc('CreateStream', {
      name: 'grpc_clicks',
      columns: [
        { name: 'page', type: 'VARCHAR' },
        { name: 'n', type: 'integer' },
      ],
    });
    expect(overGrpc.code).toBe(status.OK);
    expect(overGrpc.response).toMatchObject({
      name: 'grpc_clicks',
      columns: [
        { name: 'page', type: 'VARCHAR' },
        { name: 'n', type: 'INTEGER' },
      ],
      recordCount: '0',
      lastOffset: '0',
      createdBy: 'service',
    });

    const viaSdk = sdk();
    try {
      const stream = await viaSdk.createStream('sdk_clicks', [{ name: 'page', type: 'string' }]);
      expect(stream).toMatchObject({ name: 'sdk_clicks', recordCount: 0, lastOffset: 0 });
      expect(await viaSdk.getStream('clicks')).toEqual(answer.body);
      const names = (await viaSdk.listStreams()).map((s) => s.name);
      expect(names).toEqual(expect.arrayContaining(['clicks', 'grpc_clicks', 'sdk_clicks']));
    } finally {
      viaSdk.close();
    }

    for (const token of [adminToken, readerToken]) {
      const list = await rest('GET', '/api/v1/streams', { token });
      expect(list.status).toBe(200);
      expect(list.body.streams).toContainEqual(answer.body);
      const one = await getStream('clicks', token);
      expect(one.status).toBe(200);
      expect(one.body).toEqual(answer.body);
      const listed = await grpc('ListStreams', {}, token);
      expect(listed.code).toBe(status.OK);
      expect(listed.response.streams.map((s: { name: string }) => s.name)).toEqual(
        expect.arrayContaining(['clicks', 'grpc_clicks', 'sdk_clicks']),
      );
      const got = await grpc('GetStream', { name: 'grpc_clicks' }, token);
      expect(got.code).toBe(status.OK);
      expect(got.response.name).toBe('grpc_clicks');
    }
    // A stream is a table readers can query.
    expect(await sql('SELECT count(*) FROM clicks', readerToken)).toEqual([['0']]);
  });

  it('appends JSON arrays, NDJSON and gRPC records with consecutive offsets from 1', async () => {
    const first = await append('clicks', [
      { ts: '2026-11-28T10:00:00Z', page: '/home', user_id: 1, amount: '12.50', happy: true },
      { ts: '2026-11-28T10:00:01', page: '/cart', user_id: '2', amount: 3 },
      { page: '/empty' },
    ]);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ stream: 'clicks', appended: 3, firstOffset: 1, lastOffset: 3 });

    const lines = '{"page": "/a", "user_id": 4}\r\n\n  \n{"page": "/b", "happy": false}\n';
    const second = await appendNdjson('clicks', lines);
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ stream: 'clicks', appended: 2, firstOffset: 4, lastOffset: 5 });

    const third = await grpc('AppendRecords', {
      name: 'clicks',
      records: [
        { fields: { page: { stringValue: '/grpc' }, user_id: { intValue: '6' } } },
        { fields: { page: { nullValue: true }, amount: { stringValue: '0.01' } } },
      ],
    });
    expect(third.code).toBe(status.OK);
    expect(third.response).toEqual({
      stream: 'clicks',
      appended: '2',
      firstOffset: '6',
      lastOffset: '7',
    });

    const viaSdk = sdk();
    try {
      expect(
        await viaSdk.appendRecords('clicks', [{ page: '/sdk', user_id: 8, happy: null }]),
      ).toEqual({ stream: 'clicks', appended: 1, firstOffset: 8, lastOffset: 8 });
    } finally {
      viaSdk.close();
    }

    const stream = await getStream('clicks');
    expect(stream.body).toMatchObject({ recordCount: 8, lastOffset: 8 });
    expect(
      await sql('SELECT _offset, page, user_id, amount, happy FROM clicks ORDER BY 1'),
    ).toEqual([
      ['1', '/home', '1', '12.50', true],
      ['2', '/cart', '2', '3.00', null],
      ['3', '/empty', null, null, null],
      ['4', '/a', '4', null, null],
      ['5', '/b', null, null, false],
      ['6', '/grpc', '6', null, null],
      ['7', null, null, '0.01', null],
      ['8', '/sdk', '8', null, null],
    ]);
    expect(await sql('SELECT ts FROM clicks WHERE _offset <= 2 ORDER BY _offset')).toEqual([
      ['2026-11-28T10:00:00'],
      ['2026-11-28T10:00:01'],
    ]);
  });

  it('keeps offsets consecutive and batches contiguous under 20 concurrent appends', async () => {
    await created('burst', [
      { name: 'batch', type: 'INTEGER' },
      { name: 'i', type: 'INTEGER' },
    ]);
    const viaSdk = sdk();
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, async (_, batch) => {
          const records = Array.from({ length: 50 }, (_, i) => ({ batch, i }));
          // Every transport at once: JSON, NDJSON and gRPC appends share one offset sequence.
          if (batch % 3 === 0) return (await append('burst', records)).body;
          if (batch % 3 === 1) return (await appendNdjson('burst', ndjson(records))).body;
          return viaSdk.appendRecords('burst', records);
        }),
      );
      for (const outcome of outcomes) {
        expect(outcome).toEqual({
          stream: 'burst',
          appended: 50,
          firstOffset: expect.any(Number),
          lastOffset: outcome.firstOffset + 49,
        });
      }
      const starts = outcomes.map((o) => o.firstOffset).sort((a, b) => a - b);
      expect(starts).toEqual(Array.from({ length: 20 }, (_, k) => 1 + 50 * k));
    } finally {
      viaSdk.close();
    }

    expect((await getStream('burst')).body).toMatchObject({ recordCount: 1000, lastOffset: 1000 });
    expect(
      await sql('SELECT count(*), count(DISTINCT _offset), min(_offset), max(_offset) FROM burst'),
    ).toEqual([['1000', '1000', '1', '1000']]);
    // Each append's records sit together, in the order they were sent.
    const perBatch = await sql(
      'SELECT batch, max(_offset) - min(_offset), bool_and(_offset - min_offset = i) FROM ' +
        '(SELECT *, min(_offset) OVER (PARTITION BY batch) AS min_offset FROM burst) GROUP BY batch',
    );
    expect(perBatch).toHaveLength(20);
    for (const [, span, ordered] of perBatch) {
      expect(span).toBe('49');
      expect(ordered).toBe(true);
    }
  });

  it('keeps BIGINT beyond 2^53 and DECIMAL(38,10) exact over both transports', async () => {
    await created('exact', [
      { name: 'via', type: 'VARCHAR' },
      { name: 'id', type: 'BIGINT' },
      { name: 'amount', type: 'DECIMAL(38,10)' },
    ]);
    const overRest = await append('exact', [
      { via: 'rest', id: BIG, amount: DECIMAL },
      { via: 'rest-min', id: '-9223372036854775808', amount: '-0.0000000001' },
    ]);
    expect(overRest.status).toBe(200);
    const overNdjson = await appendNdjson(
      'exact',
      `{"via": "ndjson", "id": "9223372036854775807", "amount": "-${DECIMAL}"}`,
    );
    expect(overNdjson.status).toBe(200);
    const overGrpc = await grpc('AppendRecords', {
      name: 'exact',
      records: [
        {
          fields: {
            via: { stringValue: 'grpc' },
            id: { intValue: BIG },
            amount: { stringValue: DECIMAL },
          },
        },
      ],
    });
    expect(overGrpc.code).toBe(status.OK);
    const viaSdk = sdk();
    try {
      await viaSdk.appendRecords('exact', [
        { via: 'sdk', id: BigInt(BIG), amount: DECIMAL },
        { via: 'sdk-safe', id: Number.MAX_SAFE_INTEGER, amount: '0.5' },
      ]);
      // Read back over gRPC: BIGINT as int_value, DECIMAL as string_value.
      const result = await viaSdk.query("SELECT id, amount FROM exact WHERE via = 'sdk'");
      expect(result.rows).toEqual([[BigInt(BIG), DECIMAL]]);
    } finally {
      viaSdk.close();
    }

    expect(await sql('SELECT via, id, amount FROM exact ORDER BY _offset')).toEqual([
      ['rest', BIG, DECIMAL],
      ['rest-min', '-9223372036854775808', '-0.0000000001'],
      ['ndjson', '9223372036854775807', `-${DECIMAL}`],
      ['grpc', BIG, DECIMAL],
      ['sdk', BIG, DECIMAL],
      ['sdk-safe', String(Number.MAX_SAFE_INTEGER), '0.5000000000'],
    ]);
    const wire = await callGrpc(
      coordinator.grpcAddress,
      'QueryService',
      'ExecuteQuery',
      { sql: "SELECT id, amount FROM exact WHERE via = 'grpc'" },
      adminToken,
    );
    expect(wire.response.rows[0].values).toEqual([
      expect.objectContaining({ kind: 'intValue', intValue: BIG }),
      expect.objectContaining({ kind: 'stringValue', stringValue: DECIMAL }),
    ]);
  });

  describe('bad input is refused whole, naming the record and field', () => {
    const GOOD = { id: '1', small: 1, price: '9.99', label: 'ok', flag: true, day: '2026-11-28' };

    beforeAll(async () => {
      await created('strict', [
        { name: 'id', type: 'BIGINT' },
        { name: 'small', type: 'SMALLINT' },
        { name: 'price', type: 'DECIMAL(10,2)' },
        { name: 'label', type: 'VARCHAR' },
        { name: 'flag', type: 'BOOLEAN' },
        { name: 'day', type: 'DATE' },
      ]);
      expect((await append('strict', [GOOD])).status).toBe(200);
    });

    /** The stream still holds exactly its one good record. */
    async function expectUnchanged(): Promise<void> {
      expect(await count('strict')).toBe(1);
      expect((await getStream('strict')).body).toMatchObject({ recordCount: 1, lastOffset: 1 });
    }

    const restCases: [string, { json?: unknown; raw?: string; ndjson?: string }, RegExp][] = [
      [
        'an unknown field',
        { json: [GOOD, GOOD, { ...GOOD, colour: 'red' }] },
        /^record 2: .*"colour"/,
      ],
      ['a wrong type', { json: [GOOD, { ...GOOD, label: 5 }] }, /^record 1, field label: /],
      [
        'a SMALLINT out of range',
        { json: [GOOD, GOOD, GOOD, { ...GOOD, small: 40000 }] },
        /^record 3, field small: .*SMALLINT between -32768 and 32767/,
      ],
      [
        'a decimal with too many fraction digits',
        { json: [GOOD, { ...GOOD, price: '1.234' }] },
        /^record 1, field price: .*DECIMAL\(10,2\)/,
      ],
      [
        'a decimal with too many integer digits',
        { json: [{ ...GOOD, price: '123456789.5' }] },
        /^record 0, field price: /,
      ],
      [
        'a JSON integer beyond 2^53 for a BIGINT',
        { raw: `[{"id": 1}, {"id": ${BIG}}]` },
        /^record 1, field id: .*as strings/,
      ],
      ['a record that is not an object', { json: [GOOD, 5] }, /^record 1: /],
      ['a record that is a list', { ndjson: `${JSON.stringify(GOOD)}\n[1, 2]` }, /^record 1: /],
      ['a bad date', { json: [GOOD, { ...GOOD, day: '28/11/2026' }] }, /^record 1, field day: /],
      ['an empty array', { json: [] }, /at least one record/],
      ['an object instead of an array', { json: GOOD }, /at least one record: a JSON array/],
      [
        'an invalid NDJSON line',
        { ndjson: `${JSON.stringify(GOOD)}\n{"id": \n${JSON.stringify(GOOD)}` },
        /^NDJSON line 2 is not valid JSON/,
      ],
      ['an empty NDJSON body', { ndjson: '\n\n' }, /at least one record/],
    ];

    it.each(restCases)('REST: %s → 400, nothing appended', async (_name, body, message) => {
      const answer = await rest('POST', '/api/v1/streams/strict/records', body);
      expect(answer.status).toBe(400);
      expect(answer.body.message).toMatch(message);
      await expectUnchanged();
    });

    const wireGood = {
      id: { intValue: '1' },
      small: { intValue: '1' },
      price: { stringValue: '9.99' },
      flag: { boolValue: true },
    };
    const grpcCases: [string, object[], RegExp][] = [
      [
        'an unknown field',
        [{ fields: { colour: { stringValue: 'red' } } }],
        /^record 0: .*"colour"/,
      ],
      [
        'a wrong type',
        [{ fields: wireGood }, { fields: { ...wireGood, flag: { stringValue: 'yes' } } }],
        /^record 1, field flag: /,
      ],
      [
        'a SMALLINT out of range',
        [{ fields: wireGood }, { fields: { ...wireGood, small: { intValue: '-40000' } } }],
        /^record 1, field small: /,
      ],
      [
        'a BIGINT beyond int64 sent as text',
        [{ fields: { id: { stringValue: '9223372036854775808' } } }],
        /^record 0, field id: /,
      ],
      [
        'a decimal with too many fraction digits',
        [{ fields: wireGood }, { fields: { price: { stringValue: '0.001' } } }],
        /^record 1, field price: /,
      ],
      ['no records', [], /at least one record/],
    ];

    it.each(grpcCases)('gRPC: %s → INVALID_ARGUMENT, nothing appended', async (_n, records, m) => {
      const outcome = await grpc('AppendRecords', { name: 'strict', records });
      expect(outcome.code).toBe(status.INVALID_ARGUMENT);
      expect(outcome.message).toMatch(m);
      await expectUnchanged();
    });

    it('the SDK refuses values it cannot send, naming the record and field', async () => {
      const viaSdk = sdk();
      try {
        const local = viaSdk.appendRecords('strict', [GOOD, { ...GOOD, label: { nested: true } }]);
        await expect(local).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(local).rejects.toThrow(/^record 1, field label: cannot send an object/);
        await expect(viaSdk.appendRecords('strict', [GOOD, [GOOD]] as never)).rejects.toThrow(
          /^record 1: expected an object/,
        );
        const remote = viaSdk.appendRecords('strict', [GOOD, { small: 99999 }]);
        await expect(remote).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(remote).rejects.toThrow(/^record 1, field small: /);
      } finally {
        viaSdk.close();
      }
      await expectUnchanged();
    });

    it('a rejected append leaves no gap: the next good one continues at offset 2', async () => {
      const answer = await append('strict', [GOOD, GOOD]);
      expect(answer.body).toEqual({ stream: 'strict', appended: 2, firstOffset: 2, lastOffset: 3 });
      expect(await sql('SELECT min(_offset), max(_offset), count(*) FROM strict')).toEqual([
        ['1', '3', '3'],
      ]);
    });
  });

  it('answers 404 for an unknown stream on both transports', async () => {
    expect((await getStream('no_such_stream')).status).toBe(404);
    const appended = await append('no_such_stream', [{ a: 1 }]);
    expect(appended.status).toBe(404);
    expect(appended.body.message).toContain('no_such_stream');
    expect((await grpc('GetStream', { name: 'no_such_stream' })).code).toBe(status.NOT_FOUND);
    const overGrpc = await grpc('AppendRecords', {
      name: 'no_such_stream',
      records: [{ fields: { a: { intValue: '1' } } }],
    });
    expect(overGrpc.code).toBe(status.NOT_FOUND);
  });

  it('refuses taken names and bad definitions, creating nothing', async () => {
    const columns = [{ name: 'v', type: 'VARCHAR' }];
    const before = (await rest('GET', '/api/v1/streams')).body.streams.length;

    const duplicate = await create('clicks', columns);
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.message).toContain('clicks');
    expect((await grpc('CreateStream', { name: 'clicks', columns })).code).toBe(
      status.ALREADY_EXISTS,
    );
    expect((await create('CLICKS', columns)).status).toBe(409);

    await sql('CREATE TABLE trips (id INTEGER)');
    const table = await create('trips', columns);
    expect(table.status).toBe(409);
    expect(table.body.message).toMatch(/table named trips already exists/);
    expect((await grpc('CreateStream', { name: 'Trips', columns })).code).toBe(
      status.ALREADY_EXISTS,
    );

    const bad: [string, object[], RegExp][] = [
      ['bad_type', [{ name: 'v', type: 'BLOB' }], /columns\[0\]\.type "BLOB" is not one of/],
      ['bad_decimal', [{ name: 'v', type: 'DECIMAL(40,2)' }], /columns\[0\]\.type/],
      [
        'dup_columns',
        [
          { name: 'v', type: 'INTEGER' },
          { name: 'V', type: 'VARCHAR' },
        ],
        /columns\[1\]: V appears twice/,
      ],
      ['offset_column', [{ name: '_offset', type: 'BIGINT' }], /columns\[0\]\.name .*_offset/],
      ['offset_upper', [{ name: '_OFFSET', type: 'BIGINT' }], /_offset/],
      ['no_columns', [], /columns must be/],
      ['bad name!', columns, /^name must/],
    ];
    for (const [name, cols, message] of bad) {
      const answer = await create(name, cols);
      expect({ name, status: answer.status }).toEqual({ name, status: 400 });
      expect(answer.body.message).toMatch(message);
      const overGrpc = await grpc('CreateStream', { name, columns: cols });
      expect({ name, code: overGrpc.code }).toEqual({ name, code: status.INVALID_ARGUMENT });
      expect(overGrpc.message).toBe(answer.body.message);
    }
    expect((await rest('GET', '/api/v1/streams')).body.streams).toHaveLength(before);

    // Created at once under names that differ only in case: one wins, the others are told why.
    const raced = await Promise.all(
      ['raced_Name', 'RACED_name', 'raced_name', 'Raced_Name'].map((name) => create(name, columns)),
    );
    expect(raced.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    expect(
      (await rest('GET', '/api/v1/streams')).body.streams.filter(
        (st: { name: string }) => st.name.toLowerCase() === 'raced_name',
      ),
    ).toHaveLength(1);
  });

  it('lets a reader list, get and query streams, but not create or append', async () => {
    const before = await count('clicks');
    expect((await rest('GET', '/api/v1/streams', { token: readerToken })).status).toBe(200);
    expect((await getStream('clicks', readerToken)).status).toBe(200);
    expect(await sql('SELECT count(*) FROM clicks', readerToken)).toEqual([[String(before)]]);

    const created = await create('reader_stream', [{ name: 'v', type: 'VARCHAR' }], readerToken);
    expect(created.status).toBe(403);
    expect(created.body.requiredRole).toBe('writer');
    expect((await append('clicks', [{ page: '/x' }], readerToken)).status).toBe(403);
    expect((await appendNdjson('clicks', '{"page": "/x"}', readerToken)).status).toBe(403);
    // Authorization comes first: an unknown stream is no different.
    expect((await append('no_such_stream', [{ page: '/x' }], readerToken)).status).toBe(403);

    expect((await grpc('ListStreams', {}, readerToken)).code).toBe(status.OK);
    expect((await grpc('GetStream', { name: 'clicks' }, readerToken)).code).toBe(status.OK);
    const createOverGrpc = await grpc(
      'CreateStream',
      { name: 'reader_stream', columns: [{ name: 'v', type: 'VARCHAR' }] },
      readerToken,
    );
    expect(createOverGrpc.code).toBe(status.PERMISSION_DENIED);
    const appendOverGrpc = await grpc(
      'AppendRecords',
      { name: 'clicks', records: [{ fields: { page: { stringValue: '/x' } } }] },
      readerToken,
    );
    expect(appendOverGrpc.code).toBe(status.PERMISSION_DENIED);

    expect(await count('clicks')).toBe(before);
    expect((await getStream('reader_stream')).status).toBe(404);
  });

  it('applies the same type rules to gRPC values as to JSON values', async () => {
    await created('typed', [
      { name: 'x', type: 'DOUBLE' },
      { name: 'v', type: 'VARCHAR' },
    ]);
    // A whole number is a fine DOUBLE in JSON; the SDK sends it as int_value.
    expect((await append('typed', [{ x: 3 }])).status).toBe(200);
    const whole = await grpc('AppendRecords', {
      name: 'typed',
      records: [{ fields: { x: { intValue: '3' } } }],
    });
    expect(whole).toMatchObject({ code: status.OK });
    // A number is not a VARCHAR in JSON, so it must not be one over gRPC either.
    expect((await append('typed', [{ v: 42 }])).status).toBe(400);
    const number = await grpc('AppendRecords', {
      name: 'typed',
      records: [{ fields: { v: { intValue: '42' } } }],
    });
    expect(number.code).toBe(status.INVALID_ARGUMENT);
    expect(number.message).toMatch(/^record 0, field v: /);
  });

  it('measures the ingest rate of NDJSON batches', async () => {
    await created('ingest', [
      { name: 'ts', type: 'TIMESTAMP' },
      { name: 'page', type: 'VARCHAR' },
      { name: 'user_id', type: 'BIGINT' },
      { name: 'amount', type: 'DECIMAL(12,2)' },
    ]);
    const batches = 20;
    const size = 1000;
    const bodies = Array.from({ length: batches }, (_, b) =>
      ndjson(
        Array.from({ length: size }, (_, i) => ({
          ts: new Date(Date.UTC(2026, 10, 28, 0, 0, 0, b * size + i)).toISOString(),
          page: `/page/${i % 37}`,
          user_id: String(b * size + i),
          amount: `${i}.${String(i % 100).padStart(2, '0')}`,
        })),
      ),
    );
    const started = process.hrtime.bigint();
    for (const body of bodies) {
      const answer = await appendNdjson('ingest', body);
      expect(answer.status).toBe(200);
    }
    const restSeconds = Number(process.hrtime.bigint() - started) / 1e9;

    const records = Array.from({ length: size }, (_, i) => ({
      ts: '2026-11-28T00:00:00Z',
      page: `/page/${i % 37}`,
      user_id: BigInt(i),
      amount: `${i}.50`,
    }));
    const viaSdk = sdk();
    const grpcStarted = process.hrtime.bigint();
    try {
      for (let b = 0; b < batches; b++) await viaSdk.appendRecords('ingest', records);
    } finally {
      viaSdk.close();
    }
    const grpcSeconds = Number(process.hrtime.bigint() - grpcStarted) / 1e9;

    const total = batches * size;
    expect((await getStream('ingest')).body).toMatchObject({ lastOffset: 2 * total });
    expect(await sql('SELECT count(DISTINCT _offset), max(_offset) FROM ingest')).toEqual([
      [String(2 * total), String(2 * total)],
    ]);
    console.log(
      `stream ingest: REST NDJSON ${batches}×${size} records in ${restSeconds.toFixed(2)} s ` +
        `(${Math.round(total / restSeconds)} records/s); gRPC SDK ${batches}×${size} in ` +
        `${grpcSeconds.toFixed(2)} s (${Math.round(total / grpcSeconds)} records/s)`,
    );
  });

  it('keeps records across a restart, and appends continue at the next offset', async () => {
    const before = (await rest('GET', '/api/v1/streams')).body.streams;
    const exact = await sql('SELECT * FROM exact ORDER BY _offset');
    logs.push(coordinator.logs());
    await coordinator.stop();
    coordinator = await startCoordinator({ env, dataDir });

    expect((await rest('GET', '/api/v1/streams')).body.streams).toEqual(before);
    expect(await sql('SELECT * FROM exact ORDER BY _offset')).toEqual(exact);
    expect(
      await sql('SELECT count(*), count(DISTINCT _offset), min(_offset), max(_offset) FROM burst'),
    ).toEqual([['1000', '1000', '1', '1000']]);

    const next = await append('burst', [{ batch: 99, i: 0 }]);
    expect(next.body).toEqual({
      stream: 'burst',
      appended: 1,
      firstOffset: 1001,
      lastOffset: 1001,
    });
    const overGrpc = await grpc('AppendRecords', {
      name: 'exact',
      records: [{ fields: { via: { stringValue: 'after-restart' }, id: { intValue: BIG } } }],
    });
    expect(overGrpc.response).toMatchObject({ firstOffset: '7', lastOffset: '7' });
    expect((await getStream('burst')).body).toMatchObject({ recordCount: 1001, lastOffset: 1001 });
  });
});
