import { runCli } from './support/cli';
import { OIDC_AUDIENCE, OidcProvider, startOidcProvider } from './support/oidc';

interface Check {
  status: 'ok' | 'warn' | 'fail';
  check: string;
  detail: string;
}

describe('krishiv doctor', () => {
  let oidc: OidcProvider;
  let good: Record<string, string>;

  beforeAll(async () => {
    oidc = await startOidcProvider();
    good = { KRISHIV_OIDC_ISSUER: oidc.issuer, KRISHIV_OIDC_AUDIENCE: OIDC_AUDIENCE };
  });

  afterAll(async () => {
    await oidc.stop();
  });

  async function doctor(env: Record<string, string>, ...args: string[]) {
    const run = await runCli(['--format', 'json', 'doctor', ...args], env);
    const checks = JSON.parse(run.stdout) as Check[];
    return {
      code: run.code,
      checks,
      byName: (name: string) => checks.find((c) => c.check === name),
    };
  }

  it('passes a correct configuration and lists the provider keys', async () => {
    const { code, byName } = await doctor(good);
    expect(code).toBe(0);
    expect(byName('configuration')?.status).toBe('ok');
    expect(byName('discovery')).toMatchObject({ status: 'ok' });
    expect(byName('jwks')?.status).toBe('ok');
    for (const kid of await oidc.kids()) expect(byName('jwks')?.detail).toContain(kid);
    expect(byName('audience')?.status).toBe('ok');
    // Not production-ready yet: no service token.
    expect(byName('production')).toMatchObject({ status: 'warn' });
    expect(byName('production')?.detail).toContain('KRISHIV_COORDINATOR_BEARER_TOKEN');
  });

  it('explains which role a token would get, and from which claim', async () => {
    const reader = await doctor(good, '--token', await oidc.token('reader-client'));
    expect(reader.code).toBe(0);
    expect(reader.byName('token')?.status).toBe('ok');
    expect(reader.byName('role')).toMatchObject({ status: 'ok' });
    expect(reader.byName('role')?.detail).toMatch(/^reader, from claim https:\/\/krishiv\/roles/);
    const none = await doctor(good, '--token', await oidc.token('norole-client'));
    expect(none.byName('role')).toMatchObject({ status: 'warn' });
    expect(none.byName('role')?.detail).toContain('whoami and can-i only');
  });

  it('says why a token would be refused', async () => {
    const token = await oidc.token('admin-client');
    const wrongAudience = await doctor(
      { ...good, KRISHIV_OIDC_AUDIENCE: 'someone-else' },
      '--token',
      token,
    );
    expect(wrongAudience.code).toBe(1);
    expect(wrongAudience.byName('token')?.detail).toContain('matches none of someone-else');
    const notJwt = await doctor(good, '--token', 'not-a-jwt');
    expect(notJwt.byName('token')).toMatchObject({ status: 'fail' });
  });

  it('fails on an unreachable provider and on an invalid configuration', async () => {
    const unreachable = await doctor({ KRISHIV_OIDC_ISSUER: 'http://127.0.0.1:9/realms/none' });
    expect(unreachable.code).toBe(1);
    expect(unreachable.byName('discovery')).toMatchObject({ status: 'fail' });
    expect(unreachable.byName('audience')).toMatchObject({ status: 'warn' });
    const invalid = await doctor({ KRISHIV_HTTP_ADDR: 'nonsense' });
    expect(invalid.code).toBe(1);
    expect(invalid.byName('configuration')?.detail).toContain('KRISHIV_HTTP_ADDR');
  });

  it('prints a readable table by default', async () => {
    const run = await runCli(['doctor'], good);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^OK {4}configuration/m);
    expect(run.stdout).toMatch(/^OK {4}jwks/m);
  });
});
