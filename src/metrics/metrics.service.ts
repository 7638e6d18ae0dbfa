import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics, on a registry of this app's own (tests run several apps per process). */
@Injectable()
export class MetricsService {
  public readonly registry = new Registry();

  public readonly authDecisions = new Counter({
    name: 'krishiv_auth_decisions_total',
    help: 'Authentication and authorization decisions by method and result',
    labelNames: ['method', 'result'] as const,
    registers: [this.registry],
  });

  public readonly auditEvents = new Counter({
    name: 'krishiv_audit_events_total',
    help: 'Audit events recorded, by decision',
    labelNames: ['decision'] as const,
    registers: [this.registry],
  });

  public readonly auditEventsDropped = new Counter({
    name: 'krishiv_audit_events_dropped_total',
    help: 'Audit denial events not stored because the write buffer was full (they are still logged)',
    registers: [this.registry],
  });

  public readonly jwksFetches = new Counter({
    name: 'krishiv_jwks_fetches_total',
    help: 'JWKS fetches by trigger and result',
    labelNames: ['trigger', 'result'] as const,
    registers: [this.registry],
  });

  public readonly jwksFetchFailures = new Counter({
    name: 'krishiv_jwks_fetch_failures_total',
    help: 'Failed JWKS fetches by reason (unreachable, timeout, http_status, too_large, invalid_json, invalid_document, no_usable_keys)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  public readonly throttled = new Counter({
    name: 'krishiv_requests_throttled_total',
    help: 'Requests refused by an abuse limit (auth-failures per address, principal-rate)',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });

  public readonly jwksKeys = new Gauge({
    name: 'krishiv_jwks_keys',
    help: 'Signing keys currently cached from the JWKS',
    registers: [this.registry],
  });

  public readonly jwksLastSuccess = new Gauge({
    name: 'krishiv_jwks_last_success_timestamp_seconds',
    help: 'When the JWKS was last fetched successfully',
    registers: [this.registry],
  });

  public readonly requestDuration = new Histogram({
    name: 'krishiv_request_duration_seconds',
    help: 'Request latency by transport, operation and outcome',
    labelNames: ['transport', 'operation', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  public readonly queries = new Counter({
    name: 'krishiv_queries_total',
    help: 'SQL queries by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  public readonly jobDuration = new Histogram({
    name: 'krishiv_job_duration_seconds',
    help: 'Run time of jobs by final state',
    labelNames: ['state'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800, 3600],
    registers: [this.registry],
  });

  public readonly jobQueueWait = new Histogram({
    name: 'krishiv_job_queue_wait_seconds',
    help: 'Time from submission to start on an executor slot',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5, 30, 300],
    registers: [this.registry],
  });

  /** Gauges read at scrape time from whoever owns the state. */
  public observeJobs(source: {
    countJobsByState: () => Promise<Record<string, number>>;
    slotTotals: () => { busy: number; free: number };
  }): void {
    new Gauge({
      name: 'krishiv_jobs',
      help: 'Jobs by state (queued is the queue length)',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        for (const [state, n] of Object.entries(await source.countJobsByState()))
          this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'krishiv_executor_slots',
      help: 'Executor slots by status (free counts active executors only)',
      labelNames: ['status'] as const,
      registers: [this.registry],
      collect() {
        const { busy, free } = source.slotTotals();
        this.set({ status: 'busy' }, busy);
        this.set({ status: 'free' }, free);
      },
    });
  }

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'krishiv_' });
  }
}
