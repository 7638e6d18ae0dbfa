#!/usr/bin/env node
// Benchmark suite of the coordinator. `npm run bench` builds, then runs every benchmark (full
// mode, ~15 minutes) and writes bench/results/<date>.json and bench/REPORT.md.
//
//   node bench/run.mjs [--quick] [--only 1,4] [--rounds N] [--profile]
//
// --quick    short runs, small sizes, 2 rounds, no warm-up (under 2 minutes; run by CI so the
//            benchmarks keep working — it checks they run, not that they are fast)
// --only     a subset of benchmarks, by number
// --rounds   rounds per figure (at least 2 in quick mode, 5 in full mode)
// --profile  start every coordinator with --cpu-prof (profiles in bench/tmp/profiles/)
//
// BENCH_REUSE_SNAPSHOT=1 reuses the copy of dist/ that an earlier run left in bench/tmp/snapshot.
// Only a full run of every benchmark writes bench/REPORT.md and bench/results/; quick, partial or
// profiled runs write to bench/tmp/ instead, so they never overwrite the committed report.
// Exits 1 when a benchmark fails to run; missed goals are reported, not failures.
import { rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CoordinatorLostError, setCoordinatorExecArgv } from './lib/coordinator.mjs';
import { setDefaultWarmup } from './lib/harness.mjs';
import { destroyAgent } from './lib/http.mjs';
import { BENCH_DIR, RESULTS_DIR, snapshotDist, TMP_DIR, tmpPath } from './lib/paths.mjs';
import { installExitHandlers, killAll, stopAll } from './lib/procs.mjs';
import { writeReport, writeResults } from './lib/report.mjs';
import { machine, versions } from './lib/sysinfo.mjs';

const MODULES = [
  './01-auth-rest.mjs',
  './02-auth-grpc.mjs',
  './03-query.mjs',
  './04-bulk-rows.mjs',
  './05-unknown-kid.mjs',
  './06-jobs.mjs',
  './07-stream-ingest.mjs',
  './08-savepoint.mjs',
  './09-startup.mjs',
];

function parseArgs(argv) {
  const args = { quick: false, only: undefined, rounds: undefined, profile: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=');
    const value = () => inline ?? argv[++i];
    if (flag === '--quick') args.quick = true;
    else if (flag === '--profile') args.profile = true;
    else if (flag === '--only') args.only = value().split(',').map(Number);
    else if (flag === '--rounds') args.rounds = Number(value());
    else if (flag === '--help' || flag === '-h') {
      console.log('usage: node bench/run.mjs [--quick] [--only 1,4] [--rounds N] [--profile]');
      process.exit(0);
    } else {
      console.error(`unknown option ${argv[i]}`);
      process.exit(2);
    }
  }
  const minimum = args.quick ? 2 : 5;
  args.rounds = Math.max(minimum, args.rounds ?? minimum);
  return args;
}

const loadNow = () => os.loadavg().map((x) => Math.round(x * 100) / 100);

async function main() {
  const args = parseArgs(process.argv.slice(2));
  installExitHandlers();
  snapshotDist({ reuse: process.env.BENCH_REUSE_SNAPSHOT === '1' });
  rmSync(join(TMP_DIR, 'data'), { recursive: true, force: true });
  rmSync(join(TMP_DIR, 'logs'), { recursive: true, force: true });
  if (args.profile) {
    const dir = tmpPath('profiles', '.keep').replace(/\/\.keep$/, '');
    setCoordinatorExecArgv(['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-name', '{name}.cpuprofile']);
  }
  const selected = MODULES.map((path, i) => ({ path, number: i + 1 })).filter((m) => !args.only || args.only.includes(m.number));
  const official = !args.quick && !args.only && !args.profile;
  // Quick mode checks that every benchmark still runs: no warm-up pass (#4 keeps its own, which
  // checks the rows each transport returns).
  setDefaultWarmup(args.quick ? 0 : 1);
  const startedAt = new Date();
  const t0 = performance.now();
  const results = {
    startedAt: startedAt.toISOString(),
    mode: args.quick ? 'quick' : 'full',
    rounds: args.rounds,
    argv: process.argv.slice(2),
    machine: machine(),
    versions: versions(),
    loadAverage: { start: loadNow(), end: [], samples: [] },
    benchmarks: [],
  };
  const log = (msg) => console.log(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${msg}`);
  log(`${results.mode} mode, ${args.rounds} rounds, ${selected.length} benchmarks; load average ${results.loadAverage.start.join(' ')}`);
  let failed = 0;
  for (const { path } of selected) {
    const mod = await import(path);
    const b0 = performance.now();
    results.loadAverage.samples.push({ id: mod.id, load: loadNow()[0] });
    log(`#${mod.id} ${mod.title}`);
    const entry = { id: mod.id, title: mod.title, goal: mod.goal };
    // A benchmark whose coordinator was ended from outside (or crashed) runs once more.
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        const out = await mod.run({ quick: args.quick, rounds: args.rounds, log: (m) => log(`  #${mod.id} ${m}`) });
        Object.assign(entry, out);
        delete entry.error;
        if (attempt > 1) entry.notes = [...(entry.notes ?? []), `Second attempt; the first ended with: ${entry.firstError.split('\n')[0]}`];
        for (const c of out.checks) log(`  #${mod.id} ${c.pass ? 'met   ' : 'MISSED'} ${c.label}: ${c.measured} (goal ${c.op} ${c.target})`);
        break;
      } catch (err) {
        entry.error = err?.stack ?? String(err);
        log(`  #${mod.id} FAILED (attempt ${attempt}): ${entry.error}`);
        await stopAll();
        if (!(err instanceof CoordinatorLostError) || attempt === 2) {
          failed++;
          break;
        }
        entry.firstError = entry.error;
      }
    }
    entry.seconds = (performance.now() - b0) / 1000;
    results.benchmarks.push(entry);
  }
  results.loadAverage.end = loadNow();
  results.durationSeconds = (performance.now() - t0) / 1000;
  const date = startedAt.toISOString().slice(0, 10);
  const resultsPath = official ? join(RESULTS_DIR, `${date}.json`) : tmpPath('results', `${date}-${results.mode}${args.only ? `-only-${args.only.join('_')}` : ''}.json`);
  const reportPath = official ? join(BENCH_DIR, 'REPORT.md') : tmpPath(`REPORT-${results.mode}.md`);
  writeResults(resultsPath, results);
  const report = writeReport(reportPath, results, resultsPath);
  log(`done in ${(results.durationSeconds / 60).toFixed(1)} min; wrote ${report} and ${resultsPath}`);
  await stopAll();
  destroyAgent();
  return failed;
}

main().then(
  (failed) => process.exit(failed ? 1 : 0),
  (err) => {
    console.error(err);
    killAll();
    process.exit(1);
  },
);
