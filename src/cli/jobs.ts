import { Command, Option } from 'commander';
import {
  JOB_KINDS,
  JOB_STATES,
  Job,
  JobKind,
  JobPage,
  JobResultPage,
  JobState,
  Session,
} from '../client/session';
import {
  callAndPrint,
  CommandFailedError,
  examples,
  integer,
  nonEmpty,
  positiveInt,
  sqlFromQueryOrStdin,
  withSession,
} from './common';
import {
  formatCsvRows,
  formatItem,
  formatList,
  formatResultPage,
  Format,
  JOB_FIELDS,
} from './output';

const printJob = (job: Job, format: Format) => formatItem(job, JOB_FIELDS, format);

/** Exit code of a shell interrupted by SIGINT. */
const INTERRUPTED = 130;

/** `job 1a2b3c4d… running on executor-1, 3.2 s`: rewritten in place on a terminal, else one line per change. */
function progressLine(stream: NodeJS.WriteStream) {
  const started = Date.now();
  let last = '';
  let open = false;
  return {
    update(job: Job): void {
      const where = job.state === 'running' && job.executorId ? ` on ${job.executorId}` : '';
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const line = `job ${job.id.slice(0, 8)}… ${job.state}${where}, ${seconds} s`;
      if (stream.isTTY) {
        stream.write(`\r\x1b[2K${line}`);
        open = true;
        return;
      }
      const key = `${job.state}${where}`;
      if (key !== last) stream.write(`${line}\n`);
      last = key;
    },
    /** Ends the line being rewritten, so what follows starts on a new one. */
    end(): void {
      if (open) stream.write('\n');
      open = false;
    },
  };
}

/** Waits for the job with a progress line on stderr; Ctrl-C stops waiting, not the job. */
async function waitWithProgress(session: Session, job: Job): Promise<Job> {
  const progress = progressLine(process.stderr);
  const controller = new AbortController();
  const interrupt = () =>
    controller.abort(
      new CommandFailedError(
        `stopped waiting; job ${job.id} keeps going (\`krishiv jobs cancel ${job.id}\` cancels it)`,
        INTERRUPTED,
      ),
    );
  process.once('SIGINT', interrupt);
  try {
    return await session.waitForJob(job.id, {
      onProgress: (j) => progress.update(j),
      signal: controller.signal,
    });
  } finally {
    process.removeListener('SIGINT', interrupt);
    progress.end();
  }
}

function failUnlessSucceeded(job: Job): void {
  if (job.state === 'failed') {
    throw new CommandFailedError(`job ${job.id} failed: ${job.error ?? 'no error recorded'}`);
  }
  if (job.state === 'cancelled') {
    const by = job.cancelledBy ? ` by ${job.cancelledBy}` : '';
    throw new CommandFailedError(
      `job ${job.id} was cancelled${by}${job.error ? `: ${job.error}` : ''}`,
    );
  }
}

interface SubmitOptions {
  query?: string;
  name?: string;
  timeoutMs?: number;
  requestId?: string;
  wait?: boolean;
}

interface ListOptions {
  state?: JobState;
  kind?: JobKind;
  submittedBy?: string;
  pageSize?: number;
  pageToken?: string;
  all?: boolean;
}

interface ResultOptions {
  offset: number;
  limit?: number;
  all?: boolean;
}

async function listJobs(session: Session, options: ListOptions): Promise<JobPage> {
  const { all, ...request } = options;
  if (!all) return session.listJobs(request);
  const jobs: Job[] = [];
  let pageToken = request.pageToken;
  do {
    const page = await session.listJobs({ ...request, pageToken });
    jobs.push(...page.jobs);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return { jobs };
}

/** Follows `nextOffset` to the end. CSV is written page by page; table and JSON need every row. */
async function printAllResults(
  session: Session,
  id: string,
  options: ResultOptions,
  format: Format,
): Promise<void> {
  let page = await session.getJobResult(id, { offset: options.offset, limit: options.limit });
  const all: JobResultPage = { ...page, rows: [...page.rows], nextOffset: undefined };
  if (format === 'csv') process.stdout.write(formatResultPage(page, format));
  while (page.nextOffset !== undefined) {
    page = await session.getJobResult(id, { offset: page.nextOffset, limit: options.limit });
    if (format === 'csv') process.stdout.write(formatCsvRows(page.rows));
    else all.rows.push(...page.rows);
  }
  if (format !== 'csv') process.stdout.write(formatResultPage(all, format));
}

export function jobsCommand(): Command {
  const jobs = new Command('jobs')
    .description('batch jobs: submit SQL to run on an executor, follow it, page its result')
    .addHelpText(
      'after',
      examples(
        'krishiv jobs submit --query "SELECT * FROM trips" --wait',
        'krishiv jobs list --state running',
        'krishiv jobs result 1a2b3c4d-… --all --format csv > trips.csv',
        'krishiv jobs cancel 1a2b3c4d-…',
      ),
    );

  jobs
    .command('submit')
    .description('submit SQL as a batch job; without --query reads the SQL from stdin')
    .option('-q, --query <sql>', 'the SQL to run')
    .option('--name <name>', 'a name for the job (default: job-<first 8 characters of its id>)')
    .option(
      '--timeout-ms <ms>',
      'fail the job after ms milliseconds of running',
      positiveInt('--timeout-ms'),
    )
    .option(
      '--request-id <key>',
      'idempotency key: submitting again with the same key returns the same job',
      nonEmpty('--request-id'),
    )
    .option('--wait', 'wait for the job to finish, showing progress on stderr')
    .addHelpText(
      'after',
      `${examples(
        'krishiv jobs submit --query "SELECT count(*) FROM trips" --name trip-count',
        'krishiv jobs submit --wait --timeout-ms 600000 < nightly.sql',
        'krishiv jobs submit --request-id nightly-2024-06-01 -q "COPY trips TO \'.krishiv/files/t.parquet\'"',
      )}
With --wait, exits 1 when the job failed or was cancelled (its error on stderr); Ctrl-C stops
waiting but not the job.
`,
    )
    .action(async (options: SubmitOptions, command: Command) => {
      const sql = await sqlFromQueryOrStdin(options.query);
      const job = await callAndPrint(
        command,
        async (session) => {
          const submitted = await session.submitJob({
            sql,
            name: options.name,
            timeoutMs: options.timeoutMs,
            requestId: options.requestId,
          });
          return options.wait ? waitWithProgress(session, submitted) : submitted;
        },
        printJob,
      );
      failUnlessSucceeded(job);
    });

  jobs
    .command('list')
    .description('list jobs, newest first, one page at a time (or every page with --all)')
    .addOption(new Option('--state <state>', 'only jobs in this state').choices(JOB_STATES))
    .addOption(new Option('--kind <kind>', 'only jobs of this kind').choices(JOB_KINDS))
    .option('--submitted-by <subject>', 'only jobs submitted by this subject')
    .option('--page-size <n>', 'jobs per page (server default 50)', positiveInt('--page-size'))
    .option('--page-token <token>', 'continue a listing where the previous page ended')
    .option('--all', 'follow every page to the end')
    .addHelpText(
      'after',
      `${examples(
        'krishiv jobs list',
        'krishiv jobs list --state failed --submitted-by alice --format json',
        'krishiv jobs list --page-size 20 --page-token eyJ2Ijo…',
        'krishiv jobs list --all --format csv',
      )}
When more jobs exist, the token of the next page is printed on stderr.
`,
    )
    .action(async (options: ListOptions, command: Command) => {
      const page = await callAndPrint(
        command,
        (session) => listJobs(session, options),
        (p, format) =>
          formatList(p.jobs, JOB_FIELDS, format, 'job', 'jobs', {
            nextPageToken: p.nextPageToken,
          }),
      );
      if (page.nextPageToken) {
        process.stderr.write(
          `more jobs: add --page-token ${page.nextPageToken} (same filters), or --all\n`,
        );
      }
    });

  jobs
    .command('get')
    .description('show one job: state, executor, timings, row count, error')
    .argument('<id>', 'job id', nonEmpty('job id'))
    .addHelpText(
      'after',
      examples('krishiv jobs get 1a2b3c4d-…', 'krishiv jobs get 1a2b3c4d-… --format json'),
    )
    .action(async (id: string, _options: object, command: Command) => {
      await callAndPrint(command, (session) => session.getJob(id), printJob);
    });

  jobs
    .command('result')
    .description("print a page of a succeeded job's result, like `krishiv sql` prints rows")
    .argument('<id>', 'job id', nonEmpty('job id'))
    .option('--offset <n>', 'first row to return, from 0', integer('--offset', 0), 0)
    .option('--limit <n>', 'rows per page (server default 1000)', positiveInt('--limit'))
    .option('--all', 'follow every page from --offset to the last row')
    .addHelpText(
      'after',
      `${examples(
        'krishiv jobs result 1a2b3c4d-…',
        'krishiv jobs result 1a2b3c4d-… --offset 1000 --limit 500',
        'krishiv jobs result 1a2b3c4d-… --all --format csv > result.csv',
      )}
When more rows exist, the offset of the next page is printed on stderr.
`,
    )
    .action(async (id: string, options: ResultOptions, command: Command) => {
      if (options.all) {
        await withSession(command, (session, format) =>
          printAllResults(session, id, options, format),
        );
        return;
      }
      const page = await callAndPrint(
        command,
        (session) => session.getJobResult(id, { offset: options.offset, limit: options.limit }),
        formatResultPage,
      );
      if (page.nextOffset !== undefined) {
        process.stderr.write(
          `rows ${page.offset + 1}–${page.offset + page.rows.length} of ${page.totalRows}; ` +
            `next page: --offset ${page.nextOffset}, or --all\n`,
        );
      }
    });

  jobs
    .command('cancel')
    .description('cancel a queued or running job (exits 1 when it has already finished)')
    .argument('<id>', 'job id', nonEmpty('job id'))
    .addHelpText('after', examples('krishiv jobs cancel 1a2b3c4d-…'))
    .action(async (id: string, _options: object, command: Command) => {
      await callAndPrint(command, (session) => session.cancelJob(id), printJob);
    });

  return jobs;
}
