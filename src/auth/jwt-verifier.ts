import { describeJwtFailure, JwtStrategy, TokenCarrier } from './jwt.strategy';
import { Principal } from '../access/principal';

/**
 * Runs the passport-jwt strategy for one token outside any HTTP framework, the way passport's
 * own `authenticate` does (a per-attempt object with success/fail/error), so REST, gRPC and any
 * later listener share one verification path.
 */
export class JwtVerifier {
  constructor(private readonly strategy: JwtStrategy) {}

  public verify(token: string): Promise<Principal> {
    try {
      this.strategy.precheck(token);
    } catch (err) {
      return Promise.reject(describeJwtFailure(err));
    }
    return new Promise((resolve, reject) => {
      const attempt = Object.create(this.strategy) as JwtStrategy & {
        success(user: Principal): void;
        fail(info: unknown): void;
        error(err: unknown): void;
      };
      attempt.success = (user) => resolve(user);
      attempt.fail = (info) => reject(describeJwtFailure(info));
      attempt.error = (err) => reject(describeJwtFailure(err));
      const carrier: TokenCarrier = { token };
      attempt.authenticate(carrier as never, {});
    });
  }
}
