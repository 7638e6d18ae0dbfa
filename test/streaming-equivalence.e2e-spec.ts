import { setTimeout as delay } from 'node:timers/promises';
import * as fc from 'fast-check';
import { closeGrpcClients } from './support/grpc';
import { until } from './support/jobs';
import { expectNoSecretsIn } from './support/secrets';
import {
  appendRecords,
  batchRows,
  createStream,
  Deployment,
  expectStatus,
  sinkRows,
  streamHead,
  submitStreaming,
  waitCaughtUp,
  waitSavepoint,
} from './support/streaming';

/**
 * Property: whatever happens to a streaming job between appends — savepoints, stop-with-savepoint
 * followed by a restore into the same sink, a SIGKILL of the coordinator — once it has caught up,
 * its sink equals the job's SQL run as a batch query over every record appended.
 */

type Target = 'rows' | 'totals';

type Action =
  | { kind: 'append'; records: { g: string | null; v: number | null }[] }
  | { kind: 'savepoint'; target: Target }
  | { kind: 'stopAndRestore'; target: Target }
  | { kind: 'kill' }
  | { kind: 'savepointThenKill'; target: Target; stop: boolean; delayMs: number };

const SEED = 20260528;
const RUNS = 25;

const record = fc.record({
  g: fc.option(fc.constantFrom('a', 'b', 'c'), { freq: 6, nil: null }),
  v: fc.option(fc.integer({ min: -5, max: 5 }), { freq: 5, nil: null }),
});
const target = fc.constantFrom<Target>('rows', 'totals');
const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .array(record, { minLength: 1, maxLength: 12 })
      .map((records) => ({ kind: 'append' as const, records })),
  },
  { weight: 2, arbitrary: target.map((t) => ({ kind: 'savepoint' as const, target: t })) },
  { weight: 2, arbitrary: target.map((t) => ({ kind: 'stopAndRestore' as const, target: t })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'kill' as const }) },
  {
    weight: 1,
    arbitrary: fc
      .record({ target, stop: fc.boolean(), delayMs: fc.integer({ min: 0, max: 40 }) })
      .map((r) => ({ kind: 'savepointThenKill' as const, ...r })),
  },
);

function describeAction(a: Action): string {
  return a.kind === 'append'
    ? `append ${JSON.stringify(a.records)}`
    : a.kind === 'kill'
      ? 'SIGKILL + restart'
      : a.kind === 'savepointThenKill'
        ? `savepoint ${a.target} (stop ${a.stop}), SIGKILL after ${a.delayMs} ms`
        : `${a.kind} ${a.target}`;
}

describe('streaming jobs equal their SQL as a batch query (property)', () => {
  const deployment = new Deployment('equivalence');
  let run = 0;
  const performed: Record<string, number> = {};

  beforeAll(async () => {
    await deployment.start();
  });

  afterAll(async () => {
    closeGrpcClients();
    const logs = await deployment.dispose();
    expectNoSecretsIn(logs, [deployment.adminToken, deployment.readerToken]);
  });

  it('for append and aggregate jobs, through savepoints, stop/restore and SIGKILL', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 2, maxLength: 12 }), async (actions) => {
        run++;
        const stream = `events_${run}`;
        const sql: Record<Target, string> = {
          rows: `SELECT id, g, v * 2 AS v2 FROM ${stream} WHERE v IS NULL OR v <> 0`,
          totals:
            `SELECT g, count(*) AS n, count(v) AS nv, sum(v) AS total, min(v) AS lo, ` +
            `max(v) AS hi, avg(v) AS mean FROM ${stream} GROUP BY g`,
        };
        const columns: Record<Target, string[]> = {
          rows: ['id', 'g', 'v2'],
          totals: ['g', 'n', 'nv', 'total', 'lo', 'hi', 'mean'],
        };
        const sink: Record<Target, string> = { rows: `${stream}_rows`, totals: `${stream}_totals` };
        const log: string[] = [];
        let appended = 0;
        let admin = deployment.admin;
        await createStream(admin, stream, [
          { name: 'id', type: 'INTEGER' },
          { name: 'g', type: 'VARCHAR' },
          { name: 'v', type: 'INTEGER' },
        ]);
        const jobs: Record<Target, string> = { rows: '', totals: '' };
        for (const t of ['rows', 'totals'] as const) {
          jobs[t] = (await submitStreaming(admin, { sql: sql[t], sink: sink[t] })).id;
        }
        const running = (t: Target) =>
          admin.waitForJob(jobs[t], (j) => j.state === 'running', 20_000);
        /** After a completed stop-with-savepoint: the job has ended; restore into its sink. */
        const restoreStopped = async (t: Target, savepoint: any) => {
          const stopped = await admin.waitForJob(jobs[t], (j) => j.state !== 'running');
          expect(stopped.job.state).toBe('cancelled');
          expect(stopped.job.offset).toBe(savepoint.offsets[stream]);
          const restored = expectStatus(
            await admin.call('POST', `/api/v1/savepoints/${savepoint.id}/restore`, { body: {} }),
            202,
          );
          expect(restored).toMatchObject({ sink: sink[t], restoredFrom: savepoint.id });
          jobs[t] = restored.id;
        };

        try {
          for (const a of actions) {
            log.push(describeAction(a));
            performed[a.kind] = (performed[a.kind] ?? 0) + 1;
            switch (a.kind) {
              case 'append': {
                const records = a.records.map((r) => ({ id: ++appended, ...r }));
                const outcome = await appendRecords(admin, stream, records);
                expect(outcome.lastOffset).toBe(appended);
                break;
              }
              case 'savepoint': {
                await running(a.target);
                const pending = expectStatus(
                  await admin.call('POST', `/api/v1/jobs/${jobs[a.target]}/savepoints`, {
                    body: {},
                  }),
                  202,
                );
                const done = await waitSavepoint(admin, pending.id);
                expect(done.state).toBe('completed');
                expect(done.offsets[stream]).toBeLessThanOrEqual(appended);
                break;
              }
              case 'stopAndRestore': {
                await running(a.target);
                const pending = expectStatus(
                  await admin.call('POST', `/api/v1/jobs/${jobs[a.target]}/savepoints`, {
                    body: { stop: true },
                  }),
                  202,
                );
                const done = await waitSavepoint(admin, pending.id);
                expect(done.state).toBe('completed');
                await restoreStopped(a.target, done);
                break;
              }
              case 'savepointThenKill': {
                await running(a.target);
                const pending = expectStatus(
                  await admin.call('POST', `/api/v1/jobs/${jobs[a.target]}/savepoints`, {
                    body: { stop: a.stop },
                  }),
                  202,
                );
                await delay(a.delayMs);
                await deployment.restart();
                admin = deployment.admin;
                // Taken before the crash, or by the job once it runs again; never left pending.
                const done = await waitSavepoint(admin, pending.id);
                if (done.state === 'completed') {
                  expect(done.offsets[stream]).toBeLessThanOrEqual(appended);
                  if (a.stop) await restoreStopped(a.target, done);
                }
                break;
              }
              case 'kill': {
                await deployment.restart();
                admin = deployment.admin;
                break;
              }
            }
          }

          expect(await streamHead(admin, stream)).toBe(appended);
          for (const t of ['rows', 'totals'] as const) {
            const view = await waitCaughtUp(admin, jobs[t], appended, 30_000);
            expect(view.recordsProcessed).toBe(appended);
            expect({ target: t, rows: await sinkRows(admin, sink[t], columns[t]) }).toEqual({
              target: t,
              rows: await batchRows(admin, sql[t]),
            });
          }
        } catch (err) {
          throw new Error(
            `run ${run} (stream ${stream}) failed after:\n  ${log.join('\n  ')}\n${String(err)}`,
          );
        } finally {
          // A coordinator that did not come back has already failed the run above.
          if (deployment.running) {
            for (const t of ['rows', 'totals'] as const) {
              await deployment.admin.cancel(jobs[t]).catch(() => undefined);
            }
            await until(
              'jobs of this run ended',
              async () =>
                Promise.all(
                  (['rows', 'totals'] as const).map(
                    async (t) => (await deployment.admin.current(jobs[t])).state,
                  ),
                ),
              (states) => states.every((s) => s !== 'running' && s !== 'queued'),
            );
          }
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true, verbose: 1 },
    );
    console.log(
      `streaming equivalence: ${run} runs (seed ${SEED}), actions ${JSON.stringify(performed)}`,
    );
  }, 180_000);
});
