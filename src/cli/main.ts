import { createInterface } from 'node:readline';
import { status } from '@grpc/grpc-js';
import { Command, CommanderError, Option } from 'commander';
import { KrishivError } from '../client/errors';
import { ACTIONS, isAction } from '../access/permissions';
import {
  callAndPrint,
  CommandFailedError,
  EXIT,
  positiveInt,
  readStdin,
  UsageError,
  withSession,
} from './common';
import { auditCommand } from './audit';
import { executorsCommand } from './executors';
import { jobsCommand } from './jobs';
import { savepointsCommand } from './savepoints';
import { streamsCommand } from './streams';
import { doctorCommand } from './doctor';
import { formatRecord, formatResult, FORMATS } from './output';

export { EXIT };

function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError) return EXIT.usage;
  if (err instanceof CommandFailedError) return err.exitCode;
  if (err instanceof KrishivError) {
    if (err.code === status.UNAUTHENTICATED) return EXIT.unauthenticated;
    if (err.code === status.PERMISSION_DENIED) return EXIT.denied;
    if (err.code === status.INVALID_ARGUMENT && /coordinator URL/.test(err.message))
      return EXIT.usage;
  }
  return EXIT.server;
}

function hintFor(err: unknown): string {
  if (!(err instanceof KrishivError)) return '';
  if (err.code === status.UNAUTHENTICATED) {
    return '\nhint: set KRISHIV_OIDC_TOKEN (or KRISHIV_COORDINATOR_BEARER_TOKEN), or pass --token-file; `krishiv whoami` shows who you are';
  }
  if (err.code === status.PERMISSION_DENIED)
    return '\nhint: `krishiv auth can-i <action>` explains what your role allows';
  if (err.code === status.UNAVAILABLE)
    return '\nhint: is the coordinator running? start one with `krishiv coordinator`, or pass --coordinator';
  return '';
}

/** A small prompt: statements end with `;`, `\q` or Ctrl-D quits. */
async function interactive(run: (sql: string) => Promise<void>): Promise<void> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: 'krishiv> ' });
  let buffer = '';
  rl.prompt();
  for await (const line of rl) {
    if (buffer === '' && ['\\q', 'quit', 'exit'].includes(line.trim())) break;
    buffer += `${line}\n`;
    if (line.trim().endsWith(';')) {
      try {
        await run(buffer);
      } catch (err) {
        process.stderr.write(`error: ${(err as Error).message}${hintFor(err)}\n`);
      }
      buffer = '';
    }
    rl.setPrompt(buffer === '' ? 'krishiv> ' : '     ... ');
    rl.prompt();
  }
  rl.close();
}

export function buildProgram(): Command {
  const program = new Command('krishiv')
    .description('Krishiv coordinator: run SQL and manage the coordinator over its gRPC API')
    .option(
      '--coordinator <url>',
      'coordinator gRPC URL (default: $KRISHIV_COORDINATOR or http://127.0.0.1:50051; https:// = TLS)',
    )
    .option(
      '--token <token>',
      'bearer token (default: $KRISHIV_OIDC_TOKEN, $KRISHIV_COORDINATOR_BEARER_TOKEN, then ./.krishiv/dev-token)',
    )
    .option('--token-file <path>', 'read the bearer token from a file')
    .option('--ca-file <path>', 'CA certificate (PEM) that signed the coordinator certificate')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('table'))
    .addHelpText(
      'after',
      `
Examples:
  $ krishiv coordinator                          start a coordinator on the embedded defaults
  $ krishiv sql --query "SELECT 42"              run SQL (uses ./.krishiv/dev-token locally)
  $ echo "SELECT 1" | krishiv sql --format csv   SQL from stdin
  $ KRISHIV_OIDC_TOKEN=eyJ... krishiv whoami      who the coordinator thinks you are
  $ krishiv auth can-i query:write               may I change data?
  $ krishiv jobs submit -q "SELECT …" --wait     run SQL as a batch job and wait for it
  $ krishiv jobs result <id> --all --format csv  the whole result of a job
  $ krishiv executors drain executor-1           stop scheduling onto an executor
  $ krishiv streams append clicks < log.ndjson    append NDJSON records to a stream
  $ krishiv jobs submit --streaming --sink t …   fold a stream into table t until stopped
  $ krishiv jobs savepoint <id> --stop --wait    stop a streaming job with a savepoint
  $ krishiv jobs restore <savepoint-id>          continue it in a new job

Exit codes: 0 ok, 1 server-side error, 2 usage error, 3 not authenticated, 4 permission denied.`,
    );

  program
    .command('coordinator')
    .description(
      'start a coordinator in this process (configured by KRISHIV_* environment variables)',
    )
    .addHelpText('after', '\nExample:\n  $ KRISHIV_DATA_DIR=/var/lib/krishiv krishiv coordinator\n')
    .action(async () => {
      // Loaded lazily: the server's dependencies are not needed by client commands.
      const { configFromProcessOrExit } = await import('../config/process-env');
      const { startCoordinator } = await import('../bootstrap');
      await startCoordinator(configFromProcessOrExit());
    });

  program
    .command('sql')
    .description('run SQL; without --query reads stdin, or opens a prompt on a terminal')
    .option('-q, --query <sql>', 'the SQL to run')
    .option('--max-rows <n>', 'return at most n rows', positiveInt('--max-rows'))
    .option(
      '--timeout-ms <ms>',
      'interrupt the query after ms milliseconds',
      positiveInt('--timeout-ms'),
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ krishiv sql --query "SELECT 42"\n  $ krishiv sql --format json -q "SELECT * FROM t" --max-rows 100\n  $ krishiv sql < report.sql\n',
    )
    .action(async (options: { query?: string; maxRows?: number; timeoutMs?: number }) => {
      await withSession(program, async (s, format) => {
        const run = async (sql: string) => {
          const result = await s.query(sql, {
            maxRows: options.maxRows,
            timeoutMs: options.timeoutMs,
          });
          process.stdout.write(formatResult(result, format));
        };
        if (options.query !== undefined) await run(options.query);
        else if (process.stdin.isTTY) await interactive(run);
        else {
          const sql = await readStdin();
          if (sql.trim() === '')
            throw new UsageError('no SQL: pass --query "…" or pipe SQL on stdin');
          await run(sql);
        }
      });
    });

  program
    .command('whoami')
    .description('show the subject, role and authentication method the coordinator sees')
    .action(async () => {
      await callAndPrint(
        program,
        (s) => s.whoAmI(),
        (me, format) => formatRecord({ ...me }, format),
      );
    });

  const auth = program.command('auth').description('authentication and permission helpers');
  auth
    .command('can-i')
    .description(`whether your role allows an action (one of: ${ACTIONS.join(', ')})`)
    .argument('<action>', 'an action of the permission table, e.g. query:write')
    .addHelpText(
      'after',
      '\nExample:\n  $ krishiv auth can-i jobs:cancel && echo allowed\n\nExits 0 when allowed, 4 when not.',
    )
    .action(async (action: string) => {
      if (!isAction(action))
        throw new UsageError(`unknown action "${action}"; one of: ${ACTIONS.join(', ')}`);
      const answer = await callAndPrint(
        program,
        (s) => s.canI(action),
        (a, format) => formatRecord({ ...a }, format),
      );
      if (!answer.allowed) process.exitCode = EXIT.denied;
    });

  program.addCommand(jobsCommand());
  program.addCommand(savepointsCommand());
  program.addCommand(executorsCommand());
  program.addCommand(streamsCommand());
  program.addCommand(auditCommand());
  program.addCommand(doctorCommand());

  // Usage errors of every subcommand reach main() as exceptions, mapped to exit code 2.
  const configure = (command: Command): void => {
    command.exitOverride().showHelpAfterError(`(run ${commandPath(command)} --help for usage)`);
    command.commands.forEach(configure);
  };
  configure(program);
  return program;
}

function commandPath(command: Command): string {
  return command.parent ? `${commandPath(command.parent)} ${command.name()}` : command.name();
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  // `krishiv jobs list | head` closes stdout early: that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT.ok);
    throw err;
  });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version')
        process.exit(EXIT.ok);
      process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage);
    }
    process.stderr.write(`error: ${(err as Error).message}${hintFor(err)}\n`);
    process.exit(exitCodeFor(err));
  }
}

if (require.main === module) void main(process.argv);
