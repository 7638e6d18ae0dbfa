import { status } from '@grpc/grpc-js';
import { Coordinator, startCoordinator } from './support/coordinator';
import { callGrpc, closeGrpcClients } from './support/grpc';

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

  it('rejects a call without a token on both transports', async () => {
    const rest = await fetch(`${coordinator.httpUrl}/api/v1/query`, { method: 'POST', body: '{}' });
    expect(rest.status).toBe(401);
    const grpc = await callGrpc(coordinator.grpcAddress, 'QueryService', 'ExecuteQuery', {
      sql: 'SELECT 1',
    });
    expect(grpc.code).toBe(status.UNAUTHENTICATED);
  });
});
