import { Injectable } from '@nestjs/common';
import { AppConfigService } from '../config/app-config.service';
import { TooManyRequestsError } from '../common/errors/too-many-requests.error';
import { MetricsService } from '../metrics/metrics.service';
import { FixedWindowCounter } from './fixed-window-counter';
import { Principal } from '../access/principal';

/** Principals tracked at once; past this the window nearest its end is dropped first. */
export const MAX_TRACKED_PRINCIPALS = 10_000;

/**
 * Optional request rate limit per authenticated principal (method + subject), the same on REST
 * and gRPC: past `principalRateLimit` requests in a window, 429 / RESOURCE_EXHAUSTED until it ends.
 */
@Injectable()
export class PrincipalRateLimiter {
  private readonly limit: number;
  private readonly windowSecs: number;
  private readonly requests: FixedWindowCounter;

  constructor(
    config: AppConfigService,
    private readonly metrics: MetricsService,
  ) {
    const limits = config.get('limits');
    this.limit = limits.principalRateLimit;
    this.windowSecs = limits.principalRateWindowSecs;
    this.requests = new FixedWindowCounter(this.windowSecs * 1000, MAX_TRACKED_PRINCIPALS);
  }

  /** Counts one request of the principal; throws once it is over its limit. */
  public take(principal: Principal): void {
    if (this.limit === 0) return;
    const window = this.requests.add(`${principal.method}:${principal.subject}`);
    if (window.count <= this.limit) return;
    this.metrics.throttled.inc({ limit: 'principal-rate' });
    const seconds = Math.max(1, Math.ceil((window.resetAt - Date.now()) / 1000));
    throw new TooManyRequestsError(
      `request rate limit of ${this.limit} per ${this.windowSecs} s exceeded for ${principal.subject}; retry after ${seconds} s`,
      seconds,
    );
  }
}
