import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** The clients test/support/oidc-provider.mjs registers; each client's secret is `<id>-secret`. */
export const OIDC_CLIENTS = [
  'reader-client',
  'writer-client',
  'admin-client',
  'norole-client',
] as const;
export type OidcClient = (typeof OIDC_CLIENTS)[number];

/** The `aud` of every access token the provider issues. */
export const OIDC_AUDIENCE = 'krishiv-test';

export interface OidcProvider {
  issuer: string;
  jwksUri: string;
  /** A fresh RFC 9068 access token for the client (client-credentials grant). */
  token: (client: OidcClient) => Promise<string>;
  /** A new key signs from now on; the previous keys stay published beside it. */
  rotate: () => Promise<void>;
  /** Requests the provider's JWKS endpoint has answered since it started. */
  jwksRequestCount: () => Promise<number>;
  /** Key ids currently published, the signing key first. */
  kids: () => Promise<string[]>;
  stop: () => Promise<void>;
}

interface ReadyLine {
  ready: true;
  issuer: string;
  jwksUri: string;
  resource: string;
}

const SCRIPT = join(__dirname, 'oidc-provider.mjs');

/** Starts the OIDC provider as its own node process (oidc-provider is ESM-only) on a free port. */
export async function startOidcProvider(): Promise<OidcProvider> {
  // stdin stays open as a lifeline: the provider exits when this process goes away.
  const child = spawn(process.execPath, [SCRIPT, '0'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  // Kept for failure messages only; the provider's development warnings would be noise.
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const ready = await readyLine(child, () => stderr);
  const control = async (path: string, method = 'GET'): Promise<any> => {
    const response = await fetch(`${ready.issuer}/__control/${path}`, { method });
    if (!response.ok)
      throw new Error(`OIDC provider control ${path}: HTTP ${response.status}\n${stderr}`);
    return response.json();
  };
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  return {
    issuer: ready.issuer,
    jwksUri: ready.jwksUri,
    token: async (client) => {
      const response = await fetch(`${ready.issuer}/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${client}:${client}-secret`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          resource: ready.resource,
        }).toString(),
      });
      const body = (await response.json()) as { access_token?: string; error?: string };
      if (!response.ok || typeof body.access_token !== 'string') {
        throw new Error(
          `token for ${client}: HTTP ${response.status} ${JSON.stringify(body)}\n${stderr}`,
        );
      }
      return body.access_token;
    },
    rotate: async () => {
      await control('rotate', 'POST');
    },
    jwksRequestCount: async () =>
      ((await control('stats')) as { jwksRequests: number }).jwksRequests,
    kids: async () => ((await control('stats')) as { kids: string[] }).kids,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function readyLine(child: ChildProcess, stderr: () => string): Promise<ReadyLine> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`OIDC provider did not start in 15 s:\n${stderr()}`));
    }, 15_000);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`OIDC provider exited with ${code}:\n${stderr()}`));
    };
    child.once('exit', onExit);
    lines.on('line', (line) => {
      let parsed: Partial<ReadyLine>;
      try {
        parsed = JSON.parse(line) as Partial<ReadyLine>;
      } catch {
        return;
      }
      if (parsed.ready !== true) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      lines.close();
      child.stdout?.resume();
      resolve(parsed as ReadyLine);
    });
  });
}
