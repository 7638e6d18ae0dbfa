import { credentials, Metadata, status } from '@grpc/grpc-js';
import { Coordinator, startCoordinator } from './support/coordinator';
import { InvalidArgumentError, Session } from '../src/client';
import { callGrpc, closeGrpcClients, services } from './support/grpc';

describe('query API on the development token', () => {
  let coordinator: Coordinator;
  let token: string;

  beforeAll(async () => {
    coordinator = await startCoordinator();
    token = coordinator.devToken();
  });

  afterAll(async () => {
    closeGrpcClients();
    await coordinator.stop();
  });

  const query = (body: object, accept = 'application/json') =>
    fetch(`${coordinator.httpUrl}/api/v1/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept },
      body: JSON.stringify(body),
    });

  it('answers SELECT 42 over REST with typed JSON values', async () => {
    const response = await query({
      sql: "SELECT 42 AS answer, 9007199254740993::BIGINT AS big, DATE '2024-01-02' AS d",
    });
    expect(response.status).toBe(200);
    const body: any = await response.json();
    expect(body.columns).toEqual([
      { name: 'answer', type: 'INTEGER' },
      { name: 'big', type: 'BIGINT' },
      { name: 'd', type: 'DATE' },
    ]);
    expect(body.rows).toEqual([[42, '9007199254740993', '2024-01-02']]);
    expect(body.rowCount).toBe(1);
    expect(body.truncated).toBe(false);
  });

  it('answers the same query over gRPC with lossless values', async () => {
    const outcome = await callGrpc(
      coordinator.grpcAddress,
      'QueryService',
      'ExecuteQuery',
      {
        sql: 'SELECT 42 AS answer, 9007199254740993::BIGINT AS big, NULL AS n, 1.5::DOUBLE AS f, true AS b',
      },
      token,
    );
    expect(outcome.code).toBe(status.OK);
    expect(outcome.response.rows[0].values).toEqual([
      expect.objectContaining({ intValue: '42', kind: 'intValue' }),
      expect.objectContaining({ intValue: '9007199254740993', kind: 'intValue' }),
      expect.objectContaining({ nullValue: true, kind: 'nullValue' }),
      expect.objectContaining({ doubleValue: 1.5, kind: 'doubleValue' }),
      expect.objectContaining({ boolValue: true, kind: 'boolValue' }),
    ]);
    expect(outcome.response.rowCount).toBe('1');
  });

  describe('ExecuteQueryStream', () => {
    /** A raw call, for tests that pause or cancel mid-stream. */
    const openStream = (request: object) => {
      const client = new services.QueryService(
        coordinator.grpcAddress,
        credentials.createInsecure(),
      );
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${token}`);
      return { client, call: client.executeQueryStream(request, metadata) };
    };
    const expectStillAnswering = async () => {
      const after = await callGrpc(
        coordinator.grpcAddress,
        'QueryService',
        'ExecuteQuery',
        { sql: 'SELECT 1' },
        token,
      );
      expect(after.code).toBe(status.OK);
    };

    const MIXED =
      "SELECT i, i * 1.5 AS d, 'row ' || i AS s, TIMESTAMP '2024-01-01' + INTERVAL (i) SECOND AS t, " +
      '12345678901234.5678::DECIMAL(18,4) AS n FROM range(10000) r(i) ORDER BY i';

    it('streams the rows the unary call returns, in engine-sized chunks', async () => {
      const [unary, stream] = await Promise.all([
        callGrpc(coordinator.grpcAddress, 'QueryService', 'ExecuteQuery', { sql: MIXED }, token),
        callGrpc(
          coordinator.grpcAddress,
          'QueryService',
          'ExecuteQueryStream',
          { sql: MIXED },
          token,
        ),
      ]);
      expect(unary.code).toBe(status.OK);
      expect(stream.code).toBe(status.OK);
      const messages: any[] = stream.response;
      expect(messages[0].columns).toEqual(unary.response.columns);
      expect(messages[0].rows).toEqual([]);
      const last = messages[messages.length - 1];
      expect(last).toMatchObject({ done: true, rowCount: '10000', truncated: false });
      const middle = messages.slice(1, -1);
      expect(middle.length).toBeGreaterThanOrEqual(5);
      for (const m of middle) expect(m.rows.length).toBeLessThanOrEqual(2048);
      expect(middle.flatMap((m) => m.rows)).toEqual(unary.response.rows);
    });

    it('keeps each message near 1 MiB, so default clients can read wide rows', async () => {
      const stream = await callGrpc(
        coordinator.grpcAddress,
        'QueryService',
        'ExecuteQueryStream',
        { sql: "SELECT i, repeat('y', 100000) AS wide FROM range(100) r(i)" },
        token,
      );
      expect(stream.code).toBe(status.OK);
      const messages: any[] = stream.response.slice(1, -1);
      expect(messages.length).toBeGreaterThanOrEqual(9);
      for (const m of messages) expect(m.rows.length).toBeLessThanOrEqual(11);
      expect(messages.flatMap((m) => m.rows)).toHaveLength(100);
    });

    it('is read batch by batch by the SDK, which waits for each batch to be handled', async () => {
      const session = Session.connect(`http://${coordinator.grpcAddress}`, { token });
      try {
        const batches: number[] = [];
        let sum = 0;
        const totals = await session.queryStream(
          'SELECT i FROM range(10000) r(i)',
          async (rows) => {
            batches.push(rows.length);
            for (const [i] of rows) sum += Number(i);
            await new Promise((r) => setTimeout(r, 5));
          },
        );
        expect(totals).toMatchObject({ rowCount: 10000, truncated: false });
        expect(totals.columns).toEqual([{ name: 'i', type: 'BIGINT' }]);
        expect(batches.length).toBeGreaterThanOrEqual(5);
        expect(sum).toBe((9999 * 10000) / 2);
        await expect(session.queryStream('SELEC 1', () => undefined)).rejects.toBeInstanceOf(
          InvalidArgumentError,
        );
      } finally {
        session.close();
      }
    });

    it('stops at maxRows and says the result was truncated', async () => {
      const stream = await callGrpc(
        coordinator.grpcAddress,
        'QueryService',
        'ExecuteQueryStream',
        { sql: 'SELECT * FROM range(5000)', maxRows: 3000 },
        token,
      );
      expect(stream.code).toBe(status.OK);
      const rows = stream.response.flatMap((m: any) => m.rows);
      expect(rows).toHaveLength(3000);
      expect(stream.response.at(-1)).toMatchObject({
        done: true,
        rowCount: '3000',
        truncated: true,
      });
    });

    it('answers SQL errors with INVALID_ARGUMENT and no rows', async () => {
      const stream = await callGrpc(
        coordinator.grpcAddress,
        'QueryService',
        'ExecuteQueryStream',
        { sql: 'SELEC 1' },
        token,
      );
      expect(stream.code).toBe(status.INVALID_ARGUMENT);
      expect(stream.message).toMatch(/syntax error/i);
      expect(stream.response).toEqual([]);
    });

    it('ends with DEADLINE_EXCEEDED when a client stops reading past the timeout', async () => {
      const { client, call } = openStream({
        // 10,000 rows (the row cap) of 10 kB, 100 MB: far more than the client buffers (16 messages)
        // and the transport window hold.
        sql: "SELECT i, repeat('x', 10000) FROM range(10000) r(i)",
        timeoutMs: 1000,
      });
      let received = 0;
      call.on('data', () => {
        received++;
        if (received === 1) {
          call.pause();
          setTimeout(() => call.resume(), 2500);
        }
      });
      const outcome = await new Promise<{ code: number; details: string }>((resolve) => {
        call.on('error', () => undefined);
        call.on('status', resolve);
      });
      client.close();
      expect(outcome.code).toBe(status.DEADLINE_EXCEEDED);
      expect(outcome.details).toMatch(/timeout of 1000 ms/);
      await expectStillAnswering();
    });

    it('survives a client that cancels mid-stream', async () => {
      const { client, call } = openStream({ sql: 'SELECT * FROM range(3000000)' });
      await new Promise<void>((resolve) => call.once('data', () => resolve()));
      call.on('error', () => undefined);
      call.cancel();
      client.close();
      await expectStillAnswering();
    });
  });

  it('rejects a call without a token on both transports', async () => {
    const rest = await fetch(`${coordinator.httpUrl}/api/v1/query`, { method: 'POST', body: '{}' });
    expect(rest.status).toBe(401);
    const grpc = await callGrpc(coordinator.grpcAddress, 'QueryService', 'ExecuteQuery', {
      sql: 'SELECT 1',
    });
    expect(grpc.code).toBe(status.UNAUTHENTICATED);
  });
});
