import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadGenesysConfig } from '../../src/genesys/config.js';
import { GenesysConfigError } from '../../src/genesys/errors.js';

const SECRET = 'super-secret-value-123';
const base = {
  GENESYSCLOUD_OAUTHCLIENT_ID: 'client-1',
  GENESYSCLOUD_OAUTHCLIENT_SECRET: SECRET,
  GENESYSCLOUD_REGION: 'eu-west-1',
};

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GenesysConfigError);
    return (error as GenesysConfigError).problems;
  }
  throw new Error('expected a GenesysConfigError');
}

describe('loadGenesysConfig', () => {
  it('reads the GENESYSCLOUD_* variables and resolves the region', () => {
    const config = loadGenesysConfig(base);
    expect(config.clientId).toBe('client-1');
    expect(config.clientSecret.reveal()).toBe(SECRET);
    expect(config.apiBaseUrl).toBe('https://api.mypurecloud.ie');
    expect(config.loginBaseUrl).toBe('https://login.mypurecloud.ie');
    expect(config.domain).toBe('mypurecloud.ie');
    expect(config.warnings).toEqual([]);
  });

  it("accepts the tutorial's GENESYS_* names as aliases, preferring GENESYSCLOUD_* with a warning", () => {
    const alias = loadGenesysConfig({
      GENESYS_CLIENT_ID: 'a',
      GENESYS_CLIENT_SECRET: 'b-secret',
      GENESYS_REGION: 'mypurecloud.de',
    });
    expect(alias.clientId).toBe('a');
    expect(alias.apiBaseUrl).toBe('https://api.mypurecloud.de');
    const both = loadGenesysConfig({ ...base, GENESYS_CLIENT_ID: 'other' });
    expect(both.clientId).toBe('client-1');
    expect(both.warnings).toEqual([
      'Both GENESYSCLOUD_OAUTHCLIENT_ID and GENESYS_CLIENT_ID are set; using GENESYSCLOUD_OAUTHCLIENT_ID.',
    ]);
  });

  it('reports every missing setting at once, saying what each is', () => {
    const problems = problemsOf(() => loadGenesysConfig({}));
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/GENESYSCLOUD_OAUTHCLIENT_ID is not set/);
    expect(problems[1]).toMatch(/GENESYSCLOUD_OAUTHCLIENT_SECRET is not set/);
    expect(problems[2]).toMatch(/GENESYSCLOUD_REGION is not set: .*eu-west-1/);
  });

  it('lets overrides and base URL variables replace the region hosts', () => {
    const config = loadGenesysConfig(
      { ...base, GENESYSCLOUD_LOGIN_BASE_URL: 'http://127.0.0.1:9000/' },
      { apiBaseUrl: 'http://localhost:9001', region: 'us-west-2' },
    );
    expect(config.apiBaseUrl).toBe('http://localhost:9001');
    expect(config.loginBaseUrl).toBe('http://127.0.0.1:9000');
    const noRegion = loadGenesysConfig(
      { GENESYSCLOUD_OAUTHCLIENT_ID: 'x', GENESYSCLOUD_OAUTHCLIENT_SECRET: 'y-secret' },
      { apiBaseUrl: 'http://[::1]:1', loginBaseUrl: 'https://login.example.com' },
    );
    expect(noRegion.apiBaseUrl).toBe('http://[::1]:1');
    expect(noRegion.domain).toBeUndefined();
  });

  it('allows plain http only to loopback addresses', () => {
    const problems = problemsOf(() => loadGenesysConfig(base, { apiBaseUrl: 'http://10.0.0.5:8080' }));
    expect(problems).toEqual([
      '--api-base-url / GENESYSCLOUD_API_BASE_URL: plain http is allowed only to a loopback address (127.0.0.1, ::1, localhost), not to "10.0.0.5"; use https.',
    ]);
    expect(problemsOf(() => loadGenesysConfig(base, { loginBaseUrl: 'http://example.com' }))[0]).toMatch(
      /plain http is allowed only/,
    );
    expect(problemsOf(() => loadGenesysConfig(base, { loginBaseUrl: 'ftp://127.0.0.1' }))[0]).toMatch(
      /"ftp:" is not supported/,
    );
    expect(problemsOf(() => loadGenesysConfig(base, { apiBaseUrl: 'https://u:p@api.example.com' }))[0]).toMatch(
      /no credentials in the URL/,
    );
    expect(problemsOf(() => loadGenesysConfig(base, { apiBaseUrl: 'not a url' }))[0]).toMatch(/is not a URL/);
  });

  it('reports an unknown region with suggestions', () => {
    expect(problemsOf(() => loadGenesysConfig({ ...base, GENESYSCLOUD_REGION: 'eu-west-11' }))[0]).toMatch(
      /Unknown Genesys Cloud region "eu-west-11".*Did you mean/,
    );
  });

  it('never shows the secret when the config is printed, serialized or inspected', () => {
    const config = loadGenesysConfig(base);
    expect(JSON.stringify(config)).not.toContain(SECRET);
    expect(inspect(config, { depth: 5 })).not.toContain(SECRET);
    expect(String(config.clientSecret)).toBe('[redacted]');
    expect(`${JSON.stringify(config.clientSecret)}`).toBe('"[redacted]"');
  });
});
