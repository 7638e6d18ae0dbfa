import { Injectable, Logger } from '@nestjs/common';
import { AppConfigService } from '../config/app-config.service';
import { UnauthenticatedError } from '../common/errors/coordinator.error';
import { TooManyRequestsError } from '../common/errors/too-many-requests.error';
import { MetricsService } from '../metrics/metrics.service';
import { isLoopbackAddress, UNKNOWN_ADDRESS } from './client-address';
import { FixedWindowCounter } from './fixed-window-counter';
import { Principal } from '../access/principal';

/** Addresses tracked at once; past this the window nearest its end is dropped first. */
export const MAX_TRACKED_ADDRESSES = 10_000;

/**
 * Throttles client addresses that keep presenting bad credentials: after `authFailureLimit`
 * failures within a window, every request from that address is refused with 429 /
 * RESOURCE_EXHAUSTED until the window ends, before any token is looked at (so a flood of forged
 * tokens costs no verification and no JWKS fetch). Other addresses are never affected, and
 * requests without any credentials are not counted.
 */
@Injectable()
export class AuthFailureThrottle {
  private readonly logger = new Logger(AuthFailureThrottle.name);
  private readonly limit: number;
  private readonly exemptLoopback: boolean;
  private readonly failures: FixedWindowCounter;
  private readonly windowMs: number;
  private lastWarnAt = 0;

  constructor(
    config: AppConfigService,
    private readonly metrics: MetricsService,
  ) {
    const limits = config.get('limits');
    this.limit = limits.authFailureLimit;
    this.exemptLoopback = limits.authFailureExemptLoopback;
    this.windowMs = limits.authFailureWindowSecs * 1000;
    this.failures = new FixedWindowCounter(this.windowMs, MAX_TRACKED_ADDRESSES);
  }

  /** Runs `authenticate` for a call from `address`, unless that address is being throttled. */
  public async authenticate(
    address: string,
    authenticate: () => Promise<Principal>,
  ): Promise<Principal> {
    // An address the socket did not report is nobody's in particular: never lump callers together.
    const exempt =
      address === UNKNOWN_ADDRESS || (this.exemptLoopback && isLoopbackAddress(address));
    if (this.limit === 0 || exempt) {
      return authenticate();
    }
    const window = this.failures.peek(address);
    if (window && window.count >= this.limit) {
      this.metrics.throttled.inc({ limit: 'auth-failures' });
      throw this.refusal(window.resetAt);
    }
    try {
      return await authenticate();
    } catch (err) {
      if (err instanceof UnauthenticatedError && err.credentialsPresent) {
        const after = this.failures.add(address);
        if (after.count === this.limit) this.logThrottled(address, after.resetAt);
      }
      throw err;
    }
  }

  /** One warning per window at most: many addresses at once must not flood the log. */
  private logThrottled(address: string, resetAt: number): void {
    const now = Date.now();
    const message = `${address}: ${this.limit} failed authentications; refusing it for ${Math.ceil((resetAt - now) / 1000)} s`;
    if (now - this.lastWarnAt < this.windowMs) return this.logger.debug(message);
    this.lastWarnAt = now;
    this.logger.warn(`${message} (further addresses this window are logged at debug level)`);
  }

  private refusal(resetAt: number): TooManyRequestsError {
    const seconds = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
    return new TooManyRequestsError(
      `too many failed authentications from this address; retry after ${seconds} s`,
      seconds,
    );
  }
}
