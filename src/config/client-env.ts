import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The generated development token's file name under the data dir (written by the coordinator). */
export const DEV_TOKEN_FILE = 'dev-token';

export const DEFAULT_COORDINATOR = 'http://127.0.0.1:50051';

export interface ClientEnvironment {
  coordinator: string;
  token?: string;
  /** Where the token came from, for messages ("which token did you use?"). */
  tokenSource?: string;
}

/**
 * What a client on this machine would use: `KRISHIV_COORDINATOR`, and a token from
 * `KRISHIV_OIDC_TOKEN`, else `KRISHIV_COORDINATOR_BEARER_TOKEN`, else the local development token.
 */
export function clientEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): ClientEnvironment {
  const coordinator = env.KRISHIV_COORDINATOR?.trim() || DEFAULT_COORDINATOR;
  for (const name of ['KRISHIV_OIDC_TOKEN', 'KRISHIV_COORDINATOR_BEARER_TOKEN'] as const) {
    const value = env[name]?.trim();
    if (value) return { coordinator, token: value, tokenSource: name };
  }
  const devTokenPath = join(
    resolve(cwd, env.KRISHIV_DATA_DIR?.trim() || '.krishiv'),
    DEV_TOKEN_FILE,
  );
  try {
    const token = readFileSync(devTokenPath, 'utf8').trim();
    if (token) return { coordinator, token, tokenSource: devTokenPath };
  } catch {
    // no development token on this machine
  }
  return { coordinator };
}
