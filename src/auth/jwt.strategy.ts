import { PassportStrategy } from '@nestjs/passport';
import { decode, JsonWebTokenError, NotBeforeError, TokenExpiredError } from 'jsonwebtoken';
import { Strategy, StrategyOptionsWithoutRequest } from 'passport-jwt';
import { OidcConfig } from '../config/app-config';
import { UnauthenticatedError } from '../common/errors/coordinator.error';
import { JwksKeyCache } from './jwks-key-cache';
import { Principal } from '../access/principal';
import { RoleResolver } from './role-resolver';

/** What the strategy is handed: the raw token, already taken from the header by `parseBearer`. */
export interface TokenCarrier {
  token: string;
}

const KEY_TYPE_ALGORITHMS: Record<string, RegExp> = {
  rsa: /^(RS|PS)(256|384|512)$/,
  'rsa-pss': /^PS(256|384|512)$/,
  ec: /^ES(256|384|512)$/,
};

/**
 * passport-jwt configured for an OIDC provider: the key comes from the JWKS by `kid`, the
 * algorithm must be on the allow-list and fit the key, `exp` is required, and `aud`, `iss`,
 * `nbf`/`iat` are checked with the configured leeway.
 */
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  private readonly roleResolver: RoleResolver;

  constructor(
    private readonly oidc: OidcConfig,
    private readonly keys: JwksKeyCache,
  ) {
    super({
      jwtFromRequest: (req: TokenCarrier) => req.token,
      secretOrKeyProvider: (
        _req: unknown,
        rawJwt: string,
        done: (err: unknown, key?: unknown) => void,
      ) => {
        // done() runs jsonwebtoken's verification synchronously; anything it throws must become
        // a refusal, never an unhandled rejection.
        this.keyForToken(rawJwt)
          .then((key) => done(null, key))
          .catch((err: unknown) => done(err));
      },
      algorithms: oidc.algorithms as never,
      audience: oidc.audiences.length > 0 ? (oidc.audiences as [string, ...string[]]) : undefined,
      issuer: oidc.issuer,
      ignoreExpiration: false,
      jsonWebTokenOptions: { clockTolerance: oidc.clockSkewSecs },
      // jsonwebtoken takes a KeyObject (already parsed once per key, not once per request).
    } as unknown as StrategyOptionsWithoutRequest);
    this.roleResolver = new RoleResolver(oidc.roleClaims, oidc.roleMap);
  }

  public validate(payload: Record<string, unknown>): Principal {
    if (typeof payload.exp !== 'number') throw new UnauthenticatedError('token has no exp claim');
    const now = Date.now() / 1000;
    if (typeof payload.iat === 'number' && payload.iat > now + this.oidc.clockSkewSecs) {
      throw new UnauthenticatedError('token was issued in the future (iat); check the clocks');
    }
    const subject = [payload.sub, payload.client_id, payload.azp].find(
      (s) => typeof s === 'string' && s !== '',
    );
    if (typeof subject !== 'string') throw new UnauthenticatedError('token has no sub claim');
    const { role } = this.roleResolver.resolve(payload);
    return {
      subject,
      role,
      method: 'oidc',
      issuer: typeof payload.iss === 'string' ? payload.iss : undefined,
      expiresAt: new Date(payload.exp * 1000).toISOString(),
    };
  }

  /**
   * Throws the refusal a token gets without any signature or key work: a malformed header or
   * payload, an algorithm not accepted, or a `kid` the key cache refuses at once (unknown, and no
   * fetch allowed now). A flood of tokens with made-up key ids ends here.
   */
  public precheck(rawJwt: string): void {
    const { kid } = this.checkHeader(rawJwt);
    const refusal = this.keys.immediateRefusal(kid);
    if (refusal) throw refusal;
  }

  private async keyForToken(rawJwt: string) {
    const { alg, kid } = this.checkHeader(rawJwt);
    const cached = await this.keys.keyFor(kid);
    const family = KEY_TYPE_ALGORITHMS[cached.key.asymmetricKeyType ?? ''];
    if (!family?.test(alg) || (cached.alg !== undefined && cached.alg !== alg)) {
      throw new UnauthenticatedError(`token algorithm ${alg} does not match its signing key`);
    }
    return cached.key;
  }

  private checkHeader(rawJwt: string): { alg: string; kid: string | undefined } {
    const decoded = decode(rawJwt, { complete: true });
    if (!decoded || typeof decoded.header !== 'object') {
      throw new UnauthenticatedError('token is not a well-formed JWT');
    }
    const payload: unknown = decoded.payload;
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      throw new UnauthenticatedError('token payload is not a JSON object');
    }
    const { alg, kid } = decoded.header;
    // Checked before any key lookup, so `none`/HS* tokens cannot trigger JWKS fetches.
    if (typeof alg !== 'string' || !this.oidc.algorithms.includes(alg)) {
      throw new UnauthenticatedError(
        `token algorithm "${String(alg).slice(0, 16)}" is not accepted`,
      );
    }
    if (kid !== undefined && typeof kid !== 'string')
      throw new UnauthenticatedError('token kid is not a string');
    return { alg, kid };
  }
}

/** jsonwebtoken's reasons, phrased for the `error_description` a caller reads. */
export function describeJwtFailure(info: unknown): UnauthenticatedError {
  if (info instanceof UnauthenticatedError) return info;
  if (info instanceof TokenExpiredError) return new UnauthenticatedError('token has expired');
  if (info instanceof NotBeforeError)
    return new UnauthenticatedError('token is not valid yet (nbf)');
  if (info instanceof JsonWebTokenError) {
    const message = info.message.replace(/^jwt /, 'token ').replace(/\. expected: .*$/, '');
    return new UnauthenticatedError(message);
  }
  return new UnauthenticatedError('token is not valid');
}
