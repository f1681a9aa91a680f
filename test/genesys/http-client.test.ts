import { describe, expect, it } from 'vitest';
import { GenesysApiError, GenesysNetworkError, isAmbiguousFailure } from '../../src/genesys/errors.js';
import { testClient, useFakeGenesys } from './helpers.js';

const ORG = '/api/v2/organizations/me';
const LIST = '/api/v2/integrations';
const createBody = { name: 'x', integrationType: { id: 'amazon-eventbridge-source' } };

describe('GenesysHttpClient retries', () => {
  it('waits exactly Retry-After on 429, for any method', async () => {
    const fake = await useFakeGenesys();
    fake.fault({ path: ORG }, { kind: 'status', status: 429, retryAfter: '3' });
    fake.fault({ method: 'POST', path: LIST }, { kind: 'status', status: 429, retryAfter: '2' });
    const client = testClient(fake);
    expect((await client.http.request({ method: 'GET', path: ORG })).status).toBe(200);
    expect((await client.http.request({ method: 'POST', path: LIST, body: createBody })).status).toBe(200);
    expect(client.sleeps).toEqual([3000, 2000]);
    expect(fake.integrations.size).toBe(1);
  });

  it('retries 5xx on idempotent calls with full-jitter exponential backoff', async () => {
    const fake = await useFakeGenesys();
    fake.fault({ path: ORG }, { kind: 'status', status: 502 }, 3);
    const client = testClient(fake, { retry: { baseDelayMs: 100 } });
    expect((await client.http.request({ method: 'GET', path: ORG })).status).toBe(200);
    expect(client.sleeps).toEqual([50, 100, 200]);
    expect(fake.requests.filter((r) => r.path === ORG).map((r) => r.status)).toEqual([502, 502, 502, 200]);
  });

  it('retries a connection reset and a timeout on idempotent calls', async () => {
    const fake = await useFakeGenesys();
    fake.fault({ path: ORG }, { kind: 'reset' });
    // The delayed answer must time out and the clean one must not, even on a loaded machine.
    fake.fault({ path: ORG }, { kind: 'delay', ms: 5_000 });
    const client = testClient(fake, { requestTimeoutMs: 1_000 });
    expect((await client.http.request({ method: 'GET', path: ORG })).status).toBe(200);
    expect(fake.requests.filter((r) => r.path === ORG)).toHaveLength(3);
    expect(client.sleeps).toHaveLength(2);
  });

  it('does not repeat a POST after an ambiguous failure (5xx or reset): the caller must reconcile', async () => {
    const fake = await useFakeGenesys();
    fake.fault({ method: 'POST', path: LIST }, { kind: 'status', status: 502, afterProcessing: true });
    const client = testClient(fake);
    const error = await client.http.request({ method: 'POST', path: LIST, body: createBody }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GenesysApiError);
    expect((error as GenesysApiError).status).toBe(502);
    expect((error as GenesysApiError).attempts).toBe(1);
    expect(isAmbiguousFailure(error)).toBe(true);
    expect(fake.integrations.size).toBe(1); // it was created; a blind retry would have made two

    fake.fault({ method: 'POST', path: LIST }, { kind: 'reset' });
    const reset = await client.http.request({ method: 'POST', path: LIST, body: createBody }).catch((e: unknown) => e);
    expect(reset).toBeInstanceOf(GenesysNetworkError);
    expect(isAmbiguousFailure(reset)).toBe(true);
    expect(fake.writes).toHaveLength(2);
  });

  it('bounds the attempts and names them in the error', async () => {
    const fake = await useFakeGenesys();
    fake.fault({ path: ORG }, { kind: 'status', status: 503 }, 100);
    const client = testClient(fake, { retry: { maxAttempts: 4 } });
    const error = (await client.http.request({ method: 'GET', path: ORG }).catch((e: unknown) => e)) as GenesysApiError;
    expect(error.status).toBe(503);
    expect(error.attempts).toBe(4);
    expect(error.message).toMatch(
      /^GET \/api\/v2\/organizations\/me failed: 503 service\.unavailable — The server encountered an unexpected error\. \(correlation id [0-9a-f-]{36}\) after 4 attempts\./,
    );
    expect(error.message).toMatch(/usually transient/);
    expect(fake.requests.filter((r) => r.path === ORG)).toHaveLength(4);
  });

  it('gives up at once when Retry-After is longer than the time budget', async () => {
    const fake = await useFakeGenesys();
    fake.fault({ path: ORG }, { kind: 'status', status: 429, retryAfter: '600' });
    const client = testClient(fake);
    const error = (await client.http.request({ method: 'GET', path: ORG }).catch((e: unknown) => e)) as GenesysApiError;
    expect(error.status).toBe(429);
    expect(error.code).toBe('too.many.requests.retry.after');
    expect(error.retryAfterSeconds).toBe(600);
    expect(error.message).toMatch(/Retry-After 600 s/);
    expect(client.sleeps).toEqual([]);
  });

  it('does not retry other 4xx answers', async () => {
    const fake = await useFakeGenesys();
    const client = testClient(fake);
    const error = (await client.http
      .request({ method: 'GET', path: '/api/v2/integrations/nope' })
      .catch((e: unknown) => e)) as GenesysApiError;
    expect(error.status).toBe(404);
    expect(error.attempts).toBe(1);
  });
});

describe('GenesysHttpClient errors', () => {
  it('name the call, status, Genesys code and message, correlation id and the permission needed (403)', async () => {
    const fake = await useFakeGenesys();
    fake.fault({ method: 'POST', path: LIST }, { kind: 'forbidden', permission: 'integrations:integration:add' });
    const client = testClient(fake);
    const error = (await client.http
      .request({ method: 'POST', path: LIST, body: createBody, permission: 'integrations:integration:add' })
      .catch((e: unknown) => e)) as GenesysApiError;
    const recorded = fake.requests.find((r) => r.method === 'POST' && r.path === LIST)!;
    expect(recorded.status).toBe(403);
    expect(error).toMatchObject({
      method: 'POST',
      path: LIST,
      status: 403,
      code: 'missing.permissions',
      permission: 'integrations:integration:add',
    });
    expect(error.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.message).toContain('You are missing the following permission(s): [integrations:integration:add]');
    expect(error.message).toContain("The OAuth client's role lacks the permission integrations:integration:add");
    expect(error.message).toContain(`correlation id ${error.correlationId}`);
  });

  it('recognize a version conflict as 409 or as a 400 saying the version does not match', () => {
    const base = { method: 'PUT', path: '/api/v2/integrations/x/config/current', attempts: 1 };
    expect(new GenesysApiError({ ...base, status: 409 }).isVersionConflict).toBe(true);
    expect(
      new GenesysApiError({ ...base, status: 400, genesysMessage: 'Version 3 does not match the current version 4' })
        .isVersionConflict,
    ).toBe(true);
    expect(new GenesysApiError({ ...base, status: 400, genesysMessage: 'name is required' }).isVersionConflict).toBe(
      false,
    );
  });

  it('redact a token the server echoes back', async () => {
    const fake = await useFakeGenesys();
    fake.fault({ path: ORG }, { kind: 'echo-auth' });
    const client = testClient(fake);
    const error = (await client.http.request({ method: 'GET', path: ORG }).catch((e: unknown) => e)) as GenesysApiError;
    expect(error.status).toBe(400);
    expect(fake.issuedTokens).toHaveLength(1);
    expect(error.message).not.toContain(fake.issuedTokens[0]!);
    expect(error.message).toContain('Authorization: Bearer [redacted]');
  });

  it('report a refused connection as a network error after retrying', async () => {
    const fake = await useFakeGenesys();
    const client = testClient(fake, { retry: { maxAttempts: 2 } });
    await client.auth.getToken();
    await fake.close();
    const error = (await client.http
      .request({ method: 'GET', path: ORG })
      .catch((e: unknown) => e)) as GenesysNetworkError;
    expect(error).toBeInstanceOf(GenesysNetworkError);
    expect(error.reason).toBe('ECONNREFUSED');
    expect(error.attempts).toBe(2);
    expect(error.message).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/api\/v2\/organizations\/me failed: ECONNREFUSED \(after 2 attempts\)/,
    );
  });
});
