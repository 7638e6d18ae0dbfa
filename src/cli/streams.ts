import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { errorFromStatus, KrishivError } from '../client/errors';
import { AppendOutcome, Session, Stream, StreamColumn } from '../client/session';
import {
  callAndPrint,
  CommandFailedError,
  examples,
  fileOrStdin,
  integer,
  nonEmpty,
  UsageError,
  withSession,
} from './common';
import { Format, formatItem, formatList, formatRecord, plural, STREAM_FIELDS } from './output';

/** The most records one AppendRecords call carries. */
export const MAX_BATCH = 1000;

const printStream = (stream: Stream, format: Format) => formatItem(stream, STREAM_FIELDS, format);

/** `--column ts:TIMESTAMP`, repeatable; the type may hold spaces and commas (`DECIMAL(12,2)`). */
function collectColumn(value: string, previous: StreamColumn[] = []): StreamColumn[] {
  const match = /^\s*([^:\s]+)\s*:\s*([^:]*\S)\s*$/.exec(value);
  if (!match) {
    throw new UsageError(
      `--column "${value}" is not name:type (one column per --column, e.g. --column ts:TIMESTAMP)`,
    );
  }
  return [...previous, { name: match[1], type: match[2] }];
}

/** Consecutive records of the input; `first` is the index of the first one in the whole input. */
interface Batch {
  records: unknown[];
  first: number;
  /** Input line of each record (NDJSON only). */
  lines?: number[];
}

/** The input itself is broken (not NDJSON, not a JSON array). */
class InputError extends Error {}

/**
 * The records of NDJSON (one per line, blank lines skipped) or of one JSON array (input whose
 * first non-blank character is `[`), in batches of `size`. NDJSON is read line by line, so a large
 * input never sits in memory at once.
 */
async function* recordBatches(input: NodeJS.ReadableStream, size: number): AsyncGenerator<Batch> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  let array: string[] | undefined;
  let batch: Batch = { records: [], first: 0, lines: [] };
  for await (const raw of lines) {
    lineNo++;
    const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (array) {
      array.push(line);
      continue;
    }
    const text = line.trim();
    if (text === '') continue;
    if (batch.first === 0 && batch.records.length === 0 && text.startsWith('[')) {
      array = [line];
      continue;
    }
    try {
      batch.records.push(JSON.parse(text));
    } catch (err) {
      throw new InputError(
        `line ${lineNo} is not valid JSON (${(err as Error).message}); NDJSON holds one whole record per line`,
      );
    }
    batch.lines?.push(lineNo);
    if (batch.records.length === size) {
      yield batch;
      batch = { records: [], first: batch.first + size, lines: [] };
    }
  }
  if (!array) {
    if (batch.records.length > 0) yield batch;
    return;
  }
  let records: unknown;
  try {
    records = JSON.parse(array.join('\n'));
  } catch (err) {
    throw new InputError(
      `the input starts with "[" but is not a JSON array: ${(err as Error).message}`,
    );
  }
  if (!Array.isArray(records)) throw new InputError('the input is not a JSON array');
  for (let first = 0; first < records.length; first += size) {
    yield { records: records.slice(first, first + size), first };
  }
}

interface AppendSummary {
  stream: string;
  appended: number;
  firstOffset?: number;
  lastOffset?: number;
  batches: number;
}

const offsets = (first?: number, last?: number) =>
  first === last ? `offset ${first}` : `offsets ${first}–${last}`;

function appendedSoFar(summary: AppendSummary): string {
  return summary.appended === 0
    ? 'nothing was appended'
    : `appended before this batch: ${plural(summary.appended, 'record')} (${offsets(summary.firstOffset, summary.lastOffset)}); nothing from it on`;
}

/** The coordinator's `record N` counts within the batch: name the record of the whole input. */
function rejected(err: unknown, batch: Batch, summary: AppendSummary): unknown {
  if (!(err instanceof KrishivError)) return err;
  const message = err.message.replace(/^record (\d+)/, (_match, n: string) => {
    const line = batch.lines?.[Number(n)];
    return `record ${batch.first + Number(n)}${line === undefined ? '' : ` (line ${line})`}`;
  });
  return errorFromStatus(err.code, `${message}\n${appendedSoFar(summary)}`);
}

/** Sends the input batch after batch, stopping at the first one the coordinator rejects. */
async function appendInput(
  session: Session,
  name: string,
  input: NodeJS.ReadableStream,
  batchSize: number,
): Promise<AppendSummary> {
  const summary: AppendSummary = {
    stream: name,
    appended: 0,
    firstOffset: undefined,
    lastOffset: undefined,
    batches: 0,
  };
  try {
    for await (const batch of recordBatches(input, batchSize)) {
      let outcome: AppendOutcome;
      try {
        outcome = await session.appendRecords(name, batch.records as Record<string, unknown>[]);
      } catch (err) {
        throw rejected(err, batch, summary);
      }
      summary.stream = outcome.stream;
      summary.appended += outcome.appended;
      summary.firstOffset ??= outcome.firstOffset;
      summary.lastOffset = outcome.lastOffset;
      summary.batches++;
      process.stderr.write(
        `batch ${summary.batches}: ${plural(outcome.appended, 'record')} appended at ${offsets(outcome.firstOffset, outcome.lastOffset)}\n`,
      );
    }
  } catch (err) {
    if (err instanceof InputError)
      throw new CommandFailedError(`${err.message}\n${appendedSoFar(summary)}`);
    throw err;
  }
  if (summary.batches === 0) {
    throw new UsageError(
      'no records in the input: send NDJSON (one record per line) or a JSON array',
    );
  }
  return summary;
}

export function streamsCommand(): Command {
  const streams = new Command('streams')
    .description('streams: append-only tables whose records carry consecutive offsets')
    .addHelpText(
      'after',
      examples(
        'krishiv streams create clicks --column ts:TIMESTAMP --column page:VARCHAR',
        'krishiv streams append clicks < clicks.ndjson',
        'krishiv streams list',
        'krishiv sql -q "SELECT page, count(*) FROM clicks GROUP BY page"',
      ),
    );

  streams
    .command('create')
    .description('create a stream with the given columns (an _offset BIGINT column is added)')
    .argument(
      '<name>',
      'stream name: a letter, then letters, digits and _',
      nonEmpty('stream name'),
    )
    .option(
      '-c, --column <name:type>',
      'a column, repeatable; types BOOLEAN, TINYINT, SMALLINT, INTEGER, BIGINT, FLOAT, DOUBLE, DECIMAL(p,s), VARCHAR, DATE, TIMESTAMP, TIMESTAMPTZ',
      collectColumn,
    )
    .addHelpText(
      'after',
      examples(
        'krishiv streams create clicks --column ts:TIMESTAMP --column page:VARCHAR',
        'krishiv streams create payments -c id:BIGINT -c "amount:DECIMAL(12,2)" -c paid:BOOLEAN',
      ),
    )
    .action(async (name: string, options: { column?: StreamColumn[] }, command: Command) => {
      if (!options.column?.length) {
        throw new UsageError('a stream needs at least one --column name:type');
      }
      const columns = options.column;
      await callAndPrint(command, (session) => session.createStream(name, columns), printStream);
    });

  streams
    .command('append')
    .description(
      'append records from stdin or --file: NDJSON (one JSON record per line) or one JSON array',
    )
    .argument('<name>', 'stream name', nonEmpty('stream name'))
    .option('-f, --file <path>', 'read the records from this file instead of stdin')
    .option(
      '--batch-size <n>',
      `records per call, each appended all-or-nothing (at most ${MAX_BATCH})`,
      integer('--batch-size', 1, MAX_BATCH),
      MAX_BATCH,
    )
    .addHelpText(
      'after',
      `${examples(
        `echo '{"ts": "2026-11-28T10:00:00Z", "page": "/home"}' | krishiv streams append clicks`,
        'krishiv streams append clicks --file clicks.ndjson',
        'krishiv streams append payments --file payments.json --format json',
      )}
Send BIGINT beyond 2^53 and DECIMAL values as JSON strings ("12.50") to keep them exact.
Each batch is appended whole or not at all, with consecutive offsets; its offsets are reported
on stderr. The first rejected batch stops the command (exit 1): the error names the record
(counted from 0 over the whole input) and its field, and says how many records were appended
before it.
`,
    )
    .action(
      async (name: string, options: { file?: string; batchSize: number }, command: Command) => {
        const input = await fileOrStdin(options.file, 'records');
        await withSession(command, async (session, format) => {
          const summary = await appendInput(session, name, input, options.batchSize);
          process.stdout.write(formatRecord({ ...summary }, format));
        });
      },
    );

  streams
    .command('list')
    .description('list streams with their record count, last offset and columns')
    .addHelpText('after', examples('krishiv streams list', 'krishiv streams list --format json'))
    .action(async (_options: object, command: Command) => {
      await callAndPrint(
        command,
        (session) => session.listStreams(),
        (list, format) => formatList(list, STREAM_FIELDS, format, 'stream', 'streams'),
      );
    });

  streams
    .command('get')
    .description('show one stream: columns, record count, last offset')
    .argument('<name>', 'stream name', nonEmpty('stream name'))
    .addHelpText(
      'after',
      examples('krishiv streams get clicks', 'krishiv streams get clicks --format json'),
    )
    .action(async (name: string, _options: object, command: Command) => {
      await callAndPrint(command, (session) => session.getStream(name), printStream);
    });

  return streams;
}
