import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = resolve(BENCH_DIR, '..');
/** Scratch space (git-ignored): data dirs, logs, Parquet files, CPU profiles. */
export const TMP_DIR = join(BENCH_DIR, 'tmp');
export const RESULTS_DIR = join(BENCH_DIR, 'results');

/**
 * The compiled coordinator the benchmarks run. `snapshotDist()` copies dist/ and proto/ aside
 * (bench/tmp/snapshot/build, …/proto) first, so a rebuild of dist/ while the benchmark runs cannot
 * pull the program from under it (node_modules still resolves from the repository, up the tree).
 */
export let DIST_DIR = process.env.BENCH_DIST_DIR ?? join(REPO_ROOT, 'dist');

export function coordinatorMain() {
  return join(DIST_DIR, 'main.js');
}

export function snapshotDist({ reuse = false } = {}) {
  const source = join(REPO_ROOT, 'dist');
  const target = join(TMP_DIR, 'snapshot');
  if (reuse && existsSync(join(target, 'build', 'main.js'))) {
    DIST_DIR = join(target, 'build');
    process.env.BENCH_DIST_DIR = DIST_DIR;
    return DIST_DIR;
  }
  // Another build may be replacing dist/ right now: give it a minute to finish.
  for (let waited = 0; !existsSync(join(source, 'main.js')) && waited < 60_000; waited += 500) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  }
  if (!existsSync(join(source, 'main.js'))) throw new Error('dist/main.js is missing: run `npm run build` first');
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  cpSync(source, join(target, 'build'), { recursive: true });
  cpSync(join(REPO_ROOT, 'proto'), join(target, 'proto'), { recursive: true });
  DIST_DIR = join(target, 'build');
  process.env.BENCH_DIST_DIR = DIST_DIR;
  return DIST_DIR;
}

export function tmpPath(...parts) {
  const path = join(TMP_DIR, ...parts);
  mkdirSync(dirname(path), { recursive: true });
  return path;
}
