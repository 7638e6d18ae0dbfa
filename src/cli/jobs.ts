import { Command, Option } from 'commander';
import {
  JOB_KINDS,
  JOB_STATES,
  Job,
  JobKind,
  JobPage,
  JobResultPage,
  JobState,
  Savepoint,
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
  UsageError,
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
import { interruptible, progressLine, shortId } from './progress';
import { printSavepoint, waitForSavepointWithProgress } from './savepoints';

const printJob = (job: Job, format: Format) => formatItem(job, JOB_FIELDS, format);

/** The job's status in a progress line: `running on executor-1`. */
function jobStatus(job: Job): string {
  return job.state === 'running' && job.executorId ? `running on ${job.executorId}` : job.state;
}

/** Waits for the job with a progress line on stderr; Ctrl-C stops waiting, not the job. */
async function waitWithProgress(session: Session, job: Job): Promise<Job> {
  const progress = progressLine(process.stderr);
  try {
    return await interruptible(
      `stopped waiting; job ${job.id} keeps going (\`krishiv jobs cancel ${job.id}\` cancels it)`,
      (signal) =>
        session.waitForJob(job.id, {
          onProgress: (j) => progress.update(`job ${shortId(j.id)}`, jobStatus(j)),
          signal,
        }),
    );
  } finally {
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
  streaming?: boolean;
  sink?: string;
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

interface SavepointOptions {
  label?: string;
  stop?: boolean;
  requestId?: string;
  wait?: boolean;
}

interface RestoreOptions {
  name?: string;
  sink?: string;
}

/** Streaming submissions need a sink, and run until stopped: nothing to --wait for. */
function checkSubmitOptions(options: SubmitOptions): void {
  if (options.streaming && options.sink === undefined) {
    throw new UsageError('--streaming needs --sink NAME: the new table the job writes');
  }
  if (!options.streaming && options.sink !== undefined) {
    throw new UsageError('--sink is for streaming jobs: add --streaming, or drop --sink');
  }
  if (options.streaming && options.timeoutMs !== undefined) {
    throw new UsageError(
      '--timeout-ms is for batch jobs: a streaming job runs until it is cancelled or stopped with a savepoint',
    );
  }
  if (options.streaming && options.wait) {
    throw new UsageError(
      '--wait is for batch jobs: a streaming job runs until it is stopped; follow it with `krishiv jobs get <id>`',
    );
  }
}

/**
 * `jobs savepoint --wait`: follows the savepoint until it completed or failed; with --stop, then
 * follows the job until it has stopped, so that its sink is free for a restore.
 */
async function savepointAndWait(
  session: Session,
  jobId: string,
  options: SavepointOptions,
): Promise<Savepoint> {
  const triggered = await session.triggerSavepoint(jobId, {
    label: options.label,
    stop: options.stop,
    requestId: options.requestId,
  });
  if (!options.wait) return triggered;
  const progress = progressLine(process.stderr);
  try {
    const savepoint = await waitForSavepointWithProgress(session, triggered, progress);
    if (savepoint.state !== 'completed' || !options.stop) return savepoint;
    await interruptible(
      `stopped waiting; savepoint ${savepoint.id} completed and job ${jobId} is stopping`,
      (signal) =>
        session.waitForJob(jobId, {
          onProgress: (j) => progress.update(`job ${shortId(j.id)}`, jobStatus(j)),
          signal,
        }),
    );
    return savepoint;
  } finally {
    progress.end();
  }
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
    .description(
      'jobs: batch SQL run once on an executor, or streaming SQL folded into a sink until stopped',
    )
    .addHelpText(
      'after',
      examples(
        'krishiv jobs submit --query "SELECT * FROM trips" --wait',
        'krishiv jobs submit --streaming --sink per_page -q "SELECT page, count(*) AS views FROM clicks GROUP BY page"',
        'krishiv jobs list --state running',
        'krishiv jobs result 1a2b3c4d-… --all --format csv > trips.csv',
        'krishiv jobs savepoint 1a2b3c4d-… --stop --wait',
        'krishiv jobs restore 5e6f7a8b-…',
        'krishiv jobs cancel 1a2b3c4d-…',
      ),
    );

  jobs
    .command('submit')
    .description(
      'submit SQL as a batch job (or, with --streaming, a streaming job); without --query reads the SQL from stdin',
    )
    .option('-q, --query <sql>', 'the SQL to run')
    .option('--name <name>', 'a name for the job (default: job-<first 8 characters of its id>)')
    .option(
      '--streaming',
      'a streaming job: SQL over one stream, folded into --sink in micro-batches until stopped',
    )
    .option(
      '--sink <name>',
      'streaming jobs (required there): the new table the job writes',
      nonEmpty('--sink'),
    )
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
    .option('--wait', 'wait for a batch job to finish, showing progress on stderr')
    .addHelpText(
      'after',
      `${examples(
        'krishiv jobs submit --query "SELECT count(*) FROM trips" --name trip-count',
        'krishiv jobs submit --wait --timeout-ms 600000 < nightly.sql',
        'krishiv jobs submit --request-id nightly-2024-06-01 -q "COPY trips TO \'.krishiv/files/t.parquet\'"',
        'krishiv jobs submit --streaming --sink per_page -q "SELECT page, count(*) AS views FROM clicks GROUP BY page"',
      )}
With --wait, exits 1 when the job failed or was cancelled (its error on stderr); Ctrl-C stops
waiting but not the job. A streaming job runs until it is cancelled or stopped with
\`krishiv jobs savepoint <id> --stop\`; \`krishiv jobs get <id>\` shows its offset and lag.
`,
    )
    .action(async (options: SubmitOptions, command: Command) => {
      checkSubmitOptions(options);
      const sql = await sqlFromQueryOrStdin(options.query);
      const job = await callAndPrint(
        command,
        async (session) => {
          const submitted = await session.submitJob({
            sql,
            name: options.name,
            kind: options.streaming ? 'streaming' : undefined,
            sink: options.sink,
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
    .description(
      'show one job: state, executor, timings, row count, error; for streaming jobs also sink, offset, lag and records processed',
    )
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

  jobs
    .command('savepoint')
    .description(
      "take a savepoint of a running streaming job (its sink's state and stream offsets); --stop then stops the job",
    )
    .argument('<id>', 'job id', nonEmpty('job id'))
    .option('--label <label>', 'a label to recognise the savepoint by', nonEmpty('--label'))
    .option('--stop', 'stop the job (it ends cancelled) right after the savepoint completes')
    .option(
      '--request-id <key>',
      'idempotency key: asking again with the same key returns the same savepoint',
      nonEmpty('--request-id'),
    )
    .option('--wait', 'wait until the savepoint completed or failed, showing progress on stderr')
    .addHelpText(
      'after',
      `${examples(
        'krishiv jobs savepoint 1a2b3c4d-… --wait',
        'krishiv jobs savepoint 1a2b3c4d-… --label before-upgrade --stop --wait',
        'krishiv jobs savepoint 1a2b3c4d-… --request-id upgrade-1 --format json',
      )}
Without --wait, prints the savepoint while it is pending (\`krishiv savepoints get <id>\` follows
it). With --wait, exits 1 when the savepoint failed (its error on stderr); with --stop --wait it
also waits until the job has stopped, so \`krishiv jobs restore\` can reuse its sink at once.
Needs role admin.
`,
    )
    .action(async (id: string, options: SavepointOptions, command: Command) => {
      const savepoint = await callAndPrint(
        command,
        (session) => savepointAndWait(session, id, options),
        printSavepoint,
      );
      if (savepoint.state === 'failed') {
        throw new CommandFailedError(
          `savepoint ${savepoint.id} failed: ${savepoint.error ?? 'no error recorded'}${options.stop ? `; job ${id} keeps running` : ''}`,
        );
      }
    });

  jobs
    .command('restore')
    .description(
      'start a new streaming job from a completed savepoint: its state is loaded into the sink and the job continues from the saved offsets',
    )
    .argument('<savepointId>', 'savepoint id', nonEmpty('savepoint id'))
    .option('--name <name>', "a name for the new job (default: the old job's name + -restored)")
    .option(
      '--sink <name>',
      "the table the new job writes (default: the old job's sink, once that job has stopped)",
      nonEmpty('--sink'),
    )
    .addHelpText(
      'after',
      `${examples(
        'krishiv jobs restore 5e6f7a8b-…',
        'krishiv jobs restore 5e6f7a8b-… --name per-page-v2 --sink per_page_v2 --format json',
      )}
Needs role admin. Exits 1 when the savepoint is not completed, its files fail verification,
or the sink is written by a running job.
`,
    )
    .action(async (savepointId: string, options: RestoreOptions, command: Command) => {
      await callAndPrint(
        command,
        (session) => session.restoreJob(savepointId, { name: options.name, sink: options.sink }),
        printJob,
      );
    });

  return jobs;
}
