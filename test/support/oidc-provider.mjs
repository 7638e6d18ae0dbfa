// A real OpenID Provider (the certified `oidc-provider` package) for end-to-end tests.
//
// oidc-provider is ESM-only while the project is CommonJS, so it runs as its own process, started
// by test/support/oidc.ts. It listens on 127.0.0.1 (port from argv[2] or OIDC_PORT, 0 = any free
// port), issues RFC 9068 JWT access tokens through the client-credentials grant, and prints one
// JSON line `{"ready":true,"issuer":…,"jwksUri":…}` once it accepts connections.
//
// Test-only control routes, outside the OIDC surface:
//   POST /__control/rotate  new RSA key signs from now on; the previous keys stay published
//   GET  /__control/stats   {"jwksRequests": n, "kids": [...]}
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import Provider, { errors } from 'oidc-provider';

const AUDIENCE = 'krishiv-test';
// RFC 8707 §2: a resource indicator is an absolute URI; the audience it maps to is AUDIENCE.
const RESOURCE = 'urn:krishiv:coordinator';
const ROLE_CLAIM = 'https://krishiv/roles';

const ROLES = {
  'reader-client': ['reader'],
  'writer-client': ['writer'],
  'admin-client': ['admin'],
  'norole-client': undefined,
};

const CLIENTS = Object.keys(ROLES).map((clientId) => ({
  client_id: clientId,
  client_secret: `${clientId}-secret`,
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  token_endpoint_auth_method: 'client_secret_basic',
}));

function newSigningKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    ...privateKey.export({ format: 'jwk' }),
    kid: `k-${randomUUID()}`,
    alg: 'RS256',
    use: 'sig',
  };
}

function buildProvider(issuer, keys) {
  const provider = new Provider(issuer, {
    clients: CLIENTS,
    // The first key signs; the others are only published (a rotation window).
    jwks: { keys },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id }) }),
    clientBasedCORS: () => true,
    ttl: { ClientCredentials: 600, AccessToken: 600 },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: false },
      revocation: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resourceIndicator) => {
          if (resourceIndicator !== RESOURCE) throw new errors.InvalidTarget();
          return {
            scope: '',
            audience: AUDIENCE,
            accessTokenTTL: 600,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    extraTokenClaims: (_ctx, token) => {
      const roles = ROLES[token.clientId];
      return roles ? { [ROLE_CLAIM]: roles } : undefined;
    },
  });
  provider.on('server_error', (_ctx, err) =>
    process.stderr.write(`oidc server_error: ${err.stack}\n`),
  );
  return provider;
}

const requestedPort = Number(process.argv[2] ?? process.env.OIDC_PORT ?? 0);
let keys = [newSigningKey()];
let handler;
let jwksRequests = 0;

const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/__control/stats' && req.method === 'GET') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ jwksRequests, kids: keys.map((k) => k.kid) }));
    return;
  }
  if (path === '/__control/rotate' && req.method === 'POST') {
    keys = [newSigningKey(), ...keys];
    handler = buildProvider(issuer, keys).callback();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ kids: keys.map((k) => k.kid) }));
    return;
  }
  if (path === '/jwks') jwksRequests++;
  handler(req, res);
});

let issuer;
server.listen(requestedPort, '127.0.0.1', () => {
  issuer = `http://127.0.0.1:${server.address().port}`;
  handler = buildProvider(issuer, keys).callback();
  process.stdout.write(
    `${JSON.stringify({ ready: true, issuer, jwksUri: `${issuer}/jwks`, audience: AUDIENCE, resource: RESOURCE })}\n`,
  );
});

const shutdown = () => server.close(() => process.exit(0));
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
// The parent owns this process: when it goes away (stdin closes), so do we.
process.stdin.on('end', shutdown);
process.stdin.resume();
