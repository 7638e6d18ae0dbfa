import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliRun, runCli } from './support/cli';
import { Coordinator, startCoordinator } from './support/coordinator';
import { expectNoSecretsIn } from './support/secrets';

/** Parses the JSON a command printed, showing what it printed when that is not JSON. */
function json<T = any>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
}

const BIG = '9007199254740993';

describe('krishiv streams', () => {
  describe('on the development token', () => {
    let coordinator: Coordinator;
    let env: Record<string, string>;
    let scratch: string;

    beforeAll(async () => {
      coordinator = await startCoordinator();
      env = {
        KRISHIV_COORDINATOR: `http://${coordinator.grpcAddress}`,
        KRISHIV_DATA_DIR: coordinator.dataDir,
      };
      scratch = mkdtempSync(join(tmpdir(), 'krishiv-cli-streams-'));
    });

    afterAll(async () => {
      expectNoSecretsIn(coordinator.logs(), [coordinator.devToken()]);
      await coordinator.stop();
      rmSync(scratch, { recursive: true, force: true });
    });

    const cli = (args: string[], stdin?: string) => runCli(args, env, stdin);
    const lastOffset = async (name: string) =>
      json(await cli(['streams', 'get', name, '--format', 'json'])).lastOffset as number;

    it('create takes repeatable --column name:type and prints the stream', async () => {
      const run = await cli([
        'streams',
        'create',
        'clicks',
        '--column',
        'ts:TIMESTAMP',
        '--column',
        'page:text',
        '-c',
        'user_id:BIGINT',
        '-c',
        'amount: DECIMAL(12, 2)',
      ]);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toMatch(/^name\s+clicks$/m);
      expect(run.stdout).toMatch(/^recordCount\s+0$/m);
      expect(run.stdout).toMatch(
        /^columns\s+ts TIMESTAMP, page VARCHAR, user_id BIGINT, amount DECIMAL\(12,2\)$/m,
      );

      const again = await cli(['streams', 'create', 'clicks', '--column', 'v:VARCHAR']);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('already exists');

      const badType = await cli(['streams', 'create', 'blobs', '--column', 'v:BLOB']);
      expect(badType.code).toBe(1);
      expect(badType.stderr).toContain('columns[0].type "BLOB" is not one of');
    });

    it('append reads NDJSON from stdin and reports the offsets', async () => {
      const lines = [
        { ts: '2026-11-28T10:00:00Z', page: '/home', user_id: BIG, amount: '12.50' },
        { ts: '2026-11-28T10:00:01Z', page: '/cart', user_id: 2, amount: 3 },
        {},
        { page: '/checkout' },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n');
      const run = await cli(['streams', 'append', 'clicks', '--format', 'json'], `${lines}\n\n`);
      expect(run.code).toBe(0);
      expect(json(run)).toEqual({
        stream: 'clicks',
        appended: 4,
        firstOffset: 1,
        lastOffset: 4,
        batches: 1,
      });
      expect(run.stderr).toBe('batch 1: 4 records appended at offsets 1–4\n');

      const rows = json(
        await cli([
          'sql',
          '--format',
          'json',
          '-q',
          'SELECT _offset, page, user_id, amount FROM clicks ORDER BY _offset',
        ]),
      ).rows;
      // The CLI prints BIGINT within 2^53 as JSON numbers, beyond it as exact strings.
      expect(rows).toEqual([
        [1, '/home', BIG, '12.50'],
        [2, '/cart', 2, '3.00'],
        [3, null, null, null],
        [4, '/checkout', null, null],
      ]);
    });

    it('append reads a JSON array or NDJSON from --file, in batches of at most 1000', async () => {
      const array = join(scratch, 'clicks.json');
      const records = Array.from({ length: 2500 }, (_, i) => ({
        page: `/p/${i}`,
        user_id: i,
        amount: `${i}.25`,
      }));
      writeFileSync(array, JSON.stringify(records, null, 2));
      const run = await cli(['streams', 'append', 'clicks', '--file', array, '--format', 'json']);
      expect(run.code).toBe(0);
      expect(json(run)).toEqual({
        stream: 'clicks',
        appended: 2500,
        firstOffset: 5,
        lastOffset: 2504,
        batches: 3,
      });
      expect(run.stderr.trimEnd().split('\n')).toEqual([
        'batch 1: 1000 records appended at offsets 5–1004',
        'batch 2: 1000 records appended at offsets 1005–2004',
        'batch 3: 500 records appended at offsets 2005–2504',
      ]);

      const lines = join(scratch, 'clicks.ndjson');
      writeFileSync(lines, '{"page": "/a"}\r\n{"page": "/b"}\r\n{"page": "/c"}');
      const small = await cli(['streams', 'append', 'clicks', '-f', lines, '--batch-size', '2']);
      expect(small.code).toBe(0);
      expect(small.stdout).toMatch(/^appended\s+3$/m);
      expect(small.stdout).toMatch(/^firstOffset\s+2505$/m);
      expect(small.stdout).toMatch(/^lastOffset\s+2507$/m);
      expect(small.stdout).toMatch(/^batches\s+2$/m);
      expect(await lastOffset('clicks')).toBe(2507);
    });

    it('list and get print the streams as JSON', async () => {
      const get = await cli(['streams', 'get', 'clicks', '--format', 'json']);
      expect(get.code).toBe(0);
      const stream = json(get);
      expect(stream).toEqual({
        name: 'clicks',
        columns: [
          { name: 'ts', type: 'TIMESTAMP' },
          { name: 'page', type: 'VARCHAR' },
          { name: 'user_id', type: 'BIGINT' },
          { name: 'amount', type: 'DECIMAL(12,2)' },
        ],
        recordCount: 2507,
        lastOffset: 2507,
        createdBy: 'service',
        createdAt: expect.any(String),
      });

      const list = await cli(['streams', 'list', '--format', 'json']);
      expect(list.code).toBe(0);
      expect(json(list)).toEqual({ streams: [stream] });

      const table = await cli(['streams', 'list']);
      expect(table.code).toBe(0);
      expect(table.stdout.split('\n')[0]).toMatch(/^name\s+\| records \| lastOffset \| columns$/);
      expect(table.stdout).toMatch(/^clicks \|\s+2507 \|\s+2507 \| ts TIMESTAMP, page VARCHAR/m);
      expect(table.stdout).toContain('(1 stream)');

      const csv = await cli(['streams', 'get', 'clicks', '--format', 'csv']);
      expect(csv.stdout.split('\n')[0]).toBe(
        'name,recordCount,lastOffset,columns,createdBy,createdAt',
      );

      const unknown = await cli(['streams', 'get', 'no_such_stream']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('does not exist');
    });

    it('a bad record exits 1 naming the record and field; earlier batches stay appended', async () => {
      const before = await lastOffset('clicks');
      const one = await cli(
        ['streams', 'append', 'clicks'],
        '{"page": "/ok"}\n{"page": "/ok", "user_id": "lots"}\n',
      );
      expect(one.code).toBe(1);
      expect(one.stdout).toBe('');
      expect(one.stderr).toContain('record 1 (line 2), field user_id: expected a whole number');
      expect(one.stderr).toContain('nothing was appended');
      expect(await lastOffset('clicks')).toBe(before);

      // Batches of 2: records 0–1 go in, the batch holding record 3 is refused whole.
      const input = ['/a', '/b', '/c', true, '/e']
        .map((page) => JSON.stringify({ page }))
        .join('\n');
      const later = await cli(['streams', 'append', 'clicks', '--batch-size', '2'], input);
      expect(later.code).toBe(1);
      expect(later.stderr).toContain('record 3 (line 4), field page: expected a string, got true');
      expect(later.stderr).toContain(
        `appended before this batch: 2 records (offsets ${before + 1}–${before + 2})`,
      );
      expect(await lastOffset('clicks')).toBe(before + 2);

      const unknownField = await cli(['streams', 'append', 'clicks'], '{"colour": "red"}');
      expect(unknownField.code).toBe(1);
      expect(unknownField.stderr).toContain(
        'record 0 (line 1): stream clicks has no field "colour"',
      );

      const notJson = await cli(['streams', 'append', 'clicks'], '{"page": "/a"}\n{"page": \n');
      expect(notJson.code).toBe(1);
      expect(notJson.stderr).toContain('line 2 is not valid JSON');
      expect(notJson.stderr).toContain('nothing was appended');

      const bigNumber = await cli(['streams', 'append', 'clicks'], `[{"user_id": ${BIG}}]`);
      expect(bigNumber.code).toBe(1);
      expect(bigNumber.stderr).toContain('record 0, field user_id:');

      const unknownStream = await cli(['streams', 'append', 'no_such_stream'], '{"a": 1}');
      expect(unknownStream.code).toBe(1);
      expect(unknownStream.stderr).toContain('does not exist');
      expect(await lastOffset('clicks')).toBe(before + 2);
    });

    it('usage errors exit 2 before anything is sent', async () => {
      const before = await lastOffset('clicks');
      const cases: [string[], string | undefined, RegExp][] = [
        [['streams', 'create'], undefined, /missing required argument 'name'/],
        [
          ['streams', 'create', 'x', '--column', 'bad'],
          undefined,
          /--column "bad" is not name:type/,
        ],
        [['streams', 'create', 'x', '--column', ':INT'], undefined, /is not name:type/],
        [['streams', 'create', 'x', '--column', 'a:'], undefined, /is not name:type/],
        [['streams', 'create', 'x', '-c', 'a:INT:b:INT'], undefined, /one column per --column/],
        [['streams', 'create', 'x'], undefined, /at least one --column/],
        [['streams', 'append'], '{"page": "/a"}', /missing required argument 'name'/],
        [['streams', 'append', 'clicks', '--batch-size', '0'], '{}', /--batch-size must be/],
        [['streams', 'append', 'clicks', '--batch-size', '1001'], '{}', /at most 1000/],
        [
          ['streams', 'append', 'clicks', '--file', join(scratch, 'nope')],
          '',
          /cannot read --file/,
        ],
        [['streams', 'append', 'clicks'], '\n  \n', /no records in the input/],
        [['streams', 'append', 'clicks'], '[]', /no records in the input/],
        [['streams', 'get'], undefined, /missing required argument 'name'/],
      ];
      for (const [args, stdin, message] of cases) {
        const run = await cli(args, stdin);
        expect({ args, code: run.code }).toEqual({ args, code: 2 });
        expect(run.stderr).toMatch(message);
      }
      expect(await lastOffset('clicks')).toBe(before);
    });

    it('--help shows examples', async () => {
      const help = await cli(['streams', 'append', '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('krishiv streams append clicks --file clicks.ndjson');
      const create = await cli(['streams', 'create', '--help']);
      expect(create.stdout).toContain(
        'krishiv streams create clicks --column ts:TIMESTAMP --column page:VARCHAR',
      );
    });
  });

  describe('with a reader token', () => {
    let coordinator: Coordinator;
    const uiToken = randomBytes(24).toString('hex');
    const adminToken = randomBytes(24).toString('hex');
    let reader: Record<string, string>;

    beforeAll(async () => {
      coordinator = await startCoordinator({
        env: { KRISHIV_UI_TOKEN: uiToken, KRISHIV_COORDINATOR_BEARER_TOKEN: adminToken },
      });
      const base = { KRISHIV_COORDINATOR: `http://${coordinator.grpcAddress}` };
      reader = { ...base, KRISHIV_COORDINATOR_BEARER_TOKEN: uiToken };
      const created = await runCli(['streams', 'create', 'events', '--column', 'v:VARCHAR'], {
        ...base,
        KRISHIV_COORDINATOR_BEARER_TOKEN: adminToken,
      });
      expect(created.code).toBe(0);
    });

    afterAll(async () => {
      expectNoSecretsIn(coordinator.logs(), [uiToken, adminToken]);
      await coordinator.stop();
    });

    it('lists and gets, but append and create exit 4', async () => {
      const list = await runCli(['streams', 'list', '--format', 'json'], reader);
      expect(list.code).toBe(0);
      expect(JSON.parse(list.stdout).streams.map((s: { name: string }) => s.name)).toEqual([
        'events',
      ]);
      expect((await runCli(['streams', 'get', 'events'], reader)).code).toBe(0);

      const append = await runCli(['streams', 'append', 'events'], reader, '{"v": "x"}\n');
      expect(append.code).toBe(4);
      expect(append.stderr).toContain('streams:write needs role writer');
      expect(append.stderr).toContain('nothing was appended');

      const create = await runCli(['streams', 'create', 'mine', '--column', 'v:INT'], reader);
      expect(create.code).toBe(4);

      const get = await runCli(['streams', 'get', 'events', '--format', 'json'], reader);
      expect(JSON.parse(get.stdout).lastOffset).toBe(0);
    });
  });
});
