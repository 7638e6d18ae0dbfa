import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { UnavailableError } from '../common/errors/coordinator.error';
import { EngineService } from '../engine/engine.service';
import { PgTransaction } from './pg-transaction';

/**
 * The engine side of a wire-protocol transaction block, on a real in-memory engine. The engine
 * service is reduced to its lease: which connections are out, and the invalidation it announces.
 */
describe('PgTransaction', () => {
  let instance: DuckDBInstance;
  let holders: Set<() => void>;
  let out: Set<DuckDBConnection>;
  let engine: EngineService;

  beforeEach(async () => {
    instance = await DuckDBInstance.create(':memory:');
    holders = new Set();
    out = new Set();
    engine = {
      lease: async (onInvalidated: () => void) => {
        const connection = await instance.connect();
        out.add(connection);
        holders.add(onInvalidated);
        return {
          connection,
          release: () => {
            holders.delete(onInvalidated);
            out.delete(connection);
            connection.closeSync();
          },
        };
      },
      failure: async (err: unknown) => err,
    } as unknown as EngineService;
    const setup = await instance.connect();
    await setup.run('CREATE TABLE t (i INTEGER)');
    setup.closeSync();
  });

  afterEach(() => instance.closeSync());

  const count = async () => {
    const reader = await instance.connect();
    try {
      return Number((await reader.runAndReadAll('SELECT count(*) FROM t')).getRows()[0][0]);
    } finally {
      reader.closeSync();
    }
  };
  const invalidate = () => [...holders].forEach((notify) => notify());

  it('commits the statements of the block together, and gives the connection back', async () => {
    const block = await PgTransaction.begin(engine, false);
    await block.run((c) => c.run('INSERT INTO t VALUES (1)'));
    await block.run((c) => c.run('INSERT INTO t VALUES (2)'));
    expect(await count()).toBe(0);
    await block.end('COMMIT');
    expect(await count()).toBe(2);
    expect(out.size).toBe(0);
  });

  it('rolls back on ROLLBACK, and is read-only when asked', async () => {
    const block = await PgTransaction.begin(engine, false);
    await block.run((c) => c.run('INSERT INTO t VALUES (1)'));
    await block.end('ROLLBACK');
    expect(await count()).toBe(0);

    const reading = await PgTransaction.begin(engine, true);
    await expect(reading.run((c) => c.run('INSERT INTO t VALUES (1)'))).rejects.toThrow(
      /read-only/,
    );
    await reading.end('ROLLBACK');
    expect(out.size).toBe(0);
  });

  it('lets the connection go at once when the engine becomes unusable while idle', async () => {
    const block = await PgTransaction.begin(engine, false);
    await block.run((c) => c.run('INSERT INTO t VALUES (1)'));
    invalidate();
    expect(out.size).toBe(0);
    await expect(block.run((c) => c.run('SELECT 1'))).rejects.toBeInstanceOf(UnavailableError);
    await expect(block.end('COMMIT')).rejects.toThrow(/rolled this transaction back/);
    await block.end('ROLLBACK');
  });

  it('waits for the running statement before letting the connection go', async () => {
    const block = await PgTransaction.begin(engine, false);
    let finish!: () => void;
    const running = block.run(async (c) => {
      await new Promise<void>((resolve) => (finish = resolve));
      return c.run('SELECT 1');
    });
    invalidate();
    expect(out.size).toBe(1);
    finish();
    await running;
    expect(out.size).toBe(0);
  });

  it('ends only after the statement running on it has stopped', async () => {
    const block = await PgTransaction.begin(engine, false);
    const order: string[] = [];
    let finish!: () => void;
    const running = block.run(async (c) => {
      await new Promise<void>((resolve) => (finish = resolve));
      await c.run('INSERT INTO t VALUES (1)');
      order.push('statement');
    });
    const ended = block.end('ROLLBACK').then(() => order.push('ended'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).toEqual([]);
    finish();
    await Promise.all([running, ended]);
    expect(order).toEqual(['statement', 'ended']);
    expect(await count()).toBe(0);
    expect(out.size).toBe(0);
  });
});
