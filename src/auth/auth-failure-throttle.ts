import { Injectable, Logger } from '@nestjs/common';
import { AppConfigService } from '../config/app-config.service';
import { TooManyRequestsError, UnauthenticatedError } from '../common/errors/coordinator.error';
import { MetricsService } from '../metrics/metrics.service';
import { isLoopbackAddress } from './client-address';
import { FixedWindowCounter } from './fixed-window-counter';
import { Principal } from './principal';

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

  constructor(
    config: AppConfigService,
    private readonly metrics: MetricsService,
  ) {
    const limits = config.get('limits');
    this.limit = limits.authFailureLimit;
    this.exemptLoopback = limits.authFailureExemptLoopback;
    this.failures = new FixedWindowCounter(
      limits.authFailureWindowSecs * 1000,
      MAX_TRACKED_ADDRESSES,
    );
  }

  /** Runs `authenticate` for a call from `address`, unless that address is being throttled. */
  public async authenticate(
    address: string,
    authenticate: () => Promise<Principal>,
  ): Promise<Principal> {
    if (this.limit === 0 || (this.exemptLoopback && isLoopbackAddress(address))) {
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
        if (after.count === this.limit) {
          this.logger.warn(
            `${address}: ${this.limit} failed authentications; refusing it for ${Math.ceil((after.resetAt - Date.now()) / 1000)} s`,
          );
        }
      }
      throw err;
    }
  }

  private refusal(resetAt: number): TooManyRequestsError {
    const seconds = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
    return new TooManyRequestsError(
      `too many failed authentications from this address; retry after ${seconds} s`,
      seconds,
    );
  }
}
