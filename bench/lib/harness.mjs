// Interleaved rounds: every variant (subject or baseline) runs once per round, in the same order
// each round (A B A B …), after one warm-up pass whose results are discarded.
import { assertCoordinatorsAlive } from './coordinator.mjs';
import { round, summarize, ratio } from './stats.mjs';

let defaultWarmup = 1;
/** Warm-up passes of every benchmark that does not choose its own (run.mjs: 0 in quick mode). */
export function setDefaultWarmup(passes) {
  defaultWarmup = passes;
}

/**
 * Runs `variants` ([{ key, run(roundIndex) → object }]) for `rounds` rounds after `warmup` passes
 * (round index -1, -2, …). Returns { [key]: [roundResult, …] }.
 */
export async function interleave({ rounds, warmup = defaultWarmup, variants, log = () => {} }) {
  const results = Object.fromEntries(variants.map((v) => [v.key, []]));
  for (let w = 0; w < warmup; w++) {
    for (const variant of variants) {
      log(`warm-up ${variant.key}`);
      await variant.run(-1 - w);
      assertCoordinatorsAlive();
    }
  }
  for (let r = 0; r < rounds; r++) {
    for (const variant of variants) {
      const result = await variant.run(r);
      assertCoordinatorsAlive();
      results[variant.key].push(result);
      log(`round ${r + 1}/${rounds} ${variant.key}: ${brief(result)}`);
    }
  }
  return results;
}

function brief(result) {
  return Object.entries(result)
    .filter(([, v]) => typeof v === 'number')
    .slice(0, 4)
    .map(([k, v]) => `${k}=${round(v, v > 100 ? 0 : 2)}`)
    .join(' ');
}

/** A reported figure: the per-round samples of one measure, summarised. */
export function figure(label, unit, samples, better = 'higher') {
  return { label, unit, better, ...summarize(samples) };
}

/** A goal check; `op` is '>=' or '<='. */
export function check(label, measured, op, target, detail) {
  const pass = Number.isFinite(measured) ? (op === '>=' ? measured >= target : measured <= target) : false;
  return { label, measured: round(measured, 3), op, target, pass, ...(detail ? { detail } : {}) };
}

export function medianOf(results, field) {
  return summarize(results.map((r) => r[field])).median;
}

export function ratioOfMedians(subject, baseline, field) {
  return ratio(medianOf(subject, field), medianOf(baseline, field));
}
