import { describe, expect, it } from 'vitest';
import { GenesysLoginError } from '../../src/genesys/errors.js';
import { testClient, useFakeGenesys } from './helpers.js';

describe('client-credentials login', () => {
  it('logs in with Basic auth and grant_type=client_credentials at <login>/oauth/token', async () => {
    const fake = await useFakeGenesys();
    const client = testClient(fake);
    const token = await client.auth.getToken();
    expect(fake.issuedTokens).toEqual([token]);
    expect(fake.tokenRequests).toHaveLength(1);
    expect(fake.tokenRequests[0]).toMatchObject({
      method: 'POST',
      auth: 'basic',
      body: 'grant_type=client_credentials',
    });
  });

  it('reuses the token until shortly before it expires', async () => {
    const fake = await useFakeGenesys({ tokenLifetimeSeconds: 600 });
    let now = 0;
    const client = testClient(fake, { deps: { now: () => now } });
    const first = await client.auth.getToken();
    for (let i = 0; i < 5; i++) expect(await client.auth.getToken()).toBe(first);
    now = 539_000; // 600 s lifetime, replaced 60 s before expiry
    expect(await client.auth.getToken()).toBe(first);
    now = 541_000;
    const second = await client.auth.getToken();
    expect(second).not.toBe(first);
    expect(fake.tokenRequests).toHaveLength(2);
  });

  it('refreshes a short-lived token a tenth of its lifetime early', async () => {
    const fake = await useFakeGenesys({ tokenLifetimeSeconds: 10 });
    let now = 0;
    const client = testClient(fake, { deps: { now: () => now } });
    const first = await client.auth.getToken();
    now = 8_900;
    expect(await client.auth.getToken()).toBe(first);
    now = 9_100;
    expect(await client.auth.getToken()).not.toBe(first);
  });

  it('logs in again by itself when a short-lived token nears its real expiry (no 401 needed)', async () => {
    const fake = await useFakeGenesys({ tokenLifetimeSeconds: 1 });
    const client = testClient(fake, { deps: { now: () => Date.now() } });
    await client.http.request({ method: 'GET', path: '/api/v2/organizations/me' });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await client.http.request({ method: 'GET', path: '/api/v2/organizations/me' });
    expect(fake.tokenRequests).toHaveLength(2);
    expect(fake.requests.filter((r) => r.status === 401)).toEqual([]);
  });

  it('shares one login among concurrent callers (single flight)', async () => {
    const fake = await useFakeGenesys();
    fake.fault({ path: '/oauth/token' }, { kind: 'delay', ms: 100 });
    const client = testClient(fake);
    const tokens = await Promise.all(Array.from({ length: 20 }, () => client.auth.getToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(fake.tokenRequests).toHaveLength(1);
    expect(client.auth.loginCount).toBe(1);
  });

  it('logs in again once when a token is rejected (401), even for many concurrent calls', async () => {
    const fake = await useFakeGenesys();
    const client = testClient(fake);
    await client.http.request({ method: 'GET', path: '/api/v2/organizations/me' });
    fake.revokeTokens();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => client.http.request({ method: 'GET', path: '/api/v2/organizations/me' })),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(fake.tokenRequests).toHaveLength(2);
    expect(fake.requests.filter((r) => r.path === '/api/v2/organizations/me' && r.status === 401)).toHaveLength(10);
  });

  it('logs in again when the server says the token expired', async () => {
    const fake = await useFakeGenesys();
    const client = testClient(fake, { deps: { now: () => 0 } });
    await client.http.request({ method: 'GET', path: '/api/v2/organizations/me' });
    fake.fault({ path: '/api/v2/organizations/me' }, { kind: 'unauthorized' });
    const answer = await client.http.request({ method: 'GET', path: '/api/v2/organizations/me' });
    expect(answer.status).toBe(200);
    expect(fake.tokenRequests).toHaveLength(2);
  });

  it('fails clearly on a wrong secret, without retrying and without the secret in the message', async () => {
    const fake = await useFakeGenesys();
    const wrong = 'wrong-secret-value-xyz';
    const client = testClient(fake, { secret: wrong });
    const error = (await client.auth.getToken().catch((e: unknown) => e)) as GenesysLoginError;
    expect(error).toBeInstanceOf(GenesysLoginError);
    expect(error.status).toBe(401);
    expect(error.code).toBe('invalid_client');
    expect(error.message).toMatch(
      /POST http:\/\/127\.0\.0\.1:\d+\/oauth\/token failed: 401 invalid_client — client not found/,
    );
    expect(error.message).toMatch(/GENESYSCLOUD_OAUTHCLIENT_SECRET/);
    expect(error.message).not.toContain(wrong);
    expect(error.message).not.toContain(Buffer.from(`${fake.clientId}:${wrong}`).toString('base64'));
    expect(fake.tokenRequests).toHaveLength(1);
  });

  it('retries the login on 429 (honouring Retry-After) and on 5xx', async () => {
    const fake = await useFakeGenesys();
    fake.fault({ path: '/oauth/token' }, { kind: 'status', status: 429, retryAfter: '7' });
    fake.fault({ path: '/oauth/token' }, { kind: 'status', status: 503 });
    const client = testClient(fake);
    await client.auth.getToken();
    expect(fake.tokenRequests.map((r) => r.status)).toEqual([429, 503, 200]);
    expect(client.sleeps).toEqual([7000, 500]);
  });
});
