import { connect, Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { serialize } from 'pg-protocol';
import { BackendMessage } from 'pg-protocol/dist/messages';
import { Parser } from 'pg-protocol/dist/parser';

/** A backend message as pg-protocol's parser (node-postgres's) decodes it. */
export type Message = BackendMessage & Record<string, any>;

/**
 * A bare PostgreSQL protocol client for the tests: node-postgres's own serializer and parser
 * over a socket, so a test can send exactly the messages it means (extended protocol steps,
 * row limits, broken input) and see every message the server answers with.
 */
export class PgWireClient {
  private readonly parser = new Parser();
  private readonly inbox: Message[] = [];
  private waiter: (() => void) | undefined;
  public closed = false;
  public readonly done: Promise<void>;

  private constructor(public readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.parser.parse(chunk, (message) => {
        this.inbox.push(message as Message);
        this.waiter?.();
      });
    });
    this.done = new Promise((resolve) =>
      socket.on('close', () => {
        this.closed = true;
        this.waiter?.();
        resolve();
      }),
    );
    socket.on('error', () => undefined);
  }

  /** With `ca`, the session starts with SSLRequest and continues over TLS verified by `ca`. */
  public static async connect(port: number, ca?: Buffer, from?: string): Promise<PgWireClient> {
    const socket = connect({ port, host: '127.0.0.1', localAddress: from });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    if (!ca) return new PgWireClient(socket);
    socket.write(serialize.requestSsl());
    const answer = await new Promise<string>((resolve) =>
      socket.once('data', (chunk) => resolve(chunk.toString('latin1'))),
    );
    if (answer !== 'S') throw new Error(`server answered ${JSON.stringify(answer)} to SSLRequest`);
    const secure = tlsConnect({ socket, ca, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    return new PgWireClient(secure);
  }

  public write(buffer: Buffer): void {
    this.socket.write(buffer);
  }

  /** The next message, or `undefined` once the server closed the connection. */
  public async next(timeoutMs = 10_000): Promise<Message | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.inbox.length === 0) {
      if (this.closed) return undefined;
      if (Date.now() > deadline) throw new Error('no message from the server in time');
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, 50);
      });
      this.waiter = undefined;
    }
    return this.inbox.shift();
  }

  /** Messages up to and including the first one named `name` (or the server closing). */
  public async until(name: string, timeoutMs = 10_000): Promise<Message[]> {
    const messages: Message[] = [];
    for (;;) {
      const message = await this.next(timeoutMs);
      if (!message) return messages;
      messages.push(message);
      if (message.name === name) return messages;
    }
  }

  /** Startup and password; resolves with the messages up to ReadyForQuery or the login error. */
  public async login(password: string, user = 'analyst'): Promise<Message[]> {
    this.write(serialize.startup({ user, database: 'krishiv' }));
    const first = await this.next();
    if (first?.name !== 'authenticationCleartextPassword') return first ? [first] : [];
    this.write(serialize.password(password));
    const messages = await this.until('readyForQuery');
    const error = messages.find((m) => m.name === 'error');
    return error ? [error] : messages;
  }

  public async query(sql: string): Promise<Message[]> {
    this.write(serialize.query(sql));
    return this.until('readyForQuery');
  }

  public end(): void {
    if (!this.closed) this.socket.end(serialize.end());
  }
}

export const errorOf = (messages: Message[]) => messages.find((m) => m.name === 'error');
export const rowsOf = (messages: Message[]) =>
  messages.filter((m) => m.name === 'dataRow').map((m) => m.fields as (string | null)[]);
export const tagOf = (messages: Message[]) =>
  messages.find((m) => m.name === 'commandComplete')?.text as string | undefined;
