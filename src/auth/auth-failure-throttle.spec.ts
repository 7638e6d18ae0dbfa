import { ConsoleLogger, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { AppConfigService } from '../config/app-config.service';
import { loadConfig } from '../config/env.schema';
import { UnauthenticatedError } from '../common/errors/coordinator.error';
import { TooManyRequestsError } from '../common/errors/too-many-requests.error';
import { MetricsService } from '../metrics/metrics.service';
import { AuthFailureThrottle, MAX_TRACKED_ADDRESSES } from './auth-failure-throttle';
import { Principal } from '../access/principal';

const SERVICE: Principal = { subject: 'service', role: 'admin', method: 'service-token' };

function throttleFor(env: Record<string, string>): AuthFailureThrottle {
  const result = loadConfig(env);
  if (!result.ok) throw new Error(result.problems.join('\n'));
  const config = { get: (key: keyof AppConfig) => result.config[key] } as AppConfigService;
  return new AuthFailureThrottle(config, new MetricsService());
}

const fail = () => Promise.reject(new UnauthenticatedError('token is not valid'));
const succeed = () => Promise.resolve(SERVICE);

describe('AuthFailureThrottle', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

  it('refuses an address after the limit of failures, before authenticating, and no other', async () => {
    const throttle = throttleFor({ KRISHIV_AUTH_FAILURE_LIMIT: '3' });
    for (let i = 0; i < 3; i++) {
      await expect(throttle.authenticate('10.0.0.1', fail)).rejects.toThrow(UnauthenticatedError);
    }
    const authenticate = jest.fn(succeed);
    const refused = await throttle.authenticate('10.0.0.1', authenticate).catch((e) => e);
    expect(refused).toBeInstanceOf(TooManyRequestsError);
    expect((refused as TooManyRequestsError).retryAfterSecs).toBeGreaterThanOrEqual(59);
    expect(authenticate).not.toHaveBeenCalled();
    await expect(throttle.authenticate('10.0.0.2', succeed)).resolves.toBe(SERVICE);
  });

  it('does not count requests without credentials', async () => {
    const throttle = throttleFor({ KRISHIV_AUTH_FAILURE_LIMIT: '1' });
    const missing = () => Promise.reject(new UnauthenticatedError('no bearer token', false));
    for (let i = 0; i < 5; i++) {
      await expect(throttle.authenticate('10.0.0.1', missing)).rejects.toThrow(
        UnauthenticatedError,
      );
    }
    await expect(throttle.authenticate('10.0.0.1', succeed)).resolves.toBe(SERVICE);
  });

  it('is off at limit 0, and skips loopback when told to', async () => {
    const off = throttleFor({ KRISHIV_AUTH_FAILURE_LIMIT: '0' });
    const loopback = throttleFor({
      KRISHIV_AUTH_FAILURE_LIMIT: '1',
      KRISHIV_AUTH_FAILURE_EXEMPT_LOOPBACK: 'on',
    });
    for (let i = 0; i < 5; i++) {
      await expect(off.authenticate('10.0.0.1', fail)).rejects.toThrow(UnauthenticatedError);
      await expect(loopback.authenticate('127.0.0.1', fail)).rejects.toThrow(UnauthenticatedError);
      await expect(loopback.authenticate('::1', fail)).rejects.toThrow(UnauthenticatedError);
    }
    await expect(loopback.authenticate('10.0.0.1', fail)).rejects.toThrow(UnauthenticatedError);
    await expect(loopback.authenticate('10.0.0.1', fail)).rejects.toThrow(TooManyRequestsError);
  });

  it('stays bounded in memory under failures from very many addresses', async () => {
    const throttle = throttleFor({ KRISHIV_AUTH_FAILURE_LIMIT: '1' });
    for (let i = 0; i < MAX_TRACKED_ADDRESSES * 3; i++) {
      await throttle.authenticate(`2001:db8::${i.toString(16)}`, fail).catch(() => undefined);
    }
    const tracked = (throttle as unknown as { failures: { size: number } }).failures.size;
    expect(tracked).toBe(MAX_TRACKED_ADDRESSES);
  });
});
