import { MAX_STARTUP_BYTES, PgFrameReader } from './pg-frame-reader';

function typed(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0);
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

function untyped(body: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeInt32BE(body.length + 4, 0);
  return Buffer.concat([header, body]);
}

describe('PgFrameReader', () => {
  it('splits an untyped first message, then typed ones, across any chunking', () => {
    const stream = Buffer.concat([
      untyped(Buffer.from('startup')),
      typed('Q', Buffer.from('SELECT 1\0')),
      typed('S', Buffer.alloc(0)),
    ]);
    for (let size = 1; size <= stream.length; size++) {
      const reader = new PgFrameReader(1024);
      const frames = [];
      for (let i = 0; i < stream.length; i += size)
        frames.push(...reader.push(stream.subarray(i, i + size)));
      expect(frames.map((f) => [f.type, f.body.toString()])).toEqual([
        [undefined, 'startup'],
        [0x51, 'SELECT 1\0'],
        [0x53, ''],
      ]);
    }
  });

  it('refuses a declared length over the limit before the body arrives', () => {
    const reader = new PgFrameReader(1024);
    reader.push(untyped(Buffer.from('s')));
    const header = Buffer.alloc(5);
    header.write('Q', 0);
    header.writeInt32BE(100 * 1024 * 1024, 1);
    expect(() => reader.push(header)).toThrow(
      'invalid message length 104857600 (the limit is 1024 bytes)',
    );
  });

  it('refuses an oversized startup packet and a length below 4', () => {
    const big = Buffer.alloc(4);
    big.writeInt32BE(MAX_STARTUP_BYTES + 1, 0);
    expect(() => new PgFrameReader(1024).push(big)).toThrow('invalid message length');
    const small = Buffer.alloc(4);
    small.writeInt32BE(3, 0);
    expect(() => new PgFrameReader(1024).push(small)).toThrow('invalid message length 3');
  });

  it('reads another untyped message after an SSLRequest answer', () => {
    const reader = new PgFrameReader(1024);
    expect(reader.push(untyped(Buffer.from('ssl')))).toHaveLength(1);
    reader.expectUntyped();
    expect(reader.push(untyped(Buffer.from('startup')))[0]).toMatchObject({ type: undefined });
  });
});
