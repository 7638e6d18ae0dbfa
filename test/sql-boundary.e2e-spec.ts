import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { Coordinator, startCoordinator } from './support/coordinator';
import { callGrpc, closeGrpcClients } from './support/grpc';
import { errorOf, PgWireClient } from './support/pg-wire';
import { freePort } from './support/ports';

/** Tries per transport: a statement that fails to bind half the time gets many chances. */
const TRIES = 40;

/**
 * The SQL boundary: no text reaches the engine unless it was classified and allowed for the
 * caller, whatever fails on the way; bad input is a 4xx with a hint, never a 500.
 */
describe('the SQL boundary', () => {
  const adminToken = randomBytes(32).toString('base64url');
  const readerToken = randomBytes(32).toString('base64url');
  let coordinator: Coordinator;
  let filesDir: string;
  let pgPort: number;

  beforeAll(async () => {
    pgPort = await freePort();
    coordinator = await startCoordinator({
      env: {
        KRISHIV_PG_ADDR: `127.0.0.1:${pgPort}`,
        KRISHIV_COORDINATOR_BEARER_TOKEN: adminToken,
        KRISHIV_UI_TOKEN: readerToken,
        KRISHIV_UI_TOKEN_ROLE: 'reader',
        KRISHIV_LOG_LEVEL: 'info',
      },
    });
    filesDir = join(coordinator.dataDir, 'files');
  });

  afterAll(async () => {
    closeGrpcClients();
    await coordinator?.stop();
  });

  async function rest(token: string, sql: string) {
    const response = await fetch(`${coordinator.httpUrl}/api/v1/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sql }),
    });
    return { status: response.status, body: (await response.json()) as { message?: string } };
  }

  const grpcQuery = (token: string, sql: string) =>
    callGrpc(coordinator.grpcAddress, 'QueryService', 'ExecuteQuery', { sql }, token);

  async function pg(token: string, sql: string) {
    const client = await PgWireClient.connect(pgPort);
    try {
      const login = await client.login(token);
      if (errorOf(login)) throw new Error(`login failed: ${errorOf(login)?.message}`);
      return await client.query(sql);
    } finally {
      client.end();
    }
  }

  /** A COPY whose source fails to bind at random, so the statement often fails to prepare. */
  const coinCopy = (target: string) =>
    `COPY (SELECT 'x' AS m FROM range(CASE WHEN random() < 0.5 THEN 1 ELSE error('coin') END)) TO '${target}'`;

  describe("a reader's COPY TO that fails to bind at random", () => {
    it('never writes a file over REST', async () => {
      const target = join(filesDir, 'rest.csv');
      for (let i = 0; i < TRIES; i++) {
        const response = await rest(readerToken, coinCopy(target));
        expect([400, 403]).toContain(response.status);
        expect(existsSync(target)).toBe(false);
      }
    });

    it('never writes a file over gRPC', async () => {
      const target = join(filesDir, 'grpc.csv');
      for (let i = 0; i < TRIES; i++) {
        const outcome = await grpcQuery(readerToken, coinCopy(target));
        expect([status.INVALID_ARGUMENT, status.PERMISSION_DENIED]).toContain(outcome.code);
        expect(existsSync(target)).toBe(false);
      }
    });

    it('never writes a file over pgwire', async () => {
      const target = join(filesDir, 'pg.csv');
      for (let i = 0; i < TRIES; i++) {
        const error = errorOf(await pg(readerToken, coinCopy(target)));
        expect(error).toBeDefined();
        expect(error?.code).not.toBe('XX000');
        expect(existsSync(target)).toBe(false);
      }
    });
  });

  it("never writes into the coordinator's staging folder, even for an admin", async () => {
    const target = join(filesDir, '_krishiv_staging', 'forged.csv');
    for (let i = 0; i < TRIES; i++) {
      const response = await rest(adminToken, coinCopy(target));
      expect([400, 403]).toContain(response.status);
    }
    const staging = join(filesDir, '_krishiv_staging');
    expect(existsSync(staging) ? readdirSync(staging) : []).toEqual([]);
  });

  it("answers a statement that does not bind with the engine's own message", async () => {
    const response = await rest(readerToken, 'SELECT * FROM nosuch');
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/nosuch does not exist/);
  });

  describe('a file that is not there is the caller’s to fix', () => {
    it('read_csv of a missing file is 400 with where files may be, on every transport', async () => {
      const sql = `SELECT * FROM read_csv('${filesDir}/missing.csv')`;
      const response = await rest(readerToken, sql);
      expect(response.status).toBe(400);
      expect(response.body.message).toContain(`files are reachable only under ${filesDir}/`);
      expect((await grpcQuery(readerToken, sql)).code).toBe(status.INVALID_ARGUMENT);
      const error = errorOf(await pg(readerToken, sql));
      expect(error?.code).toBeDefined();
      expect(error?.code).not.toBe('XX000');
    });

    it('IMPORT DATABASE is refused like EXPORT DATABASE', async () => {
      const sql = `IMPORT DATABASE '${filesDir}/missing'`;
      const response = await rest(adminToken, sql);
      expect(response.status).toBe(403);
      expect(response.body.message).toMatch(/IMPORT DATABASE/);
      expect((await grpcQuery(adminToken, sql)).code).toBe(status.PERMISSION_DENIED);
      expect(errorOf(await pg(adminToken, sql))?.code).toBe('42501');
    });
  });

  describe('functions and macros named like a built-in', () => {
    it.each([
      "CREATE MACRO lower(x) AS 'same'",
      'CREATE OR REPLACE MACRO greatest(a, b) AS 0',
      'CREATE MACRO main.LEAST(a, b) AS 0',
      'CREATE FUNCTION now() AS 1',
      "CREATE TEMP MACRO lower(x) AS 'same'",
      "SELECT 1; CREATE MACRO Lower(x) AS 'same'",
    ])('refuses %s on every transport, changing nothing', async (sql) => {
      const response = await rest(adminToken, sql);
      expect(response.status).toBe(403);
      expect(response.body.message).toMatch(/name of a built-in function/);
      expect((await grpcQuery(adminToken, sql)).code).toBe(status.PERMISSION_DENIED);
      expect(errorOf(await pg(adminToken, sql))?.code).toBe('42501');
      const check = await rest(readerToken, "SELECT lower('A'), greatest(1, 2), least(1, 2)");
      expect(check.body).toMatchObject({ rows: [['a', 2, 1]] });
    });

    it('still creates a macro with a name of its own, and streams keep working', async () => {
      expect((await rest(adminToken, 'CREATE MACRO add_two(a, b) AS a + b')).status).toBe(200);
      expect((await rest(readerToken, 'SELECT add_two(1, 2)')).body).toMatchObject({
        rows: [[3]],
      });
      const created = await fetch(`${coordinator.httpUrl}/api/v1/streams`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'after_macro', columns: [{ name: 'v', type: 'BIGINT' }] }),
      });
      expect(created.status).toBe(201);
    });
  });
});
