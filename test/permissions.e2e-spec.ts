import { randomBytes } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { Role } from '../src/access/principal';
import { ACTIONS, PERMISSIONS } from '../src/access/permissions';
import { Coordinator, startCoordinator } from './support/coordinator';
import { callGrpc, closeGrpcClients, services } from './support/grpc';
import { OIDC_AUDIENCE, OidcClient, OidcProvider, startOidcProvider } from './support/oidc';
import { callRest, Operation, operationName, OPERATIONS } from './support/operations';
import { expectedOutcome, Outcome, PrincipalCase, PRINCIPALS } from './support/principals';
import { expectNoSecretsIn } from './support/secrets';

/** The only REST operations that need no token. */
const PUBLIC_OPERATIONS = [
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'GET /api/openapi.json',
  'GET /api/docs',
];

const AUTHENTICATED = PRINCIPALS.filter((p) => p.credentials === 'valid');

/**
 * The role a refusal names. A caller with no role at all is stopped by the roles guard at the
 * route's own minimum, before the engine sees the SQL: binding it could reveal which tables exist.
 */
function expectedRequiredRole(op: Operation, principal: PrincipalCase): Role {
  const action = principal.role === null ? (op.declaredAction ?? op.action) : op.action;
  return PERMISSIONS[action] as Role;
}

const GRPC_CODE: Record<Exclude<Outcome, 'ok'>, status> = {
  unauthenticated: status.UNAUTHENTICATED,
  'invalid-token': status.UNAUTHENTICATED,
  forbidden: status.PERMISSION_DENIED,
};

/**
 * An allowed caller gets past the guards: the sample may still be answered with a caller-side
 * error (404 for an id that does not exist), never with 401/403 or a server error.
 */
const passedGuards = (httpStatus: number) =>
  httpStatus !== 401 && httpStatus !== 403 && httpStatus < 500;

/** The gRPC codes of the statuses `passedGuards` accepts (README, Errors). */
const PASSED_GUARDS_GRPC: status[] = [
  status.OK,
  status.INVALID_ARGUMENT,
  status.NOT_FOUND,
  status.ALREADY_EXISTS,
  status.FAILED_PRECONDITION,
];

const MATRIX = OPERATIONS.flatMap((op) =>
  PRINCIPALS.map((principal) => ({
    op,
    principal,
    outcome: expectedOutcome(principal, op.action),
    label: `${operationName(op)} × ${principal.name}`,
  })),
);

describe('permission matrix (every operation × transport × principal)', () => {
  let oidc: OidcProvider;
  let coordinator: Coordinator;
  const serviceToken = randomBytes(32).toString('base64url');
  const uiToken = randomBytes(32).toString('base64url');
  const garbageToken = `garbage-${randomBytes(24).toString('hex')}`;
  const oidcTokens = new Map<OidcClient, string>();
  const secretsUsed = new Set<string>([serviceToken, uiToken, garbageToken]);

  const tokenOf = (principal: PrincipalCase): string | undefined => {
    if (principal.credentials === 'none') return undefined;
    if (principal.credentials === 'invalid') return garbageToken;
    if (principal.client) return oidcTokens.get(principal.client);
    return principal.method === 'service-token' ? serviceToken : uiToken;
  };

  beforeAll(async () => {
    oidc = await startOidcProvider();
    coordinator = await startCoordinator({
      env: {
        KRISHIV_OIDC_ISSUER: oidc.issuer,
        KRISHIV_OIDC_AUDIENCE: OIDC_AUDIENCE,
        KRISHIV_COORDINATOR_BEARER_TOKEN: serviceToken,
        KRISHIV_UI_TOKEN: uiToken,
      },
    });
    for (const principal of PRINCIPALS) {
      if (!principal.client) continue;
      const token = await oidc.token(principal.client);
      oidcTokens.set(principal.client, token);
      secretsUsed.add(token);
    }
  });

  afterAll(async () => {
    closeGrpcClients();
    await coordinator?.stop();
    await oidc?.stop();
  });

  function expectErrorBody(body: any, statusCode: number, error: string, requiredRole?: Role) {
    const keys = ['error', 'message', 'statusCode', ...(requiredRole ? ['requiredRole'] : [])];
    expect(Object.keys(body).sort()).toEqual(keys.sort());
    expect(body).toMatchObject({ statusCode, error, message: expect.any(String) });
    expect(body.message).not.toBe('');
    if (requiredRole) expect(body.requiredRole).toBe(requiredRole);
  }

  describe('REST', () => {
    test.each(MATRIX)('$label → $outcome', async ({ op, principal, outcome }) => {
      const token = tokenOf(principal);
      const response = await callRest(
        coordinator.httpUrl,
        op.rest,
        token === undefined ? undefined : `Bearer ${token}`,
      );
      const body: any = await response.json();
      const challenge = response.headers.get('www-authenticate');
      switch (outcome) {
        case 'unauthenticated':
          expect(response.status).toBe(401);
          // RFC 6750 §3.1: no error code when the request carried no credentials.
          expect(challenge).toBe('Bearer realm="krishiv"');
          expectErrorBody(body, 401, 'Unauthorized');
          break;
        case 'invalid-token':
          expect(response.status).toBe(401);
          expect(challenge).toMatch(
            /^Bearer realm="krishiv", error="invalid_token", error_description="[^"]+"$/,
          );
          expectErrorBody(body, 401, 'Unauthorized');
          break;
        case 'forbidden':
          expect(response.status).toBe(403);
          expect(challenge).toContain('error="insufficient_scope"');
          expectErrorBody(body, 403, 'Forbidden', expectedRequiredRole(op, principal));
          break;
        case 'ok':
          expect({ passedGuards: passedGuards(response.status), body }).toEqual({
            passedGuards: true,
            body: expect.anything(),
          });
          if (response.status >= 400) expectErrorBody(body, response.status, expect.any(String));
          expect(challenge).toBeNull();
          break;
      }
    });
  });

  describe('gRPC', () => {
    test.each(MATRIX)('$label → $outcome', async ({ op, principal, outcome }) => {
      const { service, method, request } = op.grpc;
      const result = await callGrpc(
        coordinator.grpcAddress,
        service,
        method,
        request(),
        tokenOf(principal),
      );
      if (outcome === 'ok') {
        expect(PASSED_GUARDS_GRPC).toContain(result.code);
        expect(result.message).toEqual(
          result.code === status.OK ? '' : expect.stringMatching(/\S/),
        );
        return;
      }
      expect({ code: result.code, message: result.message }).toEqual({
        code: GRPC_CODE[outcome],
        message: expect.stringMatching(/\S/),
      });
    });
  });

  describe('one message on both transports', () => {
    const denied = MATRIX.filter((cell) => cell.outcome !== 'ok');
    test.each(denied)('$label', async ({ op, principal }) => {
      const token = tokenOf(principal);
      const rest: any = await (
        await callRest(
          coordinator.httpUrl,
          op.rest,
          token === undefined ? undefined : `Bearer ${token}`,
        )
      ).json();
      const grpc = await callGrpc(
        coordinator.grpcAddress,
        op.grpc.service,
        op.grpc.method,
        op.grpc.request(),
        token,
      );
      expect(grpc.message).toBe(rest.message);
    });
  });

  describe('whoami names the caller', () => {
    const expectedFor = (principal: PrincipalCase) => ({
      subject: principal.client ?? principal.subject,
      role: principal.role,
      method: principal.method ?? 'oidc',
      issuer: principal.client ? oidc.issuer : undefined,
    });

    test.each(AUTHENTICATED)('REST: $name', async (principal) => {
      const response = await fetch(`${coordinator.httpUrl}/api/v1/auth/whoami`, {
        headers: { authorization: `Bearer ${tokenOf(principal)}` },
      });
      expect(response.status).toBe(200);
      const body: any = await response.json();
      const expected = expectedFor(principal);
      expect(body.subject).toBe(expected.subject);
      expect(body.role).toBe(expected.role);
      expect(body.method).toBe(expected.method);
      expect(body.issuer).toBe(expected.issuer);
      if (principal.client) {
        expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
      } else {
        expect(body.expiresAt).toBeUndefined();
      }
    });

    test.each(AUTHENTICATED)('gRPC: $name', async (principal) => {
      const result = await callGrpc(
        coordinator.grpcAddress,
        'AuthService',
        'WhoAmI',
        {},
        tokenOf(principal),
      );
      expect(result.code).toBe(status.OK);
      const expected = expectedFor(principal);
      expect(result.response).toMatchObject({
        subject: expected.subject,
        role: expected.role ?? '',
        method: expected.method,
        issuer: expected.issuer ?? '',
      });
      if (principal.client) {
        expect(Date.parse(result.response.expiresAt)).toBeGreaterThan(Date.now());
      } else {
        expect(result.response.expiresAt).toBe('');
      }
    });
  });

  describe('can-i agrees with the permission table', () => {
    test.each(AUTHENTICATED)('$name', async (principal) => {
      const answers = await Promise.all(
        ACTIONS.map(async (action) => {
          const response = await fetch(
            `${coordinator.httpUrl}/api/v1/auth/can-i?action=${encodeURIComponent(action)}`,
            { headers: { authorization: `Bearer ${tokenOf(principal)}` } },
          );
          const body: any = await response.json();
          return {
            action,
            status: response.status,
            allowed: body.allowed,
            requiredRole: body.requiredRole,
          };
        }),
      );
      expect(answers).toEqual(
        ACTIONS.map((action) => ({
          action,
          status: 200,
          allowed: expectedOutcome(principal, action) === 'ok',
          requiredRole: PERMISSIONS[action] ?? '',
        })),
      );
    });
  });

  describe('the catalog covers the whole API', () => {
    const declared = (op: Operation) => op.declaredAction ?? op.action;

    it('every OpenAPI operation carrying x-krishiv-action is in the catalog, and vice versa', async () => {
      const response = await fetch(`${coordinator.httpUrl}/api/openapi.json`);
      expect(response.status).toBe(200);
      const document: any = await response.json();
      const documented = new Set<string>();
      const withoutAction: string[] = [];
      for (const [path, item] of Object.entries<any>(document.paths)) {
        for (const [method, operation] of Object.entries<any>(item)) {
          const action = operation?.['x-krishiv-action'];
          if (action !== undefined) documented.add(`${method.toUpperCase()} ${path} ${action}`);
          else withoutAction.push(`${method.toUpperCase()} ${path}`);
        }
      }
      const catalogued = new Set(
        OPERATIONS.map((op) => `${op.rest.method} ${op.rest.path} ${declared(op)}`),
      );
      expect([...documented].sort()).toEqual([...catalogued].sort());
      // Deny by default: only the contract's public endpoints may go without an action.
      expect(withoutAction.filter((op) => !PUBLIC_OPERATIONS.includes(op))).toEqual([]);
    });

    it('documents the refusals every operation may give: 401/429/503, 413 on bodies, 507 on writes', async () => {
      const document: any = await (await fetch(`${coordinator.httpUrl}/api/openapi.json`)).json();
      const missing: string[] = [];
      for (const [path, item] of Object.entries<any>(document.paths)) {
        for (const [method, operation] of Object.entries<any>(item)) {
          if (operation?.['x-krishiv-action'] === undefined) continue;
          const expected = ['401', '429', '503'];
          if (operation.requestBody) expected.push('413');
          if (method !== 'get') expected.push('507');
          for (const code of expected) {
            if (!operation.responses?.[code])
              missing.push(`${method.toUpperCase()} ${path} ${code}`);
          }
        }
      }
      expect(missing).toEqual([]);
      const submit = document.paths['/api/v1/jobs'].post.responses;
      expect(submit['413'].description).toMatch(/KRISHIV_HTTP_BODY_LIMIT_BYTES/);
      expect(submit['507'].description).toMatch(/out of space/);
    });

    it('every RPC of the loaded proto services is in the catalog, and vice versa', () => {
      const rpcs = new Set<string>();
      for (const [name, ctor] of Object.entries<any>(services)) {
        if (typeof ctor !== 'function' || !ctor.service) continue;
        for (const method of Object.keys(ctor.service)) rpcs.add(`${name}.${method}`);
      }
      const catalogued = new Set(OPERATIONS.map((op) => `${op.grpc.service}.${op.grpc.method}`));
      expect([...rpcs].sort()).toEqual([...catalogued].sort());
    });

    it('every catalog action is in the permission table', () => {
      for (const op of OPERATIONS) {
        expect(ACTIONS).toContain(op.action);
        expect(ACTIONS).toContain(declared(op));
      }
    });
  });

  it('never logs a token', () => {
    expect(secretsUsed.size).toBeGreaterThanOrEqual(7);
    expectNoSecretsIn(coordinator.logs(), secretsUsed);
  });
});
