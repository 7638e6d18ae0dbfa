import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './coordinator';

/** Debian's interpreter, with the python3-grpcio and python3-protobuf packages (.ci/run installs them). */
export const PYTHON = process.env.KRISHIV_TEST_PYTHON || '/usr/bin/python3';
export const PYTHON_SDK = join(REPO_ROOT, 'clients', 'python');
export const PYTHON_GENERATOR = join(PYTHON_SDK, 'scripts', 'gen_python.py');
export const PYTHON_RUNNER = join(PYTHON_SDK, 'tests', 'run_json.py');

export interface PythonRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A clean environment for the SDK: nothing of the caller's KRISHIV_* (or user site packages)
 * leaks in, no bytecode is written into the checkout, and `krishiv` imports from clients/python.
 */
export function pythonEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    LANG: 'C.UTF-8',
    PYTHONPATH: PYTHON_SDK,
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONNOUSERSITE: '1',
    PYTHONUNBUFFERED: '1',
    ...extra,
  };
}

/** Runs the interpreter synchronously: for the steps that decide which tests exist. */
export function pythonSync(args: string[], cwd = PYTHON_SDK, timeoutMs = 60_000): PythonRun {
  const r = spawnSync(PYTHON, args, {
    cwd,
    env: pythonEnv(),
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return {
    code: r.error ? null : r.status,
    stdout: r.stdout ?? '',
    stderr: r.error ? `${r.error.message}\n${r.stderr ?? ''}` : (r.stderr ?? ''),
  };
}

/** Runs the interpreter without blocking the event loop; kills it after `timeoutMs`. */
export function runPython(
  args: string[],
  env: Record<string, string>,
  cwd: string,
  timeoutMs: number,
): Promise<PythonRun> {
  return new Promise((resolve) => {
    const child = spawn(PYTHON, args, {
      cwd,
      env: pythonEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      stderr += `\nkilled after ${timeoutMs} ms`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: `${stderr}\n${err.message}` });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export const describeRun = (r: PythonRun): string =>
  [
    `exit code ${r.code}`,
    r.stdout.trim() && `stdout:\n${r.stdout.trim()}`,
    r.stderr.trim() && `stderr:\n${r.stderr.trim()}`,
  ]
    .filter(Boolean)
    .join('\n');
