/**
 * The fake Genesys Cloud is only useful if it rejects what the real API rejects: these tests pin
 * the request shapes it enforces (and show the original tutorial's shape being refused).
 */
import { describe, expect, it } from 'vitest';
import type { GenesysApiError } from '../../src/genesys/errors.js';
import { testClient, useFakeGenesys } from './helpers.js';

describe('the fake Genesys Cloud', () => {
  it('requires a valid bearer token on the API', async () => {
    const fake = await useFakeGenesys();
    const none = await fetch(`${fake.url}/api/v2/organizations/me`);
    expect(none.status).toBe(401);
    expect(none.headers.get('inin-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await none.json()).toMatchObject({
      code: 'bad.credentials',
      status: 401,
      contextId: none.headers.get('inin-correlation-id'),
    });
    const bogus = await fetch(`${fake.url}/api/v2/organizations/me`, { headers: { Authorization: 'Bearer made-up' } });
    expect(bogus.status).toBe(401);
  });

  it("rejects the tutorial's integration shape and a wrong integration type", async () => {
    const fake = await useFakeGenesys();
    const { http } = testClient(fake);
    const post = (body: unknown) =>
      http.request({ method: 'POST', path: '/api/v2/integrations', body }).catch((e: unknown) => e as GenesysApiError);
    const tutorial = await post({
      name: 'Production EventBridge Pipeline',
      type: 'eventbridge',
      configuration: { awsAccount: '1' },
    });
    expect(tutorial).toMatchObject({ status: 400, genesysMessage: 'Unrecognized field(s): type, configuration.' });
    expect(await post({ name: 'x', integrationType: { id: 'eventbridge' } })).toMatchObject({
      status: 400,
      genesysMessage: 'Invalid integration type "eventbridge".',
    });
    expect(fake.integrations.size).toBe(0);
  });

  it('rejects unknown property names, bad values, unavailable topics and a stale version', async () => {
    const fake = await useFakeGenesys();
    const integration = fake.addIntegration({ name: 'x' });
    const { integrations } = testClient(fake);
    const config = await integrations.getConfig(integration.id);
    const put = (properties: Record<string, unknown>, version = config.version) =>
      integrations
        .putConfig(integration.id, { ...config, version, properties })
        .catch((e: unknown) => e as GenesysApiError);
    expect(await put({ awsAccount: '123456789012', eventBusArn: 'arn:…' })).toMatchObject({
      status: 400,
      genesysMessage: 'Unknown property name(s): awsAccount, eventBusArn.',
    });
    expect(await put({ awsAccountId: '12345' })).toMatchObject({ status: 400 });
    expect(await put({ eventFilter: ['v2.conversations.chats.{id}.messages'] })).toMatchObject({
      status: 400,
      genesysMessage: expect.stringContaining('not available to EventBridge'),
    });
    const stale = (await put({ awsAccountId: '123456789012' }, config.version - 1)) as GenesysApiError;
    expect(stale.status).toBe(409);
    expect(stale.isVersionConflict).toBe(true);
    expect(integration.config.version).toBe(config.version);
    await put({ awsAccountId: '123456789012' });
    expect(integration.config.version).toBe(config.version + 1);
  });

  it('paginates the integrations listing with pageSize, pageNumber, pageCount and total', async () => {
    const fake = await useFakeGenesys();
    for (let i = 0; i < 7; i++) fake.addIntegration({ name: `i${i}` });
    const { http } = testClient(fake);
    const page = (
      await http.request({ method: 'GET', path: '/api/v2/integrations', query: { pageSize: 3, pageNumber: 3 } })
    ).body;
    expect(page).toMatchObject({ pageSize: 3, pageNumber: 3, total: 7, pageCount: 3 });
    expect((page as { entities: unknown[] }).entities).toHaveLength(1);
  });
});
