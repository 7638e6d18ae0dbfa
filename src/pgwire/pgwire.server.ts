import { timingSafeEqual } from 'node:crypto';
import { createServer, Server, Socket } from 'node:net';
import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { AuthFailureThrottle } from '../auth/auth-failure-throttle';
import { AuthService } from '../auth/auth.service';
import { AppConfigService } from '../config/app-config.service';
import { isLoopbackHost } from '../config/env.schema';
import { PgAuthEvents } from './pg-auth-events';
import { PgQueryService } from './pg-query.service';
import { PgSession } from './pg-session';

/** PostgreSQL's authentication_timeout is 60 s; a login here is a token paste, not a typed password. */
export const PG_AUTH_TIMEOUT_MS = 10_000;

/** The PostgreSQL wire-protocol listener (`KRISHIV_PG_ADDR`): BI tools, JDBC, psql. */
@Injectable()
export class PgwireServer
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('PgWire');
  private server: Server | undefined;
  private readonly sessions = new Map<number, PgSession>();
  private readonly connections = new Set<PgSession>();

  constructor(
    private readonly config: AppConfigService,
    private readonly auth: AuthService,
    private readonly throttle: AuthFailureThrottle,
    private readonly queries: PgQueryService,
    private readonly events: PgAuthEvents,
  ) {}

  public async onApplicationBootstrap(): Promise<void> {
    const address = this.config.get('pg');
    if (!address) return;
    const server = createServer((socket) => this.accept(socket, isLoopbackHost(address.host)));
    await new Promise<void>((resolve, reject) => {
      const refuse = (err: Error) =>
        reject(
          new Error(
            `cannot listen on KRISHIV_PG_ADDR=${address.host}:${address.port}: ${err.message}; ` +
              'choose another address or set KRISHIV_PG_ADDR=off',
          ),
        );
      server.once('error', refuse);
      server.listen(address.port, address.host, () => {
        server.off('error', refuse);
        resolve();
      });
    });
    server.on('error', (err) => this.logger.error(`pgwire listener: ${err.message}`));
    this.server = server;
    const tls = this.config.get('tls') ? 'TLS available' : 'no TLS';
    this.logger.log(`PostgreSQL wire protocol on ${address.host}:${address.port} (${tls})`);
  }

  /**
   * Drain, as for REST and gRPC: no new connection is accepted, statements already running
   * finish (the process-wide shutdown grace bounds the wait), then every session is told the
   * server is going away (`57P01`) and closed, rolling back an open transaction block.
   */
  public async beforeApplicationShutdown(): Promise<void> {
    const closed = new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
    await Promise.all([...this.connections].map((session) => session.terminate()));
    await closed;
  }

  public async onApplicationShutdown(): Promise<void> {
    // Open transaction blocks are rolled back before the engine closes.
    await Promise.all([...this.connections].map((session) => session.close()));
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  private accept(socket: Socket, loopbackBind: boolean): void {
    socket.setNoDelay(true);
    const session: PgSession = new PgSession(socket, {
      auth: this.auth,
      throttle: this.throttle,
      queries: this.queries,
      events: this.events,
      config: this.config.values,
      loopbackBind,
      authTimeoutMs: PG_AUTH_TIMEOUT_MS,
      register: (s) => this.sessions.set(s.processId, s),
      unregister: (s) => {
        this.sessions.delete(s.processId);
        this.connections.delete(s);
      },
      cancel: (processId, secret) => this.cancel(processId, secret),
    });
    this.connections.add(session);
  }

  /** CancelRequest: the key must match exactly; a wrong one is ignored, as PostgreSQL does. */
  private cancel(processId: number, secret: number): void {
    const session = this.sessions.get(processId);
    if (!session) return;
    const expected = Buffer.alloc(4);
    expected.writeInt32BE(session.secret);
    const given = Buffer.alloc(4);
    given.writeInt32BE(secret);
    if (timingSafeEqual(expected, given)) session.cancel();
  }
}
