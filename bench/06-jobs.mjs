// #6 5,000 `SELECT 1` jobs submitted by 50 concurrent clients: accepted/s, and that every accepted
// job is persisted (counted after a restart). Queue wait is measured when slots are free, from
// the job views (startedAt − submittedAt) and from krishiv_job_queue_wait_seconds.
import { metricValue, SERVICE_TOKEN, startCoordinator } from './lib/coordinator.mjs';
import { check, figure, interleave, medianOf } from './lib/harness.mjs';
import { bearer, expectJson, request, sleep } from './lib/http.mjs';
import { httpLoad } from './lib/load.mjs';
import { percentile } from './lib/stats.mjs';

export const id = 6;
export const title = 'Batch job submission and queue wait';
export const goal = '≥ 1,000 submits/s accepted and persisted; queue wait p99 ≤ 50 ms when slots are free';

const env = { KRISHIV_COORDINATOR_BEARER_TOKEN: SERVICE_TOKEN };

/** Histogram buckets of krishiv_job_queue_wait_seconds (cumulative counts by `le`). */
async function queueWaitBuckets(httpUrl) {
  const text = (await request(`${httpUrl}/metrics`)).text;
  const buckets = {};
  for (const m of text.matchAll(/^krishiv_job_queue_wait_seconds_bucket\{le="([^"]+)"\} (\d+)/gm)) buckets[m[1]] = Number(m[2]);
  return buckets;
}

export async function run({ quick, rounds, log }) {
  const jobs = quick ? 1_000 : 5_000;
  const freeSlotJobs = quick ? 15 : 40;
  const clients = 50;
  const headers = { ...bearer(SERVICE_TOKEN), 'content-type': 'application/json' };
  const waits = [];
  const histogram = { le50ms: 0, count: 0 };

  const round = async (r) => {
    const amount = r < 0 ? Math.round(jobs / 5) : jobs;
    const c = await startCoordinator({ name: 'b6', env });
    try {
      // Slots free: one job at a time, the next submitted only once the previous has finished.
      const roundWaits = [];
      const before = await queueWaitBuckets(c.httpUrl);
      for (let i = 0; i < freeSlotJobs; i++) {
        const job = await expectJson(`${c.httpUrl}/api/v1/jobs`, { method: 'POST', headers, body: { sql: 'SELECT 1' } }, [202]);
        let view;
        for (;;) {
          view = await expectJson(`${c.httpUrl}/api/v1/jobs/${job.id}`, { headers });
          if (view.state !== 'queued' && view.state !== 'running') break;
          await sleep(5);
        }
        if (view.state !== 'succeeded') throw new Error(`job ${job.id} ${view.state}: ${view.error}`);
        roundWaits.push(Date.parse(view.startedAt) - Date.parse(view.submittedAt));
      }
      const after = await queueWaitBuckets(c.httpUrl);
      if (r >= 0) {
        waits.push(...roundWaits);
        histogram.le50ms += after['0.05'] - (before['0.05'] ?? 0);
        histogram.count += after['+Inf'] - (before['+Inf'] ?? 0);
      }

      // Burst: `clients` connections, each submitting one job after another.
      const burst = await httpLoad({
        url: `${c.httpUrl}/api/v1/jobs`,
        method: 'POST',
        headers,
        body: { sql: 'SELECT 1' },
        connections: clients,
        amount,
        timeout: 60,
      });
      const burstSeconds = burst.activeSeconds;
      const accepted = burst.statusCodes?.['202']?.count ?? 0;

      // Persisted: restart on the same data dir and count every job the store holds.
      await c.stop({ keepData: true });
      const again = await startCoordinator({ name: 'b6', env, dataDir: c.dataDir });
      let stored;
      try {
        stored = await metricValue(again.httpUrl, 'krishiv_jobs');
      } finally {
        await again.stop({ keepData: false });
      }
      return {
        acceptedPerSec: accepted / burstSeconds,
        accepted,
        persisted: stored - freeSlotJobs,
        p99SubmitMs: burst.p99,
        waitP99Ms: percentile(roundWaits, 99),
        non202: burst.total - accepted,
      };
    } finally {
      await c.stop();
    }
  };

  const results = await interleave({ rounds, log, variants: [{ key: 'subject', run: round }] });
  const rs = results.subject;
  const lost = rs.filter((x) => x.persisted !== x.accepted);
  return {
    figures: {
      acceptedPerSec: figure(`submits accepted (202) per second, ${jobs.toLocaleString('en-US')} jobs, ${clients} clients`, 'jobs/s', rs.map((x) => x.acceptedPerSec)),
      submitP99: figure('submit latency p99 during the burst', 'ms', rs.map((x) => x.p99SubmitMs), 'lower'),
      waitP99: figure('queue wait p99 with free slots, per round', 'ms', rs.map((x) => x.waitP99Ms), 'lower'),
    },
    checks: [
      check('submits accepted per second (median)', medianOf(rs, 'acceptedPerSec'), '>=', 1000),
      check('accepted jobs found after a restart / accepted', rs.reduce((a, x) => a + x.persisted, 0) / rs.reduce((a, x) => a + x.accepted, 0), '>=', 1),
      check(`queue wait p99 with free slots (${waits.length} jobs, from the views)`, percentile(waits, 99), '<=', 50),
    ],
    info: {
      'queue wait p50 with free slots (ms)': percentile(waits, 50),
      'queue wait max with free slots (ms)': percentile(waits, 100),
      'krishiv_job_queue_wait_seconds: share ≤ 50 ms with free slots': histogram.count ? histogram.le50ms / histogram.count : NaN,
      'requests not answered 202': rs.reduce((a, x) => a + x.non202, 0),
    },
    notes: [
      `Each round starts a fresh coordinator (1 executor × 2 slots, the defaults): first ${freeSlotJobs} jobs one at a time (each submitted once the previous finished, so a slot is always free) for the queue wait; then ${jobs.toLocaleString('en-US')} jobs from ${clients} autocannon connections for the submit rate; then a restart on the same data dir counts the stored jobs (krishiv_jobs gauge).`,
      'Queue wait from the views has millisecond resolution (ISO timestamps).',
      ...(lost.length ? [`Rounds where stored ≠ accepted: ${lost.map((x) => `${x.persisted}/${x.accepted}`).join(', ')}`] : []),
    ],
    raw: results,
  };
}
