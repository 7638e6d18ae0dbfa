import { randomBytes } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { JWTPayload } from 'jose';
import { Coordinator, startCoordinator } from './support/coordinator';
import { callGrpc, closeGrpcClients } from './support/grpc';
import {
  generateRsaKey,
  JwksServer,
  mintJwt,
  startJwksServer,
  TestKey,
} from './support/jwks-server';

const AUDIENCE = 'krishiv-test';
const nowSecs = () => Math.floor(Date.now() / 1000);

/** Role values from real tokens: group names are whole values, role claims may be comma-joined. */
describe('role claims with real tokens', () => {
  let jwks: JwksServer;
  let key: TestKey;
  let coordinator: Coordinator;

  beforeAll(async () => {
    key = await generateRsaKey('claims-1');
    jwks = await startJwksServer([key.jwk]);
    coordinator = await startCoordinator({
      env: {
        KRISHIV_OIDC_ISSUER: jwks.issuer,
        KRISHIV_OIDC_AUDIENCE: AUDIENCE,
        KRISHIV_COORDINATOR_BEARER_TOKEN: randomBytes(32).toString('base64url'),
      },
    });
  });

  afterAll(async () => {
    closeGrpcClients();
    await coordinator?.stop();
    await jwks?.close();
  });

  const token = (claims: Record<string, unknown>) =>
    mintJwt(key, {
      iss: jwks.issuer,
      aud: AUDIENCE,
      sub: 'bob',
      iat: nowSecs(),
      exp: nowSecs() + 300,
      ...claims,
    } as JWTPayload);

  async function outcomes(t: string) {
    const headers = { authorization: `Bearer ${t}` };
    const whoami = await fetch(`${coordinator.httpUrl}/api/v1/auth/whoami`, { headers });
    const audit = await fetch(`${coordinator.httpUrl}/api/v1/audit`, { headers });
    const grpcWhoami = await callGrpc(coordinator.grpcAddress, 'AuthService', 'WhoAmI', {}, t);
    const grpcAudit = await callGrpc(coordinator.grpcAddress, 'AuditService', 'ListEvents', {}, t);
    return {
      whoami: { status: whoami.status, body: (await whoami.json()) as Record<string, unknown> },
      audit: { status: audit.status, body: (await audit.json()) as Record<string, unknown> },
      grpcWhoami,
      grpcAudit,
    };
  }

  it('does not make a member of the group "SharePoint admin team" an admin', async () => {
    const o = await outcomes(await token({ groups: ['SharePoint admin team'] }));
    expect(o.whoami.status).toBe(200);
    expect(o.whoami.body).toMatchObject({ subject: 'bob', role: null, method: 'oidc' });
    expect(o.audit.status).toBe(403);
    expect(o.audit.body).toMatchObject({ error: 'Forbidden', requiredRole: 'admin' });
    expect(o.grpcWhoami.code).toBe(status.OK);
    expect(o.grpcWhoami.response).toMatchObject({ subject: 'bob', role: '' });
    expect(o.grpcAudit.code).toBe(status.PERMISSION_DENIED);
  });

  it('reads "reader,admin" in the roles claim as admin', async () => {
    const o = await outcomes(await token({ 'https://krishiv/roles': 'reader,admin' }));
    expect(o.whoami.status).toBe(200);
    expect(o.whoami.body).toMatchObject({ subject: 'bob', role: 'admin', method: 'oidc' });
    expect(o.audit.status).toBe(200);
    expect(o.audit.body).toMatchObject({ events: expect.any(Array) });
    expect(o.grpcWhoami.response).toMatchObject({ subject: 'bob', role: 'admin' });
    expect(o.grpcAudit.code).toBe(status.OK);
  });

  it('still reads a group whose whole name is a role', async () => {
    const o = await outcomes(await token({ groups: ['krishiv-admin'] }));
    expect(o.whoami.body).toMatchObject({ role: 'admin' });
    expect(o.grpcAudit.code).toBe(status.OK);
  });
});
