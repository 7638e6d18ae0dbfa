// Small statistics over benchmark samples.

export function sorted(values) {
  return [...values].filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
}

/** Nearest-rank percentile (p in 0..100) of the values. */
export function percentile(values, p) {
  const s = sorted(values);
  if (s.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * s.length);
  return s[Math.min(s.length - 1, Math.max(0, rank - 1))];
}

export function median(values) {
  const s = sorted(values);
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Median and spread of per-round samples: min, max, and the spread as (max − min) / median in
 * percent, the figure the report shows next to each median.
 */
export function summarize(values) {
  const s = sorted(values);
  const med = median(s);
  return {
    n: s.length,
    median: med,
    min: s[0] ?? NaN,
    max: s[s.length - 1] ?? NaN,
    spreadPct: s.length && med ? ((s[s.length - 1] - s[0]) / Math.abs(med)) * 100 : NaN,
    samples: values,
  };
}

export function ratio(a, b) {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : NaN;
}

export function round(value, digits = 3) {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Latency histogram in microsecond-ish resolution for the gRPC load and other custom loops. */
export class LatencyRecorder {
  constructor() {
    this.values = [];
  }
  record(ms) {
    this.values.push(ms);
  }
  get count() {
    return this.values.length;
  }
  percentile(p) {
    return percentile(this.values, p);
  }
  summary() {
    return {
      count: this.values.length,
      p50: percentile(this.values, 50),
      p95: percentile(this.values, 95),
      p99: percentile(this.values, 99),
      max: percentile(this.values, 100),
    };
  }
}
