// The machine, the versions under test, and per-process memory from /proc.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.mjs';

const require = createRequire(join(REPO_ROOT, 'package.json'));

/** VmRSS / VmHWM (peak) of a process, in bytes; undefined once it has exited. */
export function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name) => {
      const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
      return m ? Number(m[1]) * 1024 : undefined;
    };
    return { rss: field('VmRSS'), peak: field('VmHWM') };
  } catch {
    return undefined;
  }
}

/** Resets the process's peak RSS (VmHWM) to its current RSS; false where the kernel refuses. */
export function resetPeak(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

function versionOf(name) {
  try {
    return require(`${name}/package.json`).version;
  } catch {
    return 'unknown';
  }
}

function git(args) {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

function osName() {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'));
    return m ? m[1] : os.type();
  } catch {
    return os.type();
  }
}

export function machine() {
  const cpus = os.cpus();
  return {
    hostname: os.hostname(),
    os: osName(),
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

export function versions() {
  return {
    node: process.versions.node,
    coordinator: versionOf('krishiv-coordinator') === 'unknown'
      ? JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version
      : versionOf('krishiv-coordinator'),
    commit: git(['rev-parse', '--short', 'HEAD']),
    workingTreeDirty: git(['status', '--porcelain', '--', 'src']) !== '',
    '@nestjs/core': versionOf('@nestjs/core'),
    '@nestjs/platform-fastify': versionOf('@nestjs/platform-fastify'),
    fastify: versionOf('fastify'),
    '@grpc/grpc-js': versionOf('@grpc/grpc-js'),
    '@duckdb/node-api': versionOf('@duckdb/node-api'),
    jose: versionOf('jose'),
    'oidc-provider': versionOf('oidc-provider'),
    autocannon: versionOf('autocannon'),
  };
}
