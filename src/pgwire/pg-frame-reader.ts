import { ProtocolViolation } from './frontend-messages';

/** PostgreSQL's own limit for the first packet (MAX_STARTUP_PACKET_LENGTH). */
export const MAX_STARTUP_BYTES = 10_000;

export interface Frame {
  /** The type byte; `undefined` for the untyped first message. */
  type: number | undefined;
  body: Buffer;
}

/**
 * Splits the byte stream into messages: an untyped first message, then `type, int32 length,
 * body`. A declared length beyond the limit is refused before any of the body is buffered.
 */
export class PgFrameReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private started = false;

  constructor(private readonly maxMessageBytes: number) {}

  /** The next message arrives without a type byte (after an SSLRequest answer, for example). */
  public expectUntyped(): void {
    this.started = false;
  }

  public push(chunk: Buffer): Frame[] {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    const frames: Frame[] = [];
    for (;;) {
      const header = this.started ? 5 : 4;
      if (this.pendingBytes < header) break;
      const buffer = this.concat();
      const type = this.started ? buffer[0] : undefined;
      const length = buffer.readInt32BE(this.started ? 1 : 0);
      const limit = this.started ? this.maxMessageBytes : MAX_STARTUP_BYTES;
      if (length < 4 || length > limit) {
        throw new ProtocolViolation(
          `invalid message length ${length}${length > limit ? ` (the limit is ${limit} bytes)` : ''}`,
        );
      }
      const total = length + (this.started ? 1 : 0);
      if (buffer.length < total) break;
      frames.push({ type, body: buffer.subarray(header, total) });
      this.pending = total < buffer.length ? [buffer.subarray(total)] : [];
      this.pendingBytes = buffer.length - total;
      if (!this.started) {
        // Only SSLRequest/GSSENCRequest are followed by another untyped message; the session
        // calls expectUntyped() for those.
        this.started = true;
      }
    }
    return frames;
  }

  private concat(): Buffer {
    if (this.pending.length > 1) this.pending = [Buffer.concat(this.pending)];
    return this.pending[0];
  }
}
