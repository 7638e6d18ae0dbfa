import { randomInt } from 'node:crypto';
import { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { Logger } from '@nestjs/common';
import { DuckDBValue, VARCHAR as VARCHAR_TYPE } from '@duckdb/node-api';
import { AuthFailureThrottle } from '../auth/auth-failure-throttle';
import { AuthService } from '../auth/auth.service';
import { peerAddress } from '../auth/client-address';
import { PermissionDeniedError } from '../common/errors/coordinator.error';
import { asStorageError } from '../common/errors/storage-exhausted.error';
import { Principal } from '../access/principal';
import { MAX_SQL_BYTES } from '../engine/result-set';
import { interruptUntilDone } from '../engine/interrupt';
import { AppConfig } from '../config/app-config';
import { BackendMessages, PgField } from './backend-messages';
import {
  BindMessage,
  decodeMessage,
  decodeStartup,
  FrontendMessage,
  ProtocolViolation,
  StartupPacket,
} from './frontend-messages';
import { PgAuthEvents } from './pg-auth-events';
import { PgTransaction } from './pg-transaction';
import { PgError, toPgError } from './pg-error';
import { PgFrameReader } from './pg-frame-reader';
import { PgColumn, PgQueryService, PgResult, PgStatementControl } from './pg-query.service';
import { PgSessionParameters } from './pg-session-parameters';
import { pgBinary, pgText, pgTypeOf, PG_OID } from './pg-types';
import { parseSessionStatement, SessionStatement } from './session-statement';

/** Bind messages carry parameters too, so the cap is above the SQL cap. */
export const MAX_MESSAGE_BYTES = 4 * MAX_SQL_BYTES;

export interface PgSessionOptions {
  auth: AuthService;
  throttle: AuthFailureThrottle;
  queries: PgQueryService;
  events: PgAuthEvents;
  config: AppConfig;
  /** The listener is bound to loopback only: production accepts passwords without TLS. */
  loopbackBind: boolean;
  /** Time allowed from connect to a completed login. */
  authTimeoutMs: number;
  register: (session: PgSession) => void;
  unregister: (session: PgSession) => void;
  cancel: (processId: number, secret: number) => void;
}

interface PreparedStatement {
  sql: string;
  session?: SessionStatement;
  parameterTypes: number[];
  columns: PgColumn[] | null;
}

interface Portal {
  statement: PreparedStatement;
  parameters: (string | null)[];
  resultFormats: number[];
  /** Rows of a started execution not yet sent (Execute with a row limit). */
  pending?: { result: PgResult; sent: number };
}

type Phase = 'startup' | 'password' | 'ready' | 'closed';

/**
 * One client connection: startup (SSLRequest, CancelRequest, StartupMessage), a cleartext-password
 * login whose password is a bearer token, then the simple and extended query protocols.
 */
export class PgSession {
  private readonly logger = new Logger('PgWire');
  private readonly messages = new BackendMessages();
  private readonly frames = new PgFrameReader(MAX_MESSAGE_BYTES);
  private socket: Socket;
  private phase: Phase = 'startup';
  private queue: FrontendMessage[] = [];
  private startupQueue: Buffer[] = [];
  private processing = false;
  private user = '';
  private principal: Principal | undefined;
  private parameters: PgSessionParameters | undefined;
  private readonly statements = new Map<string, PreparedStatement>();
  private readonly portals = new Map<string, Portal>();
  /** After an error in an extended-protocol batch, messages are skipped until Sync. */
  private skipToSync = false;
  private transaction: 'idle' | 'open' | 'failed' = 'idle';
  /** The engine side of an open transaction block (BEGIN … COMMIT/ROLLBACK). */
  private block: PgTransaction | undefined;
  private readonly control: PgStatementControl = { cancelled: false };
  private running: Promise<unknown> | undefined;
  private readonly authTimer: NodeJS.Timeout;
  public readonly processId = randomInt(1, 2 ** 31 - 1);
  public readonly secret = randomInt(-(2 ** 31), 2 ** 31 - 1);

  constructor(
    socket: Socket,
    private readonly options: PgSessionOptions,
  ) {
    this.socket = socket;
    this.attach(socket);
    socket.on('error', () => void this.close());
    socket.on('close', () => void this.close());
    this.authTimer = setTimeout(() => {
      if (this.phase !== 'ready') {
        this.fatal(
          new PgError('08006', 'login timed out: send a startup packet and a password', true),
        );
      }
    }, options.authTimeoutMs);
    this.authTimer.unref();
  }

  private get remoteAddress(): string {
    return `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? '?'}`;
  }

  private attach(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  private onData(chunk: Buffer): void {
    if (this.phase === 'closed') return;
    try {
      for (const frame of this.frames.push(chunk)) {
        if (frame.type === undefined) {
          this.startupQueue.push(frame.body);
        } else {
          this.queue.push(decodeMessage(frame.type, frame.body));
        }
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.fatal(new PgError('08P01', `protocol violation: ${message}`, true));
      return;
    }
    void this.drain();
  }

  /** Handles queued messages one at a time, in order. */
  private async drain(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    this.socket.pause();
    try {
      while (this.phase !== 'closed') {
        const startup = this.startupQueue.shift();
        if (startup) {
          await this.onStartup(startup);
          continue;
        }
        const message = this.queue.shift();
        if (!message) break;
        await this.onMessage(message);
      }
    } catch (err) {
      this.fatal(toPgError(err, (reference, cause) => this.logInternal(reference, cause)));
    } finally {
      this.processing = false;
      if (this.phase !== 'closed') this.socket.resume();
    }
  }

  private send(...buffers: Buffer[]): void {
    if (this.phase !== 'closed' && this.socket.writable) {
      this.socket.write(buffers.length === 1 ? buffers[0] : Buffer.concat(buffers));
    }
  }

  private fatal(error: PgError): void {
    if (this.phase === 'closed') return;
    this.send(this.messages.error({ ...error.toNotice(), severity: 'FATAL' }));
    void this.close();
  }

  /**
   * Shutdown: lets the running statement finish, then ends the session with `57P01` as
   * PostgreSQL does for a server that is going away.
   */
  public async terminate(): Promise<void> {
    await this.running?.catch(() => undefined);
    if (this.phase === 'closed') return;
    const goingAway = new PgError(
      '57P01',
      'terminating connection because the coordinator is shutting down; reconnect to another instance or once it is back',
      true,
    );
    this.send(this.messages.error(goingAway.toNotice()));
    await this.close();
  }

  /** Closes the session; resolves once an open transaction block has been rolled back. */
  public close(): Promise<void> {
    if (this.phase === 'closed') return Promise.resolve();
    this.phase = 'closed';
    clearTimeout(this.authTimer);
    this.cancel();
    // A session that ends inside a transaction block rolls it back, as PostgreSQL does.
    const rolledBack = this.endBlock('ROLLBACK').catch(() => undefined);
    this.options.unregister(this);
    this.socket.end();
    // A peer that never reads must not keep the socket open.
    setTimeout(() => this.socket.destroy(), 1000).unref();
    return rolledBack;
  }

  /** Interrupts the running statement, if any (CancelRequest from another connection). */
  public cancel(): void {
    if (!this.running) return;
    this.control.cancelled = true;
    interruptUntilDone(() => this.control.connection, this.running);
  }

  private async onStartup(body: Buffer): Promise<void> {
    if (this.phase !== 'startup') throw new ProtocolViolation('unexpected startup packet');
    let packet: StartupPacket;
    try {
      packet = decodeStartup(body);
    } catch (err) {
      if (err instanceof ProtocolViolation) throw err;
      throw new ProtocolViolation('malformed startup packet');
    }
    switch (packet.kind) {
      case 'ssl':
        return this.upgradeTls();
      case 'gssenc':
        this.frames.expectUntyped();
        this.send(Buffer.from('N'));
        return;
      case 'cancel':
        this.options.cancel(packet.processId, packet.secret);
        void this.close();
        return;
      case 'startup':
        break;
    }
    if (packet.major !== 3) {
      this.fatal(
        new PgError(
          '0A000',
          `unsupported frontend protocol ${packet.major}.${packet.minor}: server supports 3.0`,
          true,
        ),
      );
      return;
    }
    this.user = packet.parameters.get('user') ?? '';
    if (this.user === '') {
      this.fatal(new PgError('28000', 'no PostgreSQL user name specified in startup packet', true));
      return;
    }
    const unsupported = [...packet.parameters.keys()].filter((k) => k.startsWith('_pq_.'));
    if (packet.minor > 0 || unsupported.length > 0) {
      this.send(this.messages.negotiateProtocolVersion(0, unsupported));
    }
    const parameters = new PgSessionParameters(this.user, this.options.config.query.timeoutMs);
    for (const [name, value] of packet.parameters) {
      if (
        ['user', 'database', 'replication', 'options'].includes(name) ||
        name.startsWith('_pq_.')
      ) {
        continue;
      }
      try {
        if (parameters.has(name)) parameters.set(name, value);
      } catch (err) {
        const error = err as PgError;
        this.fatal(new PgError(error.code, error.message, true));
        return;
      }
    }
    this.parameters = parameters;
    const config = this.options.config;
    if (config.production && !this.options.loopbackBind && !(this.socket instanceof TLSSocket)) {
      this.options.events.record({
        kind: 'authentication-failed',
        code: '28000',
        user: this.user,
        remoteAddress: this.remoteAddress,
        reason: 'password offered without TLS',
      });
      this.fatal(new PgError('28000', 'TLS is required: connect with sslmode=require', true));
      return;
    }
    this.phase = 'password';
    this.send(this.messages.authenticationCleartextPassword());
  }

  private async upgradeTls(): Promise<void> {
    const tls = this.options.config.tls;
    this.frames.expectUntyped();
    if (!tls || this.socket instanceof TLSSocket) {
      this.send(Buffer.from('N'));
      return;
    }
    const plain = this.socket;
    plain.removeAllListeners('data');
    this.send(Buffer.from('S'));
    const secure = new TLSSocket(plain, {
      isServer: true,
      cert: tls.cert,
      key: tls.key,
      ca: tls.ca,
    });
    secure.on('error', () => void this.close());
    this.socket = secure;
    this.attach(secure);
  }

  private async onMessage(message: FrontendMessage): Promise<void> {
    if (this.phase === 'password') return this.onPassword(message);
    if (this.phase !== 'ready') throw new ProtocolViolation(`unexpected ${message.type} message`);
    if (message.type === 'terminate') return this.close();
    if (message.type === 'sync') {
      this.skipToSync = false;
      if (this.transaction === 'idle') this.portals.clear();
      this.send(this.readyForQuery());
      return;
    }
    if (message.type === 'flush') return;
    if (this.skipToSync && message.type !== 'query') return;
    try {
      await this.ensureSessionValid();
      switch (message.type) {
        case 'query':
          return await this.simpleQuery(message.query);
        case 'parse':
          return await this.parse(message.statement, message.query, message.parameterTypes);
        case 'bind':
          return this.bind(message);
        case 'describe':
          return this.describe(message.target, message.name);
        case 'execute':
          return await this.execute(message.portal, message.maxRows);
        case 'close':
          (message.target === 'S' ? this.statements : this.portals).delete(message.name);
          this.send(this.messages.closeComplete());
          return;
        default:
          throw new PgError(
            '08P01',
            `unsupported message type "${message.type === 'unsupported' ? message.code : message.type}"`,
          );
      }
    } catch (err) {
      const error = toPgError(
        asStorageError(err, this.options.config.dataDir),
        (reference, cause) => this.logInternal(reference, cause),
      );
      if (error.code === '42501') this.recordDenial(error.message, err);
      if (error.fatal) {
        this.fatal(error);
        return;
      }
      this.send(this.messages.error(error.toNotice()));
      if (this.transaction === 'open') this.transaction = 'failed';
      if (message.type === 'query') {
        this.send(this.readyForQuery());
      } else {
        this.skipToSync = true;
      }
    }
  }

  private async onPassword(message: FrontendMessage): Promise<void> {
    if (message.type !== 'password') {
      throw new ProtocolViolation(`expected a password message, got ${message.type}`);
    }
    try {
      // The password is the token itself; a pasted "Bearer <token>" works too.
      const token = message.password.trim().replace(/^bearer\s+/i, '');
      // Repeated failures from one address are throttled exactly as on REST and gRPC.
      this.principal = await this.options.throttle.authenticate(
        peerAddress(this.remoteAddress),
        () => this.options.auth.authenticate(token === '' ? undefined : `Bearer ${token}`),
      );
    } catch (err) {
      const reason = err instanceof Error ? err.message : 'invalid credentials';
      this.options.events.record({
        kind: 'authentication-failed',
        code: '28P01',
        user: this.user,
        remoteAddress: this.remoteAddress,
        reason,
      });
      this.fatal(
        new PgError(
          '28P01',
          `password authentication failed for user "${this.user}": ${reason}`,
          true,
        ),
      );
      return;
    }
    clearTimeout(this.authTimer);
    this.phase = 'ready';
    this.options.register(this);
    const statuses = (this.parameters as PgSessionParameters)
      .reported()
      .map(([name, value]) => this.messages.parameterStatus(name, value));
    this.send(
      this.messages.authenticationOk(),
      ...statuses,
      this.messages.backendKeyData(this.processId, this.secret),
      this.readyForQuery(),
    );
  }

  /** A token that expired since login ends the session at the next statement (28000). */
  private async ensureSessionValid(): Promise<void> {
    const principal = this.principal as Principal;
    if (!principal.expiresAt) return;
    const leeway = (this.options.config.oidc?.clockSkewSecs ?? 0) * 1000;
    if (Date.parse(principal.expiresAt) + leeway > Date.now()) return;
    this.options.events.record({
      kind: 'session-expired',
      code: '28000',
      user: this.user,
      subject: principal.subject,
      role: principal.role,
      method: principal.method,
      remoteAddress: this.remoteAddress,
      reason: `token expired at ${principal.expiresAt}`,
    });
    throw new PgError(
      '28000',
      `the token expired at ${principal.expiresAt}; reconnect with a fresh token`,
      true,
    );
  }

  private recordDenial(reason: string, cause: unknown): void {
    this.options.events.record({
      kind: 'permission-denied',
      code: '42501',
      user: this.user,
      subject: this.principal?.subject,
      role: this.principal?.role,
      method: this.principal?.method,
      action: cause instanceof PermissionDeniedError ? cause.action : undefined,
      remoteAddress: this.remoteAddress,
      reason,
    });
  }

  private readyForQuery(): Buffer {
    return this.messages.readyForQuery(
      this.transaction === 'open' ? 'T' : this.transaction === 'failed' ? 'E' : 'I',
    );
  }

  private logInternal(reference: string, err: unknown): void {
    this.logger.error(
      `pgwire internal error ${reference}: ${err instanceof Error ? err.stack : String(err)}`,
    );
  }

  // --- simple query protocol -----------------------------------------------------------------

  private async simpleQuery(sql: string): Promise<void> {
    if (sql.trim() === '' || /^[\s;]*$/.test(sql)) {
      this.send(this.messages.emptyQueryResponse(), this.readyForQuery());
      return;
    }
    const session = this.sessionStatement(sql);
    const statement: PreparedStatement = { sql, session, parameterTypes: [], columns: null };
    const result = await this.run(statement, []);
    const out: Buffer[] = [];
    if (result.columns) {
      out.push(this.messages.rowDescription(this.fields(result.columns, [])));
      for (const row of result.rows) out.push(this.dataRow(row, result.columns, []));
    }
    if (result.truncated) out.push(this.truncationNotice());
    out.push(this.messages.commandComplete(result.tag), this.readyForQuery());
    this.send(...out);
  }

  // --- extended query protocol ---------------------------------------------------------------

  private async parse(name: string, sql: string, declaredTypes: number[]): Promise<void> {
    if (name !== '' && this.statements.has(name)) {
      throw new PgError('42P05', `prepared statement "${name}" already exists`);
    }
    const session = this.sessionStatement(sql);
    let statement: PreparedStatement;
    if (sql.trim() === '' || session) {
      statement = {
        sql,
        session,
        parameterTypes: declaredTypes,
        columns: this.sessionColumns(session),
      };
    } else {
      const description = await this.options.queries.describe(
        this.principal as Principal,
        sql,
        this.block,
      );
      const parameterTypes = description.parameterTypes.map((oid, i) =>
        declaredTypes[i] ? declaredTypes[i] : oid,
      );
      statement = { sql, parameterTypes, columns: description.columns };
    }
    this.statements.set(name, statement);
    this.send(this.messages.parseComplete());
  }

  private bind(message: BindMessage): void {
    const statement = this.statements.get(message.statement);
    if (!statement) {
      throw new PgError('26000', `prepared statement "${message.statement}" does not exist`);
    }
    if (message.parameters.length !== statement.parameterTypes.length) {
      throw new PgError(
        '08P01',
        `bind message supplies ${message.parameters.length} parameters, but prepared statement "${message.statement}" requires ${statement.parameterTypes.length}`,
      );
    }
    const parameters = message.parameters.map((value, i) => {
      if (value === null) return null;
      const format =
        message.parameterFormats.length === 1
          ? message.parameterFormats[0]
          : (message.parameterFormats[i] ?? 0);
      return format === 0
        ? value.toString('utf8')
        : binaryParameter(value, statement.parameterTypes[i]);
    });
    if (message.portal !== '' && this.portals.has(message.portal)) {
      throw new PgError('42P03', `portal "${message.portal}" already exists`);
    }
    this.portals.set(message.portal, {
      statement,
      parameters,
      resultFormats: message.resultFormats,
    });
    this.send(this.messages.bindComplete());
  }

  private describe(target: 'S' | 'P', name: string): void {
    if (target === 'S') {
      const statement = this.statements.get(name);
      if (!statement) throw new PgError('26000', `prepared statement "${name}" does not exist`);
      this.send(
        this.messages.parameterDescription(statement.parameterTypes),
        statement.columns
          ? this.messages.rowDescription(this.fields(statement.columns, []))
          : this.messages.noData(),
      );
      return;
    }
    const portal = this.portals.get(name);
    if (!portal) throw new PgError('34000', `portal "${name}" does not exist`);
    const columns = portal.statement.columns;
    this.send(
      columns
        ? this.messages.rowDescription(this.fields(columns, portal.resultFormats))
        : this.messages.noData(),
    );
  }

  private async execute(name: string, maxRows: number): Promise<void> {
    const portal = this.portals.get(name);
    if (!portal) throw new PgError('34000', `portal "${name}" does not exist`);
    if (portal.statement.sql.trim() === '') {
      this.send(this.messages.emptyQueryResponse());
      return;
    }
    if (!portal.pending) {
      portal.pending = { result: await this.run(portal.statement, portal.parameters), sent: 0 };
    }
    const { result } = portal.pending;
    const columns = portal.statement.columns ? result.columns : null;
    const out: Buffer[] = [];
    let tag = result.tag;
    if (columns) {
      const start = portal.pending.sent;
      const end =
        maxRows > 0
          ? Math.min(result.rows.length, portal.pending.sent + maxRows)
          : result.rows.length;
      for (let i = portal.pending.sent; i < end; i++) {
        out.push(this.dataRow(result.rows[i], columns, portal.resultFormats));
      }
      portal.pending.sent = end;
      if (end < result.rows.length) {
        out.push(this.messages.portalSuspended());
        this.send(...out);
        return;
      }
      if (tag.startsWith('SELECT ')) tag = `SELECT ${end - start}`;
    }
    if (result.truncated) out.push(this.truncationNotice());
    out.push(this.messages.commandComplete(tag));
    this.send(...out);
  }

  // --- running statements --------------------------------------------------------------------

  private async run(
    statement: PreparedStatement,
    parameters: (string | null)[],
  ): Promise<PgResult> {
    const session = statement.session;
    if (session?.kind === 'transaction') return this.runTransaction(session);
    if (session) return this.runSession(session);
    if (this.transaction === 'failed') {
      throw new PgError(
        '25P02',
        'current transaction is aborted, commands ignored until end of transaction block',
      );
    }
    this.control.cancelled = false;
    const timeout = Number(this.parameters?.get('statement_timeout') ?? 0);
    const work = this.options.queries.execute(
      this.principal as Principal,
      statement.sql,
      parameters,
      this.control,
      timeout,
      this.block,
    );
    this.running = work;
    try {
      return await work;
    } finally {
      this.running = undefined;
    }
  }

  /**
   * BEGIN opens a transaction block on one engine connection; COMMIT and ROLLBACK end it. As in
   * PostgreSQL, a block that hit an error can only be rolled back (COMMIT answers ROLLBACK).
   */
  private async runTransaction(
    statement: Extract<SessionStatement, { kind: 'transaction' }>,
  ): Promise<PgResult> {
    const done = (tag: string): PgResult => ({ columns: null, rows: [], tag, truncated: false });
    if (statement.command === 'BEGIN') {
      if (this.transaction !== 'idle') {
        this.warn('25001', 'there is already a transaction in progress');
        return done('BEGIN');
      }
      const block = await this.options.queries.begin(
        this.principal as Principal,
        statement.readOnly,
      );
      if (this.phase === 'closed') {
        // The session ended while the block was being opened: nobody would end it later.
        await block.end('ROLLBACK');
        return done('ROLLBACK');
      }
      this.block = block;
      this.transaction = 'open';
      return done('BEGIN');
    }
    if (this.transaction === 'idle') {
      this.warn('25P01', 'there is no transaction in progress');
      return done(statement.command);
    }
    const failed = this.transaction === 'failed';
    const command = failed ? 'ROLLBACK' : statement.command;
    await this.endBlock(command);
    return done(command);
  }

  /** Ends the open block, if any; the session is out of the block whatever the outcome. */
  private async endBlock(command: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    const block = this.block;
    this.block = undefined;
    this.transaction = 'idle';
    await block?.end(command);
  }

  private warn(code: string, message: string): void {
    this.send(this.messages.notice({ severity: 'WARNING', code, message }));
  }

  private runSession(statement: Exclude<SessionStatement, { kind: 'transaction' }>): PgResult {
    const parameters = this.parameters as PgSessionParameters;
    const done = (tag: string): PgResult => ({ columns: null, rows: [], tag, truncated: false });
    switch (statement.kind) {
      case 'set': {
        const changed = parameters.set(statement.name, statement.value);
        if (changed) this.send(this.messages.parameterStatus(changed[0], changed[1]));
        return done('SET');
      }
      case 'reset':
        if (statement.name !== null) parameters.set(statement.name, null);
        return done('RESET');
      case 'show': {
        const value = parameters.get(statement.name) ?? '';
        return {
          columns: [{ name: statement.name, type: VARCHAR_TYPE }],
          rows: [[value]],
          tag: 'SHOW',
          truncated: false,
        };
      }
      case 'discard':
        this.statements.clear();
        this.portals.clear();
        return done('DISCARD ALL');
      case 'noop':
        return done(statement.tag);
    }
  }

  /** A statement the session answers itself; `SHOW TABLES` and the like go to the engine. */
  private sessionStatement(sql: string): SessionStatement | undefined {
    const statement = parseSessionStatement(sql);
    if (statement?.kind === 'show' && !this.parameters?.has(statement.name)) return undefined;
    return statement;
  }

  private sessionColumns(statement: SessionStatement | undefined): PgColumn[] | null {
    if (statement?.kind !== 'show') return null;
    return [{ name: statement.name, type: VARCHAR_TYPE }];
  }

  // --- encoding ------------------------------------------------------------------------------

  private fields(columns: PgColumn[], formats: number[]): PgField[] {
    return columns.map((column, i) => ({
      name: column.name,
      type: pgTypeOf(column.type),
      format: formatOf(formats, i),
    }));
  }

  private dataRow(row: DuckDBValue[], columns: PgColumn[], formats: number[]): Buffer {
    return this.messages.dataRow(
      row.map((value, i) => {
        if (formatOf(formats, i) === 1) return pgBinary(value, columns[i].type);
        const text = pgText(value, columns[i].type);
        return text === null ? null : Buffer.from(text, 'utf8');
      }),
    );
  }

  private truncationNotice(): Buffer {
    return this.messages.notice({
      severity: 'WARNING',
      code: '01000',
      message: `result truncated to ${this.options.config.query.maxRows} rows (KRISHIV_QUERY_MAX_ROWS)`,
    });
  }
}

function formatOf(formats: number[], i: number): 0 | 1 {
  const format = formats.length === 1 ? formats[0] : (formats[i] ?? 0);
  if (format !== 0 && format !== 1) throw new PgError('08P01', `invalid format code ${format}`);
  return format;
}

/** A binary-format parameter as the text the engine casts from. */
function binaryParameter(value: Buffer, oid: number): string {
  switch (oid) {
    case PG_OID.bool:
      return value[0] ? 'true' : 'false';
    case PG_OID.int2:
      return String(value.readInt16BE(0));
    case PG_OID.int4:
    case PG_OID.oid:
      return String(value.readInt32BE(0));
    case PG_OID.int8:
      return String(value.readBigInt64BE(0));
    case PG_OID.float4:
      return String(value.readFloatBE(0));
    case PG_OID.float8:
      return String(value.readDoubleBE(0));
    case PG_OID.text:
    case PG_OID.varchar:
    case PG_OID.json:
      return value.toString('utf8');
    case PG_OID.bytea:
      return [...value].map((byte) => `\\x${byte.toString(16).padStart(2, '0')}`).join('');
    default:
      throw new PgError(
        '0A000',
        `binary format for parameters of type ${oid} is not supported; send it as text`,
      );
  }
}
