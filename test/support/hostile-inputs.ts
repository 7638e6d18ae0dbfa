import * as fc from 'fast-check';

/**
 * Seeded generators of hostile input for test/hostile-input.e2e-spec.ts: mutated JWTs, request
 * bodies and query strings derived from an OpenAPI schema, malformed protobuf bytes and SQL from
 * a small grammar. Each returns plain values (fc.sample with the run's seed), so a failure is
 * reproduced by running the suite again with the printed seed.
 */

/** The seed of this run: `KRISHIV_TEST_SEED` replays one, otherwise a fresh one is drawn. */
export function runSeed(): number {
  const fromEnv = process.env.KRISHIV_TEST_SEED;
  if (fromEnv !== undefined && fromEnv !== '') {
    const seed = Number(fromEnv);
    if (!Number.isSafeInteger(seed)) throw new Error(`KRISHIV_TEST_SEED must be an integer`);
    return seed;
  }
  return Math.floor(Math.random() * 0x7fffffff);
}

/** `count` values of `arb`, reproducible from `seed`. */
export function sampleOf<T>(arb: fc.Arbitrary<T>, seed: number, count: number): T[] {
  return fc.sample(arb, { seed, numRuns: count });
}

// ── JWTs ─────────────────────────────────────────────────────────────────────────────────────

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const b64urlJson = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/**
 * One JSON segment as an object to mutate. An earlier mutation may have left a number, a string or
 * `null` there; that counts as an empty object, so the next mutation writes a fresh one.
 */
const decodeJson = (segment: string): Record<string, unknown> => {
  const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
};

/** A string with one character replaced at `at` (modulo the length). */
const replaceAt = (s: string, at: number, ch: string) => {
  if (s.length === 0) return ch;
  const i = at % s.length;
  return s.slice(0, i) + ch + s.slice(i + 1);
};
const insertAt = (s: string, at: number, text: string) => {
  const i = s.length === 0 ? 0 : at % (s.length + 1);
  return s.slice(0, i) + text + s.slice(i);
};

type Mutation = (token: string) => string;

/** Hostile values for one header or claim. */
const hostileClaimValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    1e308,
    -1e308,
    2 ** 53 + 1,
    '',
    ' ',
    'none',
    'None',
    'NONE',
    'HS256',
    'HS512',
    'RS256',
    'ES256',
    'PS256',
    'EdDSA',
    'RS1',
    'admin',
    ['admin'],
    'krishiv:admin',
    ['reader', 'admin'],
    '../../../../etc/passwd',
    'http://169.254.169.254/latest/meta-data/',
    { $ne: null },
    [],
    {},
    '\u0000',
    '\ud800',
    'JWT',
    'at+jwt',
    'JWS',
    'application/jwt',
  ),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.string({ minLength: 1000, maxLength: 5000 }),
);

const HEADER_KEYS = ['alg', 'kid', 'typ', 'cty', 'crit', 'jku', 'x5u', 'jwk', 'x5c', 'b64', 'zip'];
const CLAIM_KEYS = [
  'exp',
  'nbf',
  'iat',
  'aud',
  'iss',
  'sub',
  'client_id',
  'azp',
  'scope',
  'https://krishiv/roles',
  'groups',
  'realm_access',
  '__proto__',
  'constructor',
];

/** Rewrites one JSON segment (0 header, 1 payload), keeping the other two segments as signed. */
const jsonSegmentMutation = (segment: 0 | 1, keys: string[]): fc.Arbitrary<Mutation> =>
  fc
    .tuple(
      fc.constantFrom(...keys),
      hostileClaimValue,
      fc.constantFrom('set', 'delete', 'replace-all', 'array', 'duplicate-key'),
    )
    .map(([key, value, how]) => (token: string) => {
      const parts = token.split('.');
      let json: Record<string, unknown>;
      try {
        json = decodeJson(parts[segment]);
      } catch {
        return token + '.';
      }
      let text: string;
      if (how === 'delete') {
        delete json[key];
        text = JSON.stringify(json);
      } else if (how === 'replace-all') {
        text = JSON.stringify({ [key]: value });
      } else if (how === 'array') {
        text = JSON.stringify([json]);
      } else if (how === 'duplicate-key') {
        // Two values for one name: parsers disagree on which wins (RFC 7515 §4 says reject).
        text = JSON.stringify(json).replace(
          /^\{/,
          `{${JSON.stringify(key)}:${JSON.stringify(value ?? null)},`,
        );
      } else {
        json[key] = value;
        text = JSON.stringify(json);
      }
      parts[segment] = Buffer.from(text).toString('base64url');
      return parts.join('.');
    });

const MUTATIONS: fc.Arbitrary<Mutation> = fc.oneof(
  // A bit flipped in the 6-bit value of one base64url character: the text stays base64url.
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 5 })).map(([at, bit]) => (t: string) => {
    const i = at % t.length;
    const v = B64URL.indexOf(t[i]);
    return v === -1 ? t : replaceAt(t, i, B64URL[v ^ (1 << bit)]);
  }),
  // A bit flipped in the character itself, kept printable ASCII so both transports can carry it.
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 6 })).map(([at, bit]) => (t: string) => {
    const i = at % t.length;
    const code = t.charCodeAt(i) ^ (1 << bit);
    return replaceAt(t, i, String.fromCharCode(code < 0x21 || code > 0x7e ? 0x21 : code));
  }),
  fc.nat().map((n) => (t: string) => t.slice(0, n % t.length)),
  fc.nat().map((n) => (t: string) => t.slice(n % t.length)),
  jsonSegmentMutation(0, HEADER_KEYS),
  jsonSegmentMutation(1, CLAIM_KEYS),
  // Header swapped for a hand-made one, signature kept.
  fc
    .record({
      alg: fc.constantFrom('none', 'HS256', 'RS256', 'ES256', 'PS256', 'RS512', 'nOnE', ''),
      kid: fc.option(fc.oneof(fc.string({ maxLength: 30 }), fc.constant('../jwks.json')), {
        nil: undefined,
      }),
      typ: fc.option(fc.constantFrom('JWT', 'at+jwt', 'JWE', ''), { nil: undefined }),
    })
    .map((header) => (t: string) => {
      const [, payload, signature] = t.split('.');
      return `${b64urlJson(header)}.${payload}.${header.alg === 'none' ? '' : signature}`;
    }),
  // Huge segments (beyond and around the 16 KiB limit).
  fc
    .tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 40_000 }))
    .map(([segment, size]) => (t: string) => {
      const parts = t.split('.');
      parts[segment] = (parts[segment] ?? '') + 'A'.repeat(size);
      return parts.join('.');
    }),
  // Characters outside base64url, in any segment.
  fc
    .tuple(
      fc.nat(),
      fc.constantFrom(
        '+',
        '/',
        '=',
        '==',
        '!',
        '%',
        '~',
        '*',
        '"',
        '\\',
        ',',
        ';',
        '%00',
        '\t',
        ' ',
      ),
    )
    .map(
      ([at, junk]) =>
        (t: string) =>
          insertAt(t, at, junk),
    ),
  // Standard base64 instead of base64url, with padding.
  fc.constant((t: string) =>
    t
      .split('.')
      .map((s) => Buffer.from(s, 'base64url').toString('base64'))
      .join('.'),
  ),
  // Dots: duplicated, added at either end, removed, or a fourth and fifth segment (JWE shape).
  fc.nat().map((at) => (t: string) => {
    const dots = [...t.matchAll(/\./g)].map((m) => m.index);
    const i = dots.length ? dots[at % dots.length] : 0;
    return insertAt(t, i, '.');
  }),
  fc.constantFrom<Mutation>(
    (t) => `.${t}`,
    (t) => `${t}.`,
    (t) => t.replace(/\./g, ''),
    (t) => t.replace('.', ''),
    (t) => `${t}.${t.split('.')[1]}`,
    (t) => `${t}.e30.e30`,
    (t) => t.split('.').reverse().join('.'),
    (t) => {
      const [h, p] = t.split('.');
      return `${h}.${p}.`;
    },
    (t) => {
      const [h, , s] = t.split('.');
      return `${h}.${h}.${s}`;
    },
    (t) => {
      const [h, p, s = ''] = t.split('.');
      return `${h}.${p}.${s.slice(0, s.length / 2)}`;
    },
    (t) => {
      const [h, p, s = ''] = t.split('.');
      return `${h}.${p}.${Buffer.from(s, 'base64url').reverse().toString('base64url')}`;
    },
    // The signature's last character with a different unused low bit: the same signature bytes
    // in a non-canonical spelling (RFC 4648 §3.5), which must not pass as the same credential.
    (t) => {
      const [h, p, s = ''] = t.split('.');
      const v = B64URL.indexOf(s[s.length - 1]);
      return v === -1 ? t : `${h}.${p}.${s.slice(0, -1)}${B64URL[v ^ 1]}`;
    },
    (t) => t.toUpperCase(),
    (t) => t.toLowerCase(),
    (t) => Buffer.from(t).toString('base64url'),
    (t) => encodeURIComponent(t).replace(/\./g, '%2E'),
  ),
  // Random printable garbage in place of a segment.
  fc
    .tuple(fc.integer({ min: 0, max: 2 }), fc.string({ unit: 'grapheme-ascii', maxLength: 200 }))
    .map(([segment, text]) => (t: string) => {
      const parts = t.split('.');
      parts[segment] = text.replace(/[^\x21-\x7e]/g, '');
      return parts.join('.');
    }),
);

/**
 * A valid token changed by one to three mutations. Kept under 60,000 characters: beyond the
 * server's 64 KiB header limit Node's HTTP parser drops the connection before any route runs.
 */
export const mutatedJwt = (token: string): fc.Arbitrary<string> =>
  fc
    .array(MUTATIONS, { minLength: 1, maxLength: 3 })
    .map((steps) => steps.reduce((t, step) => step(t), token).slice(0, 60_000));

/** True when the text is a token the gRPC metadata API accepts (printable ASCII). */
export const isPrintableAscii = (s: string) => /^[\x20-\x7e]*$/.test(s);

// ── REST requests from the OpenAPI document ──────────────────────────────────────────────────

export interface JsonSchema {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  example?: unknown;
  $ref?: string;
  minimum?: number;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, JsonSchema> };
}

export interface OpenApiOperation {
  parameters?: { name: string; in: 'path' | 'query' | 'header'; schema?: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  security?: unknown[];
}

/** One generated request: a path (already encoded), a content type and raw body bytes. */
export interface HostileRequest {
  path: string;
  contentType?: string;
  body?: Buffer;
  /** What was done to it, for failure messages. */
  recipe: string;
}

const resolve = (doc: OpenApiDocument, schema: JsonSchema | undefined): JsonSchema => {
  let s = schema ?? {};
  for (let i = 0; s.$ref && i < 10; i++) {
    s = doc.components.schemas[s.$ref.replace('#/components/schemas/', '')] ?? {};
  }
  return s;
};

/** Bytes that are not UTF-8: a lone continuation byte, an overlong '/', a surrogate, a 0xFF. */
const INVALID_UTF8 = [
  Buffer.from([0x80]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xff, 0xfe]),
  Buffer.from([0xf4, 0x90, 0x80, 0x80]),
  Buffer.from([0xe2, 0x82]),
];

const nest = (depth: number, kind: 'array' | 'object', leaf: unknown): unknown => {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { a: value };
  return value;
};

/** The text of a JSON document nested `depth` levels, without building it recursively. */
const nestedText = (depth: number, kind: 'array' | 'object') =>
  kind === 'array'
    ? '['.repeat(depth) + '1' + ']'.repeat(depth)
    : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

const hugeString = fc
  .tuple(
    fc.constantFrom('x', 'é', '😀', '\u0000', "'", '"', '\\', '%', '\ud800', ';DROP TABLE t;--'),
    fc.integer({ min: 1_000, max: 400_000 }),
  )
  .map(([unit, n]) => unit.repeat(Math.ceil(n / unit.length)));

const hostileScalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    -0,
    1.5,
    1e308,
    -1e308,
    2 ** 53 + 1,
    Number.MAX_SAFE_INTEGER,
    '',
    ' ',
    '0',
    '-1',
    '1e999',
    'NaN',
    'Infinity',
    'true',
    'null',
    '[]',
    '{}',
    '__proto__',
    '../../../etc/passwd',
    '%00',
    '\u0000',
    '\ud800\udc00\ud800',
    '\u202e',
    'SELECT 1',
    "'; DROP TABLE canary; --",
    'batch',
    'streaming',
    'INTEGER',
    'DECIMAL(1000,2000)',
    'VARCHAR); DROP TABLE x; --',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.double(),
  hugeString,
);

/** A value shaped after `schema`, or deliberately not. */
function hostileValue(
  doc: OpenApiDocument,
  schema: JsonSchema | undefined,
  depth = 0,
): fc.Arbitrary<unknown> {
  const s = resolve(doc, schema);
  const wrong = fc.oneof(
    hostileScalar,
    fc.constantFrom([], {}, [null], [{}], { __proto__: { admin: true } }),
    // Deeper documents come as raw text (rawBody): JSON.stringify itself stops near 10,000 levels.
    fc.integer({ min: 1, max: 2_000 }).map((d) => nest(d, 'array', 1)),
    fc.integer({ min: 1, max: 2_000 }).map((d) => nest(d, 'object', 1)),
    fc.jsonValue({ maxDepth: 3 }),
  );
  if (depth > 3) return wrong;
  const right: fc.Arbitrary<unknown> = s.enum
    ? fc.constantFrom(...s.enum)
    : s.type === 'string'
      ? fc.oneof(fc.constant(s.example ?? 'x'), fc.string({ maxLength: 30 }))
      : s.type === 'number' || s.type === 'integer'
        ? fc.oneof(fc.integer({ min: -5, max: 100_000 }), fc.double())
        : s.type === 'boolean'
          ? fc.boolean()
          : s.type === 'array'
            ? fc.array(hostileValue(doc, s.items, depth + 1), { maxLength: 5 })
            : s.properties
              ? hostileObject(doc, s, depth + 1)
              : fc.jsonValue({ maxDepth: 2 });
  return fc.oneof({ arbitrary: right, weight: 2 }, { arbitrary: wrong, weight: 1 });
}

/** An object after `schema` with fields missing, extra, of the wrong type, or huge. */
function hostileObject(
  doc: OpenApiDocument,
  schema: JsonSchema,
  depth: number,
): fc.Arbitrary<unknown> {
  const names = Object.keys(schema.properties ?? {});
  const fields = Object.fromEntries(
    names.map((name) => [
      name,
      fc.option(hostileValue(doc, schema.properties![name], depth), { nil: undefined, freq: 4 }),
    ]),
  );
  const extras = fc.dictionary(
    fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom(
        '__proto__',
        'constructor',
        'prototype',
        'role',
        'submittedBy',
        'id',
        'state',
      ),
    ),
    hostileScalar,
    { maxKeys: 3 },
  );
  return fc.tuple(fc.record(fields), extras).map(([known, extra]) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(known)) if (v !== undefined) out[k] = v;
    for (const [k, v] of Object.entries(extra))
      Object.defineProperty(out, k, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return out;
  });
}

/** Raw bodies that are not what any JSON parser should swallow quietly. */
const rawBody = (
  jsonBody: fc.Arbitrary<unknown>,
): fc.Arbitrary<{ contentType?: string; body: Buffer; recipe: string }> =>
  fc.oneof(
    jsonBody.map((value) => ({
      contentType: 'application/json',
      body: Buffer.from(JSON.stringify(value) ?? 'null'),
      recipe: 'json',
    })),
    fc.tuple(jsonBody, fc.constantFrom(...INVALID_UTF8), fc.nat()).map(([value, bad, at]) => {
      // Invalid UTF-8 spliced into a JSON string value (right after an opening quote).
      const text = Buffer.from(JSON.stringify(value) ?? '""');
      const quotes = [...text.entries()].filter(([, b]) => b === 0x22).map(([i]) => i);
      const i = quotes.length ? quotes[at % quotes.length] + 1 : 0;
      return {
        contentType: 'application/json',
        body: Buffer.concat([text.subarray(0, i), bad, text.subarray(i)]),
        recipe: 'json with invalid UTF-8',
      };
    }),
    fc
      .tuple(
        fc.integer({ min: 100, max: 200_000 }),
        fc.constantFrom<'array' | 'object'>('array', 'object'),
      )
      .map(([depth, kind]) => ({
        contentType: 'application/json',
        body: Buffer.from(nestedText(depth, kind)),
        recipe: `nested ${kind} ${depth}`,
      })),
    jsonBody.chain((value) =>
      fc.nat().map((n) => {
        const text = JSON.stringify(value) ?? '{}';
        return {
          contentType: 'application/json',
          body: Buffer.from(text.slice(0, n % (text.length + 1))),
          recipe: 'truncated json',
        };
      }),
    ),
    fc.constantFrom(
      { contentType: 'application/json', body: Buffer.alloc(0), recipe: 'empty json' },
      { contentType: 'application/json', body: Buffer.from('null'), recipe: 'null' },
      { contentType: 'application/json', body: Buffer.from('"just a string"'), recipe: 'string' },
      { contentType: 'application/json', body: Buffer.from('12'), recipe: 'number' },
      { contentType: 'application/json', body: Buffer.from('\ufeff{}'), recipe: 'BOM' },
      {
        contentType: 'application/json',
        body: Buffer.from('{"sql":"SELECT 1","sql":{"a":1}}'),
        recipe: 'duplicate keys',
      },
      {
        contentType: 'application/json',
        body: Buffer.from('{"__proto__":{"role":"admin"},"constructor":{"prototype":{"x":1}}}'),
        recipe: 'proto pollution',
      },
      {
        contentType: 'application/json; charset=utf-16',
        body: Buffer.from('{}', 'utf16le'),
        recipe: 'utf-16',
      },
      { contentType: 'text/plain', body: Buffer.from('SELECT 1'), recipe: 'text/plain' },
      {
        contentType: 'application/x-www-form-urlencoded',
        body: Buffer.from('sql=SELECT+1&name[]=x'),
        recipe: 'form',
      },
      {
        contentType: 'multipart/form-data; boundary=x',
        body: Buffer.from(
          '--x\r\nContent-Disposition: form-data; name="sql"\r\n\r\nSELECT 1\r\n--x--',
        ),
        recipe: 'multipart',
      },
      {
        contentType: 'application/x-ndjson',
        body: Buffer.from('{"a":1}\n{bad\n'),
        recipe: 'bad ndjson',
      },
      {
        contentType: 'application/x-ndjson',
        body: Buffer.from('1\n"x"\nnull\n[]\n'),
        recipe: 'ndjson scalars',
      },
      {
        contentType: 'application/x-ndjson',
        body: Buffer.concat([Buffer.from('{"v":"'), Buffer.from([0xff]), Buffer.from('"}\n')]),
        recipe: 'ndjson invalid UTF-8',
      },
      { contentType: undefined, body: Buffer.from('{}'), recipe: 'no content type' },
      {
        contentType: 'application/json',
        body: Buffer.alloc(3 * 1024 * 1024, 0x20),
        recipe: 'over the body limit',
      },
    ),
  );

/** encodeURIComponent, with lone surrogates sent as the UTF-8 bytes of U+FFFD. */
const percentEncode = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return encodeURIComponent(Buffer.from(s).toString('utf8'));
  }
};

/** Hostile text for one path or query parameter, percent-encoded or raw. */
const hostileParam = (
  doc: OpenApiDocument,
  schema: JsonSchema | undefined,
  sample?: string,
): fc.Arbitrary<string> =>
  fc.oneof(
    hostileValue(doc, schema).map((v) =>
      percentEncode(
        typeof v === 'string' ? v.slice(0, 20_000) : (JSON.stringify(v)?.slice(0, 20_000) ?? ''),
      ),
    ),
    fc.constantFrom(
      '%ff%fe',
      '%c0%af',
      '%ed%a0%80',
      '%00',
      '%',
      '%zz',
      '..%2F..%2Fetc%2Fpasswd',
      '%2e%2e',
      'a%0d%0aSet-Cookie:%20x=1',
      '-1',
      '1e9',
      '99999999999999999999999',
      '0x10',
      'NaN',
      '',
    ),
    fc.constant(sample ?? 'x'),
  );

/**
 * Requests for one operation of the OpenAPI document: path parameters, query strings (with
 * repeated names) and bodies generated from its schema, and raw bodies no schema allows.
 * `samples` gives a real value per path parameter (an existing job, stream, savepoint), so
 * bodies also reach the validation behind the lookup.
 */
export function hostileRequests(
  doc: OpenApiDocument,
  path: string,
  op: OpenApiOperation,
  samples: Record<string, string>,
  method: string,
): fc.Arbitrary<HostileRequest> {
  const params = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const pathArb = fc
    .tuple(
      ...pathParams.map((p) =>
        fc.oneof(
          { arbitrary: fc.constant(percentEncode(samples[p.name] ?? 'x')), weight: 2 },
          { arbitrary: hostileParam(doc, p.schema, samples[p.name]), weight: 1 },
        ),
      ),
    )
    .map((values) => {
      let i = 0;
      return path.replace(/\{\w+\}/g, () => values[i++]);
    });
  const queryArb = fc
    .array(
      fc.tuple(
        fc.oneof(
          {
            arbitrary: fc.constantFrom(
              ...(queryParams.length ? queryParams.map((p) => p.name) : ['x']),
            ),
            weight: 4,
          },
          {
            arbitrary: fc.constantFrom(
              '__proto__',
              'constructor[prototype]',
              'a[b]',
              '',
              '%ff',
              'x'.repeat(1000),
            ),
            weight: 1,
          },
        ),
        fc
          .constantFrom(
            ...(queryParams.length
              ? queryParams
              : [{ name: 'x', in: 'query' as const, schema: undefined }]),
          )
          .chain((p) => hostileParam(doc, p.schema)),
      ),
      { maxLength: 4 },
    )
    .map((pairs) =>
      pairs.length
        ? '?' + pairs.map(([k, v]) => `${k.startsWith('%') ? k : percentEncode(k)}=${v}`).join('&')
        : '',
    );
  const content = op.requestBody?.content;
  const schema = content?.['application/json']?.schema;
  const bodyArb =
    method === 'GET' || method === 'DELETE'
      ? fc.constant(undefined)
      : fc.option(rawBody(hostileValue(doc, schema)), { nil: undefined, freq: 8 });
  return fc.tuple(pathArb, queryArb, bodyArb).map(([p, q, body]) => ({
    path: p + q,
    contentType: body?.contentType,
    body: body?.body,
    recipe: body ? `${body.recipe} (${body.body.length} bytes)` : 'no body',
  }));
}

// ── protobuf bytes ───────────────────────────────────────────────────────────────────────────

const varint = (value: bigint): number[] => {
  const out: number[] = [];
  let v = BigInt.asUintN(64, value);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
};
const tag = (field: number, wire: number) => varint((BigInt(field) << 3n) | BigInt(wire));

/** One field on the wire, well- or ill-formed. */
const wireField: fc.Arbitrary<number[]> = fc.oneof(
  // A field of any number with any wire type (3/4 are groups, 6/7 do not exist).
  fc
    .tuple(
      fc.oneof(fc.integer({ min: 1, max: 8 }), fc.constantFrom(0, 19000, 536870911)),
      fc.integer({ min: 0, max: 7 }),
      fc.uint8Array({ maxLength: 12 }),
    )
    .map(([field, wire, payload]) => [...tag(field, wire), ...payload]),
  // Length-delimited with a length that lies (longer than the message, or 2^63).
  fc
    .tuple(
      fc.integer({ min: 1, max: 8 }),
      fc.oneof(fc.integer({ min: 0, max: 1 << 20 }), fc.constant(2 ** 31)),
      fc.uint8Array({ maxLength: 8 }),
    )
    .map(([field, length, payload]) => [...tag(field, 2), ...varint(BigInt(length)), ...payload]),
  fc.integer({ min: 1, max: 8 }).map((field) => [...tag(field, 2), ...varint(1n << 63n)]),
  // A varint that never ends, or is 11 bytes long.
  fc.integer({ min: 1, max: 8 }).map((field) => [...tag(field, 0), ...Array(11).fill(0xff), 0x01]),
  fc.integer({ min: 1, max: 8 }).map((field) => [...tag(field, 0), 0xff, 0xff]),
  // A string/bytes field holding bytes that are not UTF-8.
  fc
    .tuple(fc.integer({ min: 1, max: 8 }), fc.constantFrom(...INVALID_UTF8))
    .map(([field, bad]) => [...tag(field, 2), ...varint(BigInt(bad.length)), ...bad]),
  // Nested messages many levels deep.
  fc
    .tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 10, max: 2000 }))
    .map(([field, depth]) => {
      let inner: number[] = [...tag(1, 0), 1];
      for (let i = 0; i < depth; i++)
        inner = [...tag(field, 2), ...varint(BigInt(inner.length)), ...inner];
      return inner;
    }),
  // An unterminated group, and a group end with no start.
  fc.integer({ min: 1, max: 8 }).map((field) => tag(field, 3)),
  fc.integer({ min: 1, max: 8 }).map((field) => tag(field, 4)),
  // Huge but well-formed string values.
  fc
    .tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1000, max: 1 << 20 }))
    .map(([field, n]) => [...tag(field, 2), ...varint(BigInt(n)), ...Buffer.alloc(n, 0x41)]),
);

/** Malformed request bytes for an RPC whose well-formed request encodes to `valid`. */
export const malformedProtobuf = (valid: Buffer): fc.Arbitrary<{ bytes: Buffer; recipe: string }> =>
  fc.oneof(
    fc
      .uint8Array({ minLength: 1, maxLength: 64 })
      .map((b) => ({ bytes: Buffer.from(b), recipe: 'random bytes' })),
    fc
      .array(wireField, { minLength: 1, maxLength: 4 })
      .map((fields) => ({ bytes: Buffer.from(fields.flat()), recipe: 'crafted fields' })),
    fc
      .tuple(fc.array(wireField, { maxLength: 2 }), fc.array(wireField, { maxLength: 2 }))
      .map(([before, after]) => ({
        bytes: Buffer.from([...before.flat(), ...valid, ...after.flat()]),
        recipe: 'valid message with crafted fields around it',
      })),
    fc.nat().map((n) => ({
      bytes: valid.subarray(0, valid.length ? n % valid.length : 0),
      recipe: 'truncated',
    })),
    fc
      .array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 4 })
      .map((flips) => {
        const bytes = Buffer.from(valid.length ? valid : Buffer.from([0x0a, 0x00]));
        for (const [at, bit] of flips) bytes[at % bytes.length] ^= 1 << bit;
        return { bytes, recipe: 'bit flips' };
      }),
  );

// ── SQL from a grammar ───────────────────────────────────────────────────────────────────────

/**
 * Statements a reader must never get to write with: every kind the engine knows, nested
 * expressions, every quoting style, comments hiding statements, and several statements per
 * request. `canary` is a table with rows, `seq` a sequence, `files` the data dir's file folder.
 */
export function sqlRequest(canary: string, seq: string): fc.Arbitrary<string> {
  const ident = fc.oneof(
    { arbitrary: fc.constant(canary), weight: 3 },
    fc.constantFrom(
      canary,
      `"${canary}"`,
      `main.${canary}`,
      `memory.main.${canary}`,
      'x',
      '"weird ""name"""',
      't1',
      'information_schema.tables',
      'duckdb_tables()',
      'pg_catalog.pg_class',
    ),
    fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/),
  );
  const literal = fc.oneof(
    fc.integer().map(String),
    fc.double({ noNaN: true }).map((d) => String(d)),
    fc.string({ maxLength: 12 }).map((s) => `'${s.replace(/'/g, "''")}'`),
    fc.string({ maxLength: 12 }).map((s) => `$$${s.replace(/\$/g, '')}$$`),
    fc.string({ maxLength: 12 }).map((s) => `E'${s.replace(/['\\]/g, '')}'`),
    fc.constantFrom(
      'NULL',
      'TRUE',
      'FALSE',
      "'2026-11-28'::DATE",
      "'\\x00'::BLOB",
      '[1, 2, 3]',
      "{'a': 1}",
      "MAP {'k': 'v'}",
      "'/etc/passwd'",
      "'files/out.csv'",
      `'${'y'.repeat(2000)}'`,
    ),
  );
  const func = fc.constantFrom(
    'abs',
    'length',
    'upper',
    'lower',
    'concat',
    'coalesce',
    'hash',
    'md5',
    'typeof',
    'to_json',
    'nextval',
    'currval',
    'current_setting',
    'read_text',
    'read_blob',
    'read_csv',
    'glob',
    'setseed',
    'random',
  );
  const { expr } = fc.letrec<{ expr: string }>((tie) => ({
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      literal,
      ident,
      fc
        .tuple(
          tie('expr'),
          fc.constantFrom(
            '+',
            '-',
            '*',
            '/',
            '%',
            '||',
            '=',
            '<>',
            'AND',
            'OR',
            'LIKE',
            '->>',
            '::VARCHAR ||',
          ),
          tie('expr'),
        )
        .map(([a, op, b]) => `(${a} ${op} ${b})`),
      fc
        .tuple(func, fc.array(tie('expr'), { maxLength: 3 }))
        .map(([f, args]) => `${f}(${args.join(', ')})`),
      fc
        .tuple(tie('expr'), tie('expr'), tie('expr'))
        .map(([a, b, c]) => `CASE WHEN ${a} THEN ${b} ELSE ${c} END`),
      tie('expr').map((e) => `(SELECT ${e})`),
      tie('expr').map((e) => `CAST(${e} AS VARCHAR)`),
      tie('expr').map((e) => `NOT ${e}`),
      fc.integer({ min: 20, max: 400 }).map((d) => '('.repeat(d) + '1' + ')'.repeat(d)),
    ),
  }));
  const source = fc.oneof(
    ident,
    fc.constantFrom(
      canary,
      'range(5)',
      "read_csv('files/missing.csv')",
      "read_csv('/etc/passwd')",
      "read_text('../metadata.sqlite')",
      "glob('/*')",
      "read_parquet('http://127.0.0.1:1/x.parquet')",
      'duckdb_settings()',
      'duckdb_tables()',
      "pragma_table_info('" + canary + "')",
      "sqlite_scan('x.db', 't')",
    ),
    expr.map((e) => `(SELECT ${e} AS c)`),
  );
  const select = fc
    .tuple(
      fc.array(expr, { minLength: 1, maxLength: 3 }),
      fc.option(source),
      fc.option(expr),
      fc.option(fc.integer({ min: 0, max: 5 })),
    )
    .map(
      ([cols, from, where, limit]) =>
        `SELECT ${cols.join(', ')}${from ? ` FROM ${from}` : ''}${where ? ` WHERE ${where}` : ''}${limit !== null ? ` LIMIT ${limit}` : ''}`,
    );
  const statement = fc.oneof(
    { arbitrary: select, weight: 4 },
    select.map((s) => `WITH w AS (${s}) SELECT * FROM w`),
    select.map((s) => `EXPLAIN ${s}`),
    fc
      .tuple(ident, fc.array(expr, { minLength: 1, maxLength: 3 }))
      .map(([t, v]) => `INSERT INTO ${t} VALUES (${v.join(', ')})`),
    select.map((s) => `INSERT INTO ${canary} ${s}`),
    fc.tuple(ident, expr).map(([t, e]) => `UPDATE ${t} SET id = ${e}`),
    ident.map((t) => `DELETE FROM ${t}`),
    fc
      .tuple(
        fc.constantFrom(
          'TABLE',
          'OR REPLACE TABLE',
          'TEMP TABLE',
          'VIEW',
          'OR REPLACE VIEW',
          'TEMP VIEW',
          'SEQUENCE',
          'SCHEMA',
          'MACRO',
          'TYPE',
          'INDEX i ON',
        ),
        ident,
        select,
      )
      .map(([kind, name, s]) =>
        kind === 'MACRO'
          ? `CREATE MACRO ${name}(a) AS a + 1`
          : kind === 'SEQUENCE' || kind === 'SCHEMA'
            ? `CREATE ${kind} ${name}`
            : kind === 'TYPE'
              ? `CREATE TYPE ${name} AS ENUM ('a')`
              : kind === 'INDEX i ON'
                ? `CREATE INDEX i ON ${name} (id)`
                : `CREATE ${kind} ${name} AS ${s}`,
      ),
    fc
      .tuple(
        fc.constantFrom('TABLE', 'VIEW', 'SEQUENCE', 'MACRO', 'SCHEMA', 'TABLE IF EXISTS'),
        fc.constantFrom(canary, seq, 'main', 'x'),
      )
      .map(([k, n]) => `DROP ${k} ${n}${k === 'SCHEMA' ? ' CASCADE' : ''}`),
    fc.constantFrom(
      `ALTER TABLE ${canary} ADD COLUMN z INTEGER`,
      `ALTER TABLE ${canary} RENAME TO gone`,
      `COPY ${canary} TO 'files/out.csv'`,
      `COPY ${canary} TO '/tmp/krishiv-hostile.csv'`,
      `COPY (SELECT 1) TO 'files/out.parquet' (FORMAT PARQUET)`,
      `COPY ${canary} FROM 'files/in.csv'`,
      "ATTACH 'files/other.db' AS other",
      "ATTACH ':memory:' AS m",
      'DETACH other',
      'USE other',
      "PRAGMA enable_profiling='json'",
      'PRAGMA database_list',
      "PRAGMA table_info('" + canary + "')",
      'PRAGMA threads=1',
      'SET threads = 1',
      'SET enable_external_access = true',
      'SET GLOBAL lock_configuration = false',
      'RESET threads',
      'SET VARIABLE v = 1',
      'INSTALL httpfs',
      'LOAD httpfs',
      "EXPORT DATABASE 'files/export'",
      "IMPORT DATABASE 'files/export'",
      'CHECKPOINT',
      'FORCE CHECKPOINT',
      'VACUUM',
      'ANALYZE',
      'BEGIN',
      'COMMIT',
      'ROLLBACK',
      `CALL pragma_table_info('${canary}')`,
      `CALL dbgen(sf=0)`,
      'PREPARE p AS SELECT 1',
      'EXECUTE p',
      `SELECT nextval('${seq}')`,
      `SELECT currval('${seq}')`,
      `SUMMARIZE ${canary}`,
      `DESCRIBE ${canary}`,
      'SHOW TABLES',
      `MERGE INTO ${canary} USING (SELECT 1 AS id) s ON s.id = ${canary}.id WHEN MATCHED THEN DELETE`,
      `TRUNCATE ${canary}`,
      `COMMENT ON TABLE ${canary} IS 'owned'`,
      "CREATE SECRET s (TYPE s3, KEY_ID 'x', SECRET 'y')",
      'DROP SECRET s',
      'UPDATE EXTENSIONS',
    ),
  );
  const decorate = fc.oneof(
    { arbitrary: fc.constant((s: string) => s), weight: 4 },
    fc.constant((s: string) => `/* ${s.replace(/\*\//g, '')} */ SELECT 1`),
    fc.constant((s: string) => `SELECT 1 -- ;\n${s}`),
    fc.constant((s: string) => `/* nested /* comment */ */ ${s}`),
    fc.constant((s: string) => `  \n\t${s.toLowerCase()}  ;;`),
    fc.constant((s: string) => `${s};`),
  );
  return fc
    .array(fc.tuple(statement, decorate), { minLength: 1, maxLength: 4 })
    .map((parts) => parts.map(([s, d]) => d(s)).join('; '));
}
