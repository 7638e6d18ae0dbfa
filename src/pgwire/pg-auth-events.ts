import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { peerAddress } from '../auth/client-address';
import { MetricsService } from '../metrics/metrics.service';

/** One refused wire-protocol login or statement, as the audit trail and the logs see it. */
export interface PgAuthEvent {
  kind: 'authentication-failed' | 'permission-denied' | 'session-expired';
  /** SQLSTATE sent to the client. */
  code: string;
  /** The startup packet's user name: informational, never trusted. */
  user: string;
  subject?: string;
  role?: string | null;
  method?: string;
  /** The refused action of the permission table; logins are `pgwire:login`. */
  action?: string;
  remoteAddress: string;
  reason: string;
}

/**
 * The single place every wire-protocol authentication failure and permission denial passes
 * through: it counts what AuthService has not already counted, logs the event (never the token)
 * and records it in the audit trail like a REST or gRPC denial.
 */
@Injectable()
export class PgAuthEvents {
  private readonly logger = new Logger('PgWire');

  constructor(
    private readonly metrics: MetricsService,
    private readonly audit: AuditService,
  ) {}

  public record(event: PgAuthEvent): void {
    // AuthService.authenticate/authorize already count invalid tokens and denials; an expired
    // session is decided here, so it is counted here.
    if (event.kind === 'session-expired') {
      this.metrics.authDecisions.inc({ method: event.method ?? 'none', result: 'expired' });
    }
    this.logger.warn(
      `pgwire ${event.kind} (${event.code}) user="${event.user.slice(0, 64)}"` +
        `${event.subject ? ` subject="${event.subject}"` : ''} from ${event.remoteAddress}: ${event.reason}`,
    );
    this.audit.record({
      action: event.action ?? 'pgwire:login',
      decision: 'deny',
      reason: `${event.code} ${event.reason}`,
      subject: event.subject,
      role: event.role,
      authMethod: event.method,
      clientAddress: peerAddress(event.remoteAddress),
      transport: 'pgwire',
    });
  }
}
