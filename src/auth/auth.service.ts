import { readFile } from 'node:fs/promises';
import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AppConfigService } from '../config/app-config.service';
import { parseTokenList } from '../config/env.schema';
import {
  InvalidArgumentError,
  PermissionDeniedError,
  UnauthenticatedError,
} from '../common/errors/coordinator.error';
import { MetricsService } from '../metrics/metrics.service';
import { Action, ACTIONS, isAction, requiredRole } from '../access/permissions';
import { parseBearer } from './bearer-credentials';
import { isCanonicalCompactJws } from './compact-jws';
import { DevTokenWriter } from './dev-token.writer';
import { JwksKeyCache } from './jwks-key-cache';
import { JwtStrategy } from './jwt.strategy';
import { JwtVerifier } from './jwt-verifier';
import { AuthMethod, Principal, roleAllows } from '../access/principal';
import { StaticTokenRegistry } from './static-token-registry';
import { tokenDigest } from './token-fingerprint';
import { VerifiedTokenCache } from './verified-token-cache';

export interface CanIAnswer {
  action: string;
  allowed: boolean;
  requiredRole: string;
  role: string;
  reason: string;
}

const ANONYMOUS: Principal = { subject: 'anonymous', role: 'admin', method: 'anonymous' };
const SERVICE: Principal = { subject: 'service', role: 'admin', method: 'service-token' };

/**
 * Turns an `Authorization` value into a principal, and a principal plus an action into a
 * decision. Plain TypeScript over header values: REST, gRPC and any other listener share it.
 * Order (README, Authentication): static tokens, then JWT.
 */
@Injectable()
export class AuthService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(AuthService.name);
  private readonly staticTokens = new StaticTokenRegistry();
  private readonly verified = new VerifiedTokenCache();
  public readonly jwks: JwksKeyCache | undefined;
  private readonly jwtVerifier: JwtVerifier | undefined;
  private reloadTimer: NodeJS.Timeout | undefined;
  private readonly onSighup = () => void this.reloadStaticTokens('SIGHUP');

  constructor(
    private readonly config: AppConfigService,
    private readonly metrics: MetricsService,
    private readonly devToken: DevTokenWriter,
  ) {
    const oidc = config.get('oidc');
    if (oidc) {
      this.jwks = new JwksKeyCache(oidc, metrics);
      this.jwtVerifier = new JwtVerifier(new JwtStrategy(oidc, this.jwks));
    }
  }

  public async onModuleInit(): Promise<void> {
    await this.reloadStaticTokens('startup');
    this.jwks?.start();
    const { files, reloadIntervalSecs } = this.config.get('serviceTokens');
    if (files.length > 0 || this.config.get('uiToken')?.file) {
      this.reloadTimer = setInterval(
        () => void this.reloadStaticTokens('interval'),
        reloadIntervalSecs * 1000,
      );
      this.reloadTimer.unref();
      process.on('SIGHUP', this.onSighup);
    }
  }

  public onApplicationShutdown(): void {
    clearInterval(this.reloadTimer);
    process.off('SIGHUP', this.onSighup);
    this.jwks?.stop();
  }

  /** OIDC is ready when its keys were fetched at least once; other methods are always ready. */
  public get ready(): boolean {
    return this.jwks?.ready ?? true;
  }

  public enabledMethods(): AuthMethod[] {
    const methods: AuthMethod[] = [];
    if (this.jwks) methods.push('oidc');
    if (this.staticTokens.serviceTokenCount > 0) methods.push('service-token');
    if (this.staticTokens.hasUiToken) methods.push('ui-token');
    if (this.config.get('allowAnonymous')) methods.push('anonymous');
    return methods;
  }

  public async authenticate(authorization: string | string[] | undefined): Promise<Principal> {
    try {
      const principal = await this.resolve(authorization);
      this.metrics.authDecisions.inc({ method: principal.method, result: 'authenticated' });
      return principal;
    } catch (err) {
      if (err instanceof UnauthenticatedError) {
        this.metrics.authDecisions.inc({
          method: 'none',
          result: err.credentialsPresent ? 'invalid' : 'missing',
        });
      }
      throw err;
    }
  }

  /** Throws unless the principal's role reaches the action's minimum role. */
  public authorize(principal: Principal, action: Action): void {
    const required = requiredRole(action);
    if (roleAllows(principal.role, required)) return;
    this.metrics.authDecisions.inc({ method: principal.method, result: 'denied' });
    throw new PermissionDeniedError(this.denialMessage(principal, action), required, action);
  }

  /** `can-i`: the decision the roles guard would take, explained, without performing the action. */
  public canI(principal: Principal, action: string | undefined): CanIAnswer {
    if (!action || !isAction(action)) {
      throw new InvalidArgumentError(
        `${action ? `unknown action "${action.slice(0, 64)}"` : 'action is required'}; one of: ${ACTIONS.join(', ')}`,
      );
    }
    const required = requiredRole(action);
    const allowed = roleAllows(principal.role, required);
    return {
      action,
      allowed,
      requiredRole: required ?? '',
      role: principal.role ?? '',
      reason: allowed
        ? required
          ? `role ${principal.role} reaches ${required}`
          : 'any authenticated caller may'
        : this.denialMessage(principal, action),
    };
  }

  public denialMessage(principal: Principal, action: Action): string {
    const required = requiredRole(action);
    if (principal.role !== null)
      return `${action} needs role ${required}; you have ${principal.role}`;
    const claims = this.config.get('oidc')?.roleClaims.join(', ') ?? 'none configured';
    return `${action} needs role ${required}; your token carries no recognised role (claims looked at: ${claims})`;
  }

  private async resolve(authorization: string | string[] | undefined): Promise<Principal> {
    const token = parseBearer(authorization);
    if (token === undefined) {
      if (this.config.get('allowAnonymous')) return ANONYMOUS;
      throw new UnauthenticatedError(
        'no bearer token; send "Authorization: Bearer <token>"',
        false,
      );
    }
    // One digest serves the static-token comparison and the verified-token cache.
    const digest = tokenDigest(token);
    const kind = this.staticTokens.matchDigest(digest);
    if (kind === 'service') return SERVICE;
    if (kind === 'ui') return { subject: 'ui', role: this.staticTokens.uiRole, method: 'ui-token' };
    if (!this.jwtVerifier || !this.jwks) {
      throw new UnauthenticatedError('token is not a configured service or UI token');
    }
    if (token.split('.').length !== 3) {
      throw new UnauthenticatedError('token is neither a configured static token nor a JWT');
    }
    const key = digest.toString('base64');
    const cached = this.verified.get(key, this.jwks.generation);
    // Only this exact string was verified (and found canonical) before.
    if (cached) return cached;
    if (!isCanonicalCompactJws(token)) {
      throw new UnauthenticatedError('token segments are not canonical base64url');
    }
    const generation = this.jwks.generation;
    const principal = await this.jwtVerifier.verify(token);
    this.verified.set(key, principal, generation);
    return principal;
  }

  /**
   * Re-reads token files. A file that cannot be read keeps the last good set; a configured source
   * that yields no token rejects every service token until it yields one again (fail closed).
   */
  public async reloadStaticTokens(reason: 'startup' | 'interval' | 'SIGHUP'): Promise<void> {
    const { inline, files } = this.config.get('serviceTokens');
    const tokens = [...inline];
    let emptySource = false;
    for (const file of files) {
      try {
        const fromFile = parseTokenList(await readFile(file, 'utf8'));
        if (fromFile.length === 0) emptySource = true;
        tokens.push(...fromFile);
      } catch (err) {
        this.logger.warn(
          `cannot re-read ${file} (${(err as NodeJS.ErrnoException).code}); keeping the last good tokens`,
        );
        return;
      }
    }
    if (this.config.get('generateDevToken')) tokens.push(await this.devToken.write());
    const before = this.staticTokens.serviceTokenCount;
    this.staticTokens.setServiceTokens(tokens, emptySource);
    if (emptySource)
      this.logger.warn(
        'a service-token file is empty: every service token is rejected until it is filled',
      );

    const ui = this.config.get('uiToken');
    if (ui) {
      let uiToken = ui.inline;
      if (uiToken === undefined && ui.file) {
        try {
          uiToken = parseTokenList(await readFile(ui.file, 'utf8'))[0];
        } catch (err) {
          this.logger.warn(
            `cannot re-read ${ui.file} (${(err as NodeJS.ErrnoException).code}); keeping the UI token`,
          );
          return;
        }
      }
      this.staticTokens.setUiToken(uiToken, ui.role);
    }
    if (reason !== 'startup' && before !== this.staticTokens.serviceTokenCount) {
      this.logger.log(
        `service tokens reloaded (${reason}): ${this.staticTokens.serviceTokenCount} accepted`,
      );
    }
  }
}
