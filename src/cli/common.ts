import { readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Command } from 'commander';
import { Session } from '../client/session';
import { clientEnvironment } from '../config/client-env';
import { Format } from './output';

/** Exit codes of every CLI command (README, CLI). */
export const EXIT = { ok: 0, server: 1, usage: 2, unauthenticated: 3, denied: 4 } as const;

export interface GlobalOptions {
  coordinator?: string;
  token?: string;
  tokenFile?: string;
  caFile?: string;
  format: Format;
}

/** A mistake on the command line: exits 2. */
export class UsageError extends Error {}

/** A command that reached the coordinator but whose outcome is a failure: exits 1. */
export class CommandFailedError extends Error {
  constructor(
    message: string,
    public readonly exitCode: number = EXIT.server,
  ) {
    super(message);
  }
}

/** The root command, whose options (`--format`, `--coordinator`, …) every command honours. */
function root(command: Command): Command {
  let c = command;
  while (c.parent) c = c.parent;
  return c;
}

export function globalOptions(command: Command): GlobalOptions {
  return root(command).opts<GlobalOptions>();
}

export function openSession(command: Command): Session {
  const options = globalOptions(command);
  const env = clientEnvironment();
  let token = options.token ?? env.token;
  if (options.tokenFile) {
    try {
      token = readFileSync(options.tokenFile, 'utf8').trim();
    } catch (err) {
      throw new UsageError(
        `cannot read --token-file ${options.tokenFile}: ${(err as NodeJS.ErrnoException).code}`,
      );
    }
  }
  return Session.connect(options.coordinator ?? env.coordinator, {
    token,
    ca: options.caFile ? Session.caFromFile(options.caFile) : undefined,
  });
}

/** Runs `work` on a session to the coordinator, closing it afterwards. */
export async function withSession<T>(
  command: Command,
  work: (session: Session, format: Format) => Promise<T>,
): Promise<T> {
  const session = openSession(command);
  try {
    return await work(session, globalOptions(command).format);
  } finally {
    session.close();
  }
}

/** Calls the SDK and prints its answer on stdout in the chosen `--format`. */
export function callAndPrint<T>(
  command: Command,
  call: (session: Session) => Promise<T>,
  render: (value: T, format: Format) => string,
): Promise<T> {
  return withSession(command, async (session, format) => {
    const value = await call(session);
    process.stdout.write(render(value, format));
    return value;
  });
}

export function integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new UsageError(
        `${name} must be a whole number of at least ${min}${max < Number.MAX_SAFE_INTEGER ? ` and at most ${max}` : ''}`,
      );
    }
    return n;
  };
}

export const positiveInt = (name: string) => integer(name, 1);

export function nonEmpty(name: string) {
  return (value: string): string => {
    if (value.trim() === '') throw new UsageError(`${name} must not be empty`);
    return value;
  };
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** SQL from `--query`, else from piped stdin; a terminal on stdin is a usage error. */
export async function sqlFromQueryOrStdin(query: string | undefined): Promise<string> {
  if (query !== undefined) {
    if (query.trim() === '') throw new UsageError('--query must not be empty');
    return query;
  }
  if (process.stdin.isTTY) throw new UsageError('no SQL: pass --query "…" or pipe SQL on stdin');
  const sql = await readStdin();
  if (sql.trim() === '') throw new UsageError('no SQL: pass --query "…" or pipe SQL on stdin');
  return sql;
}

/** The contents of `--file PATH`, else piped stdin; a terminal on stdin is a usage error. */
export async function fileOrStdin(
  file: string | undefined,
  what: string,
): Promise<NodeJS.ReadableStream> {
  if (file !== undefined) {
    try {
      return (await open(file, 'r')).createReadStream();
    } catch (err) {
      throw new UsageError(`cannot read --file ${file}: ${(err as NodeJS.ErrnoException).code}`);
    }
  }
  if (process.stdin.isTTY)
    throw new UsageError(`no ${what}: pipe them on stdin or pass --file PATH`);
  return process.stdin;
}

/** Formats `lines` as an "Examples:" help section. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}
