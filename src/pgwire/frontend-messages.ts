import { BufferReader } from 'pg-protocol/dist/buffer-reader';

/** Request codes carried in place of a protocol version in the first message. */
export const SSL_REQUEST_CODE = 80877103;
export const GSSENC_REQUEST_CODE = 80877104;
export const CANCEL_REQUEST_CODE = 80877102;

export type StartupPacket =
  | { kind: 'ssl' }
  | { kind: 'gssenc' }
  | { kind: 'cancel'; processId: number; secret: number }
  | { kind: 'startup'; major: number; minor: number; parameters: Map<string, string> };

export interface ParseMessage {
  statement: string;
  query: string;
  parameterTypes: number[];
}

export interface BindMessage {
  portal: string;
  statement: string;
  parameterFormats: number[];
  parameters: (Buffer | null)[];
  resultFormats: number[];
}

export type FrontendMessage =
  | { type: 'query'; query: string }
  | ({ type: 'parse' } & ParseMessage)
  | ({ type: 'bind' } & BindMessage)
  | { type: 'describe'; target: 'S' | 'P'; name: string }
  | { type: 'execute'; portal: string; maxRows: number }
  | { type: 'close'; target: 'S' | 'P'; name: string }
  | { type: 'sync' }
  | { type: 'flush' }
  | { type: 'terminate' }
  | { type: 'password'; password: string }
  | { type: 'unsupported'; code: string };

/** Thrown for a message whose content does not follow the protocol (SQLSTATE 08P01). */
export class ProtocolViolation extends Error {}

function reader(body: Buffer): BufferReader {
  const r = new BufferReader();
  r.setBuffer(0, body);
  return r;
}

function target(byte: number): 'S' | 'P' {
  if (byte === 0x53) return 'S';
  if (byte === 0x50) return 'P';
  throw new ProtocolViolation(`invalid target ${byte}; expected S or P`);
}

/** The first message of a connection: its body after the length word. */
export function decodeStartup(body: Buffer): StartupPacket {
  const r = reader(body);
  const code = r.int32();
  if (code === SSL_REQUEST_CODE) return { kind: 'ssl' };
  if (code === GSSENC_REQUEST_CODE) return { kind: 'gssenc' };
  if (code === CANCEL_REQUEST_CODE)
    return { kind: 'cancel', processId: r.int32(), secret: r.int32() };
  const parameters = new Map<string, string>();
  const major = code >>> 16;
  const minor = code & 0xffff;
  if (major === 3) {
    if (body[body.length - 1] !== 0)
      throw new ProtocolViolation('startup packet is not terminated');
    for (;;) {
      const name = r.cstring();
      if (name === '') break;
      parameters.set(name, r.cstring());
    }
  }
  return { kind: 'startup', major, minor, parameters };
}

/** A regular message: its type byte and its body after the length word. */
export function decodeMessage(type: number, body: Buffer): FrontendMessage {
  const r = reader(body);
  switch (type) {
    case 0x51: // Q
      return { type: 'query', query: r.cstring() };
    case 0x50: {
      // P
      const statement = r.cstring();
      const query = r.cstring();
      const count = r.int16();
      const parameterTypes: number[] = [];
      for (let i = 0; i < count; i++) parameterTypes.push(r.uint32());
      return { type: 'parse', statement, query, parameterTypes };
    }
    case 0x42: {
      // B
      const portal = r.cstring();
      const statement = r.cstring();
      const formatCount = r.int16();
      const parameterFormats: number[] = [];
      for (let i = 0; i < formatCount; i++) parameterFormats.push(r.int16());
      const count = r.int16();
      const parameters: (Buffer | null)[] = [];
      for (let i = 0; i < count; i++) {
        const length = r.int32();
        if (length < -1 || length > body.length)
          throw new ProtocolViolation('invalid parameter length');
        parameters.push(length === -1 ? null : Buffer.from(r.bytes(length)));
      }
      const resultCount = r.int16();
      const resultFormats: number[] = [];
      for (let i = 0; i < resultCount; i++) resultFormats.push(r.int16());
      return { type: 'bind', portal, statement, parameterFormats, parameters, resultFormats };
    }
    case 0x44: // D
      return { type: 'describe', target: target(r.byte()), name: r.cstring() };
    case 0x45: // E
      return { type: 'execute', portal: r.cstring(), maxRows: r.int32() };
    case 0x43: // C
      return { type: 'close', target: target(r.byte()), name: r.cstring() };
    case 0x53: // S
      return { type: 'sync' };
    case 0x48: // H
      return { type: 'flush' };
    case 0x58: // X
      return { type: 'terminate' };
    case 0x70: // p
      return { type: 'password', password: r.cstring() };
    default:
      return { type: 'unsupported', code: String.fromCharCode(type) };
  }
}
