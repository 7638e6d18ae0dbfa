import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './coordinator';

export const CLI = join(REPO_ROOT, 'bin', 'krishiv.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `krishiv` binary with a clean environment plus `env`, optionally feeding stdin. */
export function runCli(
  args: string[],
  env: Record<string, string>,
  stdin?: string,
  cwd = REPO_ROOT,
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}
