import { Logger } from '@nestjs/common';
import { AppConfigService } from '../config/app-config.service';
import { AuditEventRecord, AuditFilter, MetadataStore } from '../metadata/metadata.store';
import { MetricsService } from '../metrics/metrics.service';
import {
  AuditEventInput,
  AuditService,
  BATCH_SIZE,
  FLUSH_INTERVAL_MS,
  MAX_BUFFERED_DENIALS,
} from './audit.service';

/** Just the audit part of a store: records each committed batch, and can be made to fail. */
class FakeStore {
  public batches: AuditEventRecord[][] = [];
  public failWith: Error | undefined;
  public prunedBefore: string[] = [];
  public lastFilter: AuditFilter | undefined;

  /** While set, writes wait for it: a store that is slow or stuck. */
  public gate: Promise<void> | undefined;

  public async insertAuditEvents(events: readonly AuditEventRecord[]): Promise<void> {
    if (this.gate) await this.gate;
    if (this.failWith) throw this.failWith;
    this.batches.push([...events]);
  }

  public async listAuditEvents(filter: AuditFilter) {
    this.lastFilter = filter;
    return this.batches
      .flat()
      .map((e, i) => ({ ...e, seq: i + 1 }))
      .reverse()
      .filter((e) => filter.beforeSeq === undefined || e.seq < filter.beforeSeq)
      .slice(0, filter.limit);
  }

  /** Old events left to prune, handed out in slices of at most `limit`. */
  public prunable = 0;

  public async pruneAuditEvents(before: string, limit: number): Promise<number> {
    this.prunedBefore.push(before);
    const slice = Math.min(limit, this.prunable);
    this.prunable -= slice;
    return slice;
  }

  public get stored(): AuditEventRecord[] {
    return this.batches.flat();
  }
}

const deny = (i = 0): AuditEventInput => ({
  action: 'jobs:list',
  decision: 'deny',
  reason: `401 bad token ${i}`,
  transport: 'rest',
  clientAddress: '10.0.0.9',
});
const allow = (resource = 'job:1'): AuditEventInput => ({
  action: 'jobs:cancel',
  decision: 'allow',
  resource,
  subject: 'alice',
  role: 'admin',
  authMethod: 'oidc',
  requestId: 'r-1',
  transport: 'grpc',
});

let store: FakeStore;
let metrics: MetricsService;
let service: AuditService;

beforeAll(() => {
  Logger.overrideLogger(false);
});

beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
  store = new FakeStore();
  metrics = new MetricsService();
  const config = { get: () => ({ retentionDays: 30 }) } as unknown as AppConfigService;
  service = new AuditService(store as unknown as MetadataStore, config, metrics);
});

afterEach(() => {
  jest.useRealTimers();
});

async function counter(name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const value = metric?.values.find((v) =>
    Object.entries(labels).every(([k, l]) => v.labels[k] === l),
  );
  return Number(value?.value ?? 0);
}

describe('AuditService', () => {
  it('stamps the time and keeps every field, with absent ones as null', async () => {
    service.record(allow());
    service.record(deny());
    await service.flush();
    expect(store.stored).toEqual([
      {
        at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        requestId: 'r-1',
        subject: 'alice',
        role: 'admin',
        authMethod: 'oidc',
        action: 'jobs:cancel',
        resource: 'job:1',
        decision: 'allow',
        reason: null,
        clientAddress: null,
        transport: 'grpc',
      },
      {
        at: expect.any(String),
        requestId: null,
        subject: null,
        role: null,
        authMethod: null,
        action: 'jobs:list',
        resource: null,
        decision: 'deny',
        reason: '401 bad token 0',
        clientAddress: '10.0.0.9',
        transport: 'rest',
      },
    ]);
    expect(await counter('krishiv_audit_events_total', { decision: 'deny' })).toBe(1);
  });

  it('writes many events as one batch after the flush interval, not one commit each', async () => {
    for (let i = 0; i < 50; i++) service.record(deny(i));
    expect(store.batches).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(FLUSH_INTERVAL_MS);
    expect(store.batches.map((b) => b.length)).toEqual([50]);
  });

  it('writes at once when a batch is full', async () => {
    for (let i = 0; i < BATCH_SIZE; i++) service.record(deny(i));
    await jest.advanceTimersByTimeAsync(0);
    expect(store.batches.map((b) => b.length)).toEqual([BATCH_SIZE]);
  });

  it('bounds buffered denials, counts and reports the dropped ones, and never drops an allow', async () => {
    // The store takes the first batch and then hangs, so everything after it waits in memory.
    let release: () => void = () => undefined;
    store.gate = new Promise<void>((resolve) => (release = resolve));
    for (let i = 0; i < BATCH_SIZE + MAX_BUFFERED_DENIALS + 25; i++) service.record(deny(i));
    service.record(allow('job:kept'));
    expect(await counter('krishiv_audit_events_dropped_total')).toBe(25);

    release();
    await service.flush();
    expect(store.stored.filter((e) => e.decision === 'deny')).toHaveLength(
      BATCH_SIZE + MAX_BUFFERED_DENIALS,
    );
    expect(store.stored.filter((e) => e.decision === 'allow').map((e) => e.resource)).toEqual([
      'job:kept',
    ]);
    // Every event was still counted as recorded (and logged).
    expect(await counter('krishiv_audit_events_total', { decision: 'deny' })).toBe(
      BATCH_SIZE + MAX_BUFFERED_DENIALS + 25,
    );
  });

  it('applies the same bound to a batch the store refused', async () => {
    store.failWith = new Error('disk I/O error');
    for (let i = 0; i < MAX_BUFFERED_DENIALS; i++) service.record(deny(i));
    await service.flush();
    // The refused batch is back in the buffer, so it is full: the next denial has no room.
    service.record(deny());
    expect(await counter('krishiv_audit_events_dropped_total')).toBe(1);
    store.failWith = undefined;
    await service.flush();
    expect(store.stored).toHaveLength(MAX_BUFFERED_DENIALS);
  });

  it('keeps a batch the store refused and writes it once the store works again', async () => {
    store.failWith = new Error('database or disk is full');
    service.record(allow('job:a'));
    await service.flush();
    expect(store.stored).toEqual([]);
    store.failWith = undefined;
    service.record(allow('job:b'));
    await jest.advanceTimersByTimeAsync(1000);
    expect(store.stored.map((e) => e.resource)).toEqual(['job:a', 'job:b']);
  });

  it('writes what is buffered before shutdown, and anything later at once', async () => {
    service.record(allow('job:before'));
    await service.beforeApplicationShutdown();
    expect(store.stored.map((e) => e.resource)).toEqual(['job:before']);
    service.record(allow('job:during-drain'));
    await jest.advanceTimersByTimeAsync(0);
    expect(store.stored.map((e) => e.resource)).toEqual(['job:before', 'job:during-drain']);
  });

  it('clips oversized fields', async () => {
    service.record({ ...deny(), reason: 'x'.repeat(5000), action: 'a'.repeat(5000) });
    await service.flush();
    expect(store.stored[0].reason).toHaveLength(512);
    expect(store.stored[0].action).toHaveLength(512);
  });

  it('prunes by the configured retention at start', async () => {
    const started = Date.now();
    service.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    expect(store.prunedBefore).toHaveLength(1);
    const cutoff = Date.parse(store.prunedBefore[0]);
    expect(started - cutoff).toBeGreaterThanOrEqual(30 * 86_400_000);
    expect(started - cutoff).toBeLessThan(30 * 86_400_000 + 5_000);
    await jest.advanceTimersByTimeAsync(60 * 60 * 1000);
    expect(store.prunedBefore).toHaveLength(2);
    await service.beforeApplicationShutdown();
  });

  it('prunes a large backlog in slices until none is left', async () => {
    store.prunable = 12_345;
    service.onApplicationBootstrap();
    // Slices yield to the event loop in between.
    for (let i = 0; i < 20 && store.prunable > 0; i++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(store.prunable).toBe(0);
    // 5000 + 5000 + 2345: the last, short slice ends the sweep.
    expect(store.prunedBefore).toHaveLength(3);
    await service.beforeApplicationShutdown();
  });

  describe('list', () => {
    it('flushes first, so a listing sees everything recorded before it', async () => {
      service.record(allow());
      const page = await service.list({});
      expect(page.events).toHaveLength(1);
      expect(page.events[0]).toMatchObject({ id: '1', action: 'jobs:cancel', decision: 'allow' });
      expect(page.nextPageToken).toBeUndefined();
    });

    it('normalises time filters and pages with a token bound to the filters', async () => {
      for (let i = 0; i < 5; i++) service.record(allow(`job:${i}`));
      const first = await service.list({ pageSize: '2', since: '2030-01-01T01:00:00+01:00' });
      expect(store.lastFilter).toMatchObject({ since: '2030-01-01T00:00:00.000Z', limit: 3 });
      expect(first.events.map((e) => e.resource)).toEqual(['job:4', 'job:3']);
      const second = await service.list({
        pageSize: '2',
        since: '2030-01-01T01:00:00+01:00',
        pageToken: first.nextPageToken,
      });
      expect(second.events.map((e) => e.resource)).toEqual(['job:2', 'job:1']);
      await expect(
        service.list({ pageSize: '2', pageToken: first.nextPageToken, subject: 'bob' }),
      ).rejects.toThrow(/pageToken does not belong/);
    });

    it.each([
      [{ decision: 'maybe' }, /decision must be one of allow, deny/],
      [{ transport: 'smtp' }, /transport must be one of rest, grpc, pgwire/],
      [{ since: 'yesterday' }, /since must be an RFC 3339 timestamp/],
      [{ until: '2030-02-30T00:00:00Z' }, /until must be an RFC 3339 timestamp/],
      [{ pageSize: '-1' }, /pageSize must be a whole number/],
      [{ subject: 's'.repeat(300) }, /subject must be a string of at most 256/],
      [{ pageToken: 'garbage' }, /pageToken does not belong/],
    ])('refuses %p with a clear message', async (request, message) => {
      await expect(service.list(request)).rejects.toThrow(message);
    });
  });
});
