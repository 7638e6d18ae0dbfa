import { createPublicKey, JsonWebKey } from 'node:crypto';
import { Command } from 'commander';
import { decode, verify } from 'jsonwebtoken';
import { RoleResolver } from '../auth/role-resolver';
import { OidcConfig } from '../config/app-config';
import { loadConfig } from '../config/env.schema';
import { CommandFailedError, globalOptions, openSession } from './common';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  status: CheckStatus;
  check: string;
  detail: string;
}

interface Jwk extends JsonWebKey {
  kid?: string;
  alg?: string;
  use?: string;
}

const FETCH_TIMEOUT_MS = 5_000;

async function fetchJson(url: string): Promise<unknown> {
  const response = await fetch(url, {
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    headers: { accept: 'application/json' },
  }).catch((err: Error & { cause?: { code?: string; message?: string } }) => {
    throw new Error(`cannot fetch: ${err.cause?.code ?? err.cause?.message ?? err.message}`);
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

function describeKey(key: Jwk): string {
  const shape =
    key.kty === 'EC' ? `EC ${key.crv}` : key.kty === 'OKP' ? `OKP ${key.crv}` : String(key.kty);
  return `${key.kid ?? '(no kid)'}: ${shape}${key.alg ? ` ${key.alg}` : ''}${key.use ? ` use=${key.use}` : ''}`;
}

async function oidcChecks(oidc: OidcConfig, checks: Check[]): Promise<Jwk[]> {
  let jwksUri = oidc.jwksUri;
  if (oidc.issuer) {
    const discoveryUrl = `${oidc.issuer}/.well-known/openid-configuration`;
    try {
      const document = (await fetchJson(discoveryUrl)) as { issuer?: string; jwks_uri?: string };
      const issuerMatches = document.issuer?.replace(/\/+$/, '') === oidc.issuer;
      checks.push({
        status: issuerMatches ? 'ok' : 'fail',
        check: 'discovery',
        detail: issuerMatches
          ? `${discoveryUrl} names issuer ${document.issuer} and JWKS ${document.jwks_uri}`
          : `${discoveryUrl} names issuer "${document.issuer}", not "${oidc.issuer}": tokens would be refused`,
      });
      jwksUri ??= document.jwks_uri;
    } catch (err) {
      checks.push({
        status: 'fail',
        check: 'discovery',
        detail: `${discoveryUrl}: ${(err as Error).message}`,
      });
    }
  }
  if (!jwksUri) return [];
  try {
    const jwks = (await fetchJson(jwksUri)) as { keys?: Jwk[] };
    const keys = Array.isArray(jwks.keys) ? jwks.keys : [];
    const usable = keys.filter(
      (k) => ['RSA', 'EC'].includes(String(k.kty)) && (k.use === undefined || k.use === 'sig'),
    );
    checks.push({
      status: usable.length > 0 ? 'ok' : 'fail',
      check: 'jwks',
      detail:
        `${jwksUri}: ${keys.length} key(s), ${usable.length} usable for signatures` +
        (keys.length > 0 ? `\n${keys.map((k) => `  ${describeKey(k)}`).join('\n')}` : ''),
    });
    return usable;
  } catch (err) {
    checks.push({ status: 'fail', check: 'jwks', detail: `${jwksUri}: ${(err as Error).message}` });
    return [];
  }
}

/** What the coordinator would make of a token: decoded without trusting it, then checked. */
function tokenChecks(token: string, oidc: OidcConfig | null, keys: Jwk[], checks: Check[]): void {
  const decoded = decode(token, { complete: true });
  if (!decoded || typeof decoded.payload !== 'object' || decoded.payload === null) {
    checks.push({
      status: 'fail',
      check: 'token',
      detail: 'not a JWT (a static token cannot be inspected here)',
    });
    return;
  }
  const { header } = decoded;
  const payload = decoded.payload as Record<string, unknown>;
  const problems: string[] = [];
  if (!oidc) problems.push('no OIDC provider is configured, so JWTs are refused');
  if (oidc && !oidc.algorithms.includes(header.alg))
    problems.push(`alg ${header.alg} is not accepted`);
  const key =
    keys.find((k) => k.kid === header.kid) ??
    (header.kid === undefined && keys.length === 1 ? keys[0] : undefined);
  if (oidc && !key) problems.push(`kid ${header.kid ?? '(none)'} is not in the JWKS`);
  if (key && oidc) {
    try {
      verify(token, createPublicKey({ key, format: 'jwk' }), {
        algorithms: oidc.algorithms as never,
        ignoreExpiration: true,
        clockTolerance: oidc.clockSkewSecs,
      });
    } catch (err) {
      problems.push(`signature: ${(err as Error).message}`);
    }
  }
  if (oidc?.issuer && payload.iss !== oidc.issuer)
    problems.push(`iss "${String(payload.iss)}" is not "${oidc.issuer}"`);
  const audiences = ([] as unknown[]).concat(payload.aud ?? []).map(String);
  if (oidc && oidc.audiences.length > 0 && !audiences.some((a) => oidc.audiences.includes(a))) {
    problems.push(
      `aud ${JSON.stringify(payload.aud)} matches none of ${oidc.audiences.join(', ')}`,
    );
  }
  const now = Date.now() / 1000;
  if (typeof payload.exp !== 'number') problems.push('no exp claim');
  else if (payload.exp + (oidc?.clockSkewSecs ?? 0) < now)
    problems.push(`expired at ${new Date(payload.exp * 1000).toISOString()}`);
  const expiry =
    typeof payload.exp === 'number'
      ? `, expires ${new Date(payload.exp * 1000).toISOString()}`
      : '';
  checks.push({
    status: problems.length === 0 ? 'ok' : 'fail',
    check: 'token',
    detail:
      `alg ${header.alg}, kid ${header.kid ?? '(none)'}, sub ${String(payload.sub ?? payload.client_id ?? '(none)')}${expiry}` +
      (problems.length > 0 ? `\n${problems.map((p) => `  refused: ${p}`).join('\n')}` : ''),
  });
  if (oidc) {
    const resolver = new RoleResolver(oidc.roleClaims, oidc.roleMap);
    const { role, claim } = resolver.resolve(payload);
    checks.push({
      status: role ? 'ok' : 'warn',
      check: 'role',
      detail: role
        ? `${role}, from claim ${claim} = ${JSON.stringify(payload[claim as string] ?? '(nested)')}`
        : `none: the token may call whoami and can-i only (claims looked at: ${oidc.roleClaims.join(', ')}${claim ? `; ${claim} holds no recognised role` : ''})`,
    });
  }
}

/**
 * Checks the local configuration the way an operator needs before going live: the environment
 * as the coordinator would validate it, the production refusals, the OIDC provider's discovery
 * document and keys, and optionally a token and a running coordinator.
 */
export async function diagnose(env: NodeJS.ProcessEnv, token?: string): Promise<Check[]> {
  const checks: Check[] = [];
  const result = loadConfig(env);
  if (!result.ok) {
    checks.push({
      status: 'fail',
      check: 'configuration',
      detail: result.problems
        .map((p) => `  ${p}`)
        .join('\n')
        .trimStart(),
    });
    return checks;
  }
  const config = result.config;
  checks.push({
    status: 'ok',
    check: 'configuration',
    detail: `valid; data dir ${config.dataDir}`,
  });
  if (!config.production) {
    const production = loadConfig({ ...env, KRISHIV_PRODUCTION: '1' });
    checks.push({
      status: production.ok ? 'ok' : 'warn',
      check: 'production',
      detail: production.ok
        ? 'KRISHIV_PRODUCTION=1 would start with this configuration'
        : `KRISHIV_PRODUCTION=1 would refuse to start:\n${production.problems.map((p) => `  ${p}`).join('\n')}`,
    });
  }
  const oidc = config.oidc;
  if (!oidc) {
    checks.push({
      status: 'warn',
      check: 'oidc',
      detail: 'no OIDC provider configured: only static tokens are accepted',
    });
  } else {
    checks.push({
      status: oidc.audiences.length > 0 ? 'ok' : 'warn',
      check: 'audience',
      detail:
        oidc.audiences.length > 0
          ? `tokens must carry aud ${oidc.audiences.join(' or ')}`
          : 'KRISHIV_OIDC_AUDIENCE is unset: any audience is accepted (refused in production)',
    });
  }
  const keys = oidc ? await oidcChecks(oidc, checks) : [];
  if (token) tokenChecks(token, oidc, keys, checks);
  return checks;
}

export function doctorCommand(): Command {
  return new Command('doctor')
    .description(
      'check the local configuration, the OIDC provider and optionally a token, before going live',
    )
    .option('--ping', 'also call whoami on the coordinator')
    .addHelpText(
      'after',
      `
Reads the same KRISHIV_* environment as the coordinator. With --token, also decodes that token
(without trusting it), checks it as the coordinator would, and says which role it would get.

Examples:
  $ KRISHIV_OIDC_ISSUER=https://auth.example.com/realms/krishiv KRISHIV_OIDC_AUDIENCE=krishiv krishiv doctor
  $ krishiv doctor --token "$ACCESS_TOKEN"          which role would this token get, and why?
  $ krishiv doctor --ping                            and is the coordinator reachable with my token?

Exits 0 when nothing failed (warnings allowed), 1 otherwise.`,
    )
    .action(async (options: { ping?: boolean }, command: Command) => {
      // --token is the global option: the token to inspect (decoded without trusting it, then checked).
      const checks = await diagnose(process.env, globalOptions(command).token);
      if (options.ping) {
        const session = openSession(command);
        try {
          const me = await session.whoAmI();
          checks.push({
            status: 'ok',
            check: 'coordinator',
            detail: `${session.url} answers: ${me.subject} (${me.role ?? 'no role'}) via ${me.method}`,
          });
        } catch (err) {
          checks.push({
            status: 'fail',
            check: 'coordinator',
            detail: `${session.url}: ${(err as Error).message}`,
          });
        } finally {
          session.close();
        }
      }
      const format = globalOptions(command).format;
      if (format === 'json') process.stdout.write(`${JSON.stringify(checks, null, 2)}\n`);
      else if (format === 'csv') {
        const field = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
        process.stdout.write(
          `status,check,detail\n${checks.map((c) => [c.status, c.check, c.detail].map(field).join(',')).join('\n')}\n`,
        );
      } else {
        for (const c of checks) {
          const [first, ...rest] = c.detail.split('\n');
          process.stdout.write(
            `${c.status.toUpperCase().padEnd(4)}  ${c.check.padEnd(13)} ${first}\n`,
          );
          for (const line of rest) process.stdout.write(`${' '.repeat(20)}${line.trimStart()}\n`);
        }
      }
      const failed = checks.filter((c) => c.status === 'fail').length;
      if (failed > 0) throw new CommandFailedError(`${failed} check(s) failed`);
    });
}
