import { createHash } from 'node:crypto';
import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { AppConfigService } from '../config/app-config.service';
import { InvalidArgumentError } from '../common/errors/coordinator.error';
import { boundedInt } from '../engine/result-set';
import {
  AuditEventRecord,
  AuditFilter,
  MetadataStore,
  StoredAuditEvent,
} from '../metadata/metadata.store';
import { AUDIT_DECISIONS, AUDIT_TRANSPORTS, AuditTransport } from '../metadata/schema';
import { MetricsService } from '../metrics/metrics.service';
import { oneOf, pageToken, readPageToken } from '../common/list-query';

/** What a caller hands to `record`; the time is the service's own. */
export interface AuditEventInput {
  action: string;
  decision: 'allow' | 'deny';
  resource?: string;
  reason?: string;
  requestId?: string;
  subject?: string;
  role?: string | null;
  authMethod?: string;
  clientAddress?: string;
  transport: AuditTransport;
}

export type AuditEventView = Omit<StoredAuditEvent, 'seq'> & { id: string };

export interface ListAuditRequest {
  subject?: string;
  action?: string;
  decision?: string;
  transport?: string;
  since?: string;
  until?: string;
  pageSize?: number | string;
  pageToken?: string;
}

/** A batch is written after this long, or as soon as it holds BATCH_SIZE events. */
export const FLUSH_INTERVAL_MS = 100;
export const BATCH_SIZE = 500;
/**
 * Denials waiting for the store beyond this many are dropped (counted and logged, and still in
 * the log stream): a flood of bad tokens must not grow memory without bound. Allowed
 * management actions are never dropped; they are bounded by the work they cause.
 */
export const MAX_BUFFERED_DENIALS = 10_000;
const RETENTION_SWEEP_MS = 60 * 60 * 1000;
const RETRY_AFTER_FAILURE_MS = 1000;
const PRUNE_SLICE = 5000;
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 500;
const MAX_FIELD = 512;
const MAX_FILTER = 256;

const clip = (value: string | null | undefined): string | null =>
  value === undefined || value === null || value === '' ? null : value.slice(0, MAX_FIELD);

/**
 * The audit trail: one structured event per management action and per denial, written to the
 * log at once and to the metadata store in batches. Batching keeps a denial flood from costing
 * one fsync'd commit per request; the price is that a crash loses at most the last batch window
 * from the store (never from the log, which each event reaches before `record` returns).
 */
@Injectable()
export class AuditService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private buffer: AuditEventRecord[] = [];
  private bufferedDenials = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private dropped = 0;
  private failing = false;
  private closing = false;
  private sweep: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: MetadataStore,
    private readonly config: AppConfigService,
    private readonly metrics: MetricsService,
  ) {}

  public onApplicationBootstrap(): void {
    this.sweep = setInterval(() => void this.prune(), RETENTION_SWEEP_MS);
    this.sweep.unref();
    void this.prune();
  }

  /** Final flush while the store is still open; later events are written at once. */
  public async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.sweep);
    this.closing = true;
    await this.flush();
  }

  public record(input: AuditEventInput): void {
    const event: AuditEventRecord = {
      at: new Date().toISOString(),
      requestId: clip(input.requestId),
      subject: clip(input.subject),
      role: clip(input.role),
      authMethod: clip(input.authMethod),
      action: input.action.slice(0, MAX_FIELD),
      resource: clip(input.resource),
      decision: input.decision,
      reason: clip(input.reason),
      clientAddress: clip(input.clientAddress),
      transport: input.transport,
    };
    this.logger.log(
      { audit: true, ...event },
      `audit: ${event.decision} ${event.action}${event.resource ? ` on ${event.resource}` : ''} for ${event.subject ?? 'unauthenticated caller'} via ${event.transport}`,
    );
    this.metrics.auditEvents.inc({ decision: event.decision });
    if (event.decision === 'deny') {
      if (this.bufferedDenials >= MAX_BUFFERED_DENIALS) {
        this.drop(1);
        return;
      }
      this.bufferedDenials++;
    }
    this.buffer.push(event);
    // One write at a time: while one is under way, or the store is failing, the timer collects.
    const due = this.buffer.length >= BATCH_SIZE || this.closing;
    if (due && !this.flushing && !this.failing) void this.flush();
    else
      this.timer ??= setTimeout(
        () => void this.flush(),
        this.failing ? RETRY_AFTER_FAILURE_MS : FLUSH_INTERVAL_MS,
      );
  }

  /** Writes everything buffered so far; resolves once it is committed (or has failed). */
  public async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.bufferedDenials = 0;
    this.flushing = this.write(batch).finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  /** Events newest first; reads what was recorded up to this call. */
  public async list(
    request: ListAuditRequest,
  ): Promise<{ events: AuditEventView[]; nextPageToken?: string }> {
    const filter: Omit<AuditFilter, 'limit'> = {
      subject: filterText('subject', request.subject),
      action: filterText('action', request.action),
      decision: oneOf('decision', request.decision, AUDIT_DECISIONS),
      transport: oneOf('transport', request.transport, AUDIT_TRANSPORTS),
      since: timestamp('since', request.since),
      until: timestamp('until', request.until),
    };
    const pageSize =
      request.pageSize === undefined || request.pageSize === '' || request.pageSize === 0
        ? DEFAULT_PAGE_SIZE
        : boundedInt('pageSize', Number(request.pageSize), MAX_PAGE_SIZE);
    const fingerprint = createHash('sha256')
      .update(JSON.stringify(filter))
      .digest('base64url')
      .slice(0, 16);
    const beforeSeq = request.pageToken ? readPageToken(request.pageToken, fingerprint) : undefined;
    await this.flush();
    const rows = await this.store.listAuditEvents({ ...filter, beforeSeq, limit: pageSize + 1 });
    const page = rows.slice(0, pageSize);
    return {
      events: page.map(toView),
      ...(rows.length > pageSize
        ? { nextPageToken: pageToken(page[page.length - 1].seq, fingerprint) }
        : {}),
    };
  }

  private async write(batch: AuditEventRecord[]): Promise<void> {
    try {
      await this.store.insertAuditEvents(batch);
      if (this.failing) this.logger.log('audit events are being stored again');
      this.failing = false;
      if (this.dropped > 0) {
        this.logger.warn(
          `${this.dropped} audit denial events were not stored (buffer full); they are in the log only`,
        );
        this.dropped = 0;
      }
    } catch (err) {
      if (!this.failing) {
        this.logger.warn(
          `could not store audit events, keeping them to retry: ${(err as Error).message}`,
        );
      }
      this.failing = true;
      this.requeue(batch);
      this.timer ??= setTimeout(() => void this.flush(), RETRY_AFTER_FAILURE_MS);
    }
  }

  /** Puts a failed batch back in front, within the same bound on denials. */
  private requeue(batch: AuditEventRecord[]): void {
    const kept: AuditEventRecord[] = [];
    let denials = this.bufferedDenials;
    let lost = 0;
    for (const event of batch) {
      if (event.decision === 'deny') {
        if (denials >= MAX_BUFFERED_DENIALS) {
          lost++;
          continue;
        }
        denials++;
      }
      kept.push(event);
    }
    this.buffer = [...kept, ...this.buffer];
    this.bufferedDenials = denials;
    if (lost > 0) this.drop(lost);
  }

  private drop(count: number): void {
    if (this.dropped === 0) {
      this.logger.warn(
        `audit buffer holds ${MAX_BUFFERED_DENIALS} denials: dropping further denial events from the store until it drains (they stay in the log)`,
      );
    }
    this.dropped += count;
    this.metrics.auditEventsDropped.inc(count);
  }

  private async prune(): Promise<void> {
    const days = this.config.get('audit').retentionDays;
    const before = new Date(Date.now() - days * 86_400_000).toISOString();
    try {
      // In slices: SQLite runs on the event loop, and a year of denials deleted in one
      // statement would stall every request while it runs.
      let removed = 0;
      for (;;) {
        const slice = await this.store.pruneAuditEvents(before, PRUNE_SLICE);
        removed += slice;
        if (slice < PRUNE_SLICE) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (removed > 0)
        this.logger.log(`retention: removed ${removed} audit events older than ${days} days`);
    } catch (err) {
      this.logger.warn(`audit retention sweep failed: ${(err as Error).message}`);
    }
  }
}

function toView(event: StoredAuditEvent): AuditEventView {
  const { seq, ...rest } = event;
  return { id: String(seq), ...rest };
}

function filterText(name: string, value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || value.length > MAX_FILTER) {
    throw new InvalidArgumentError(`${name} must be a string of at most ${MAX_FILTER} characters`);
  }
  return value;
}

/** RFC 3339 in, the stored form (UTC, milliseconds) out, so comparisons are plain text ones. */
function timestamp(name: string, value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const parsed =
    typeof value === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value)
      ? Date.parse(value)
      : NaN;
  // Date.parse rolls 2030-02-30 over to March; a date that does not exist is a typo.
  const [year, month, day] = typeof value === 'string' ? value.slice(0, 10).split('-') : [];
  const calendar = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (Number.isNaN(parsed) || calendar.getUTCDate() !== Number(day)) {
    throw new InvalidArgumentError(
      `${name} must be an RFC 3339 timestamp such as 2030-01-31T12:00:00Z`,
    );
  }
  return new Date(parsed).toISOString();
}
