import { describe, expect, it } from 'vitest';
import { GenesysApiError } from '../../src/genesys/errors.js';
import { SetupError } from '../../src/genesys/errors.js';
import { runSetup } from '../../src/genesys/setup.js';
import type { SetupRequest } from '../../src/genesys/setup-plan.js';
import type { FakeGenesys } from '../support/fake-genesys.js';
import { testClient, useFakeGenesys } from './helpers.js';

const ACD_END = 'v2.detail.events.conversation.{id}.acd.end';
const CUSTOMER_END = 'v2.detail.events.conversation.{id}.customer.end';
const request: SetupRequest = {
  name: 'gep-prod',
  awsAccountId: '123456789012',
  awsRegion: 'us-east-1',
  suffix: 'prod',
  topics: ['acd.end', 'customer.end'],
};
const desiredProperties = {
  awsAccountId: '123456789012',
  awsAccountRegion: 'us-east-1',
  eventSourceSuffix: 'prod',
  eventFilter: [ACD_END, CUSTOMER_END],
};

function writes(fake: FakeGenesys): string[] {
  return fake.writes.map((w) => `${w.method} ${w.path.replace(/[0-9a-f-]{36}/, '{id}')}`);
}

function onlyIntegration(fake: FakeGenesys) {
  const all = fake.integrationsNamed(request.name);
  expect(all).toHaveLength(1);
  return all[0]!;
}

/** Asserts the org is converged: one enabled integration with the desired properties. */
function expectConverged(fake: FakeGenesys) {
  const integration = onlyIntegration(fake);
  expect(integration.intendedState).toBe('ENABLED');
  expect(integration.config.properties).toEqual(desiredProperties);
  return integration;
}

describe('setup on a fresh org', () => {
  it('creates, configures and enables the integration, and names the partner event source', async () => {
    const fake = await useFakeGenesys();
    const result = await runSetup(testClient(fake), request);
    const integration = expectConverged(fake);
    expect(integration.config.name).toBe('gep-prod');
    expect(writes(fake)).toEqual([
      'POST /api/v2/integrations',
      'PUT /api/v2/integrations/{id}/config/current',
      'PATCH /api/v2/integrations/{id}',
    ]);
    expect(fake.writes[0]!.body).toEqual({ name: 'gep-prod', integrationType: { id: 'amazon-eventbridge-source' } });
    expect(fake.writes[1]!.body).toEqual({
      name: 'gep-prod',
      version: 1,
      properties: desiredProperties,
      advanced: {},
      notes: '',
      credentials: {},
    });
    expect(fake.writes[2]!.body).toEqual({ intendedState: 'ENABLED' });
    expect(result).toMatchObject({
      dryRun: false,
      changed: true,
      integrationId: integration.id,
      organizationId: fake.orgId,
      partnerEventSourceName: `aws.partner/genesys.com/cloud/${fake.orgId}/prod`,
      topics: [ACD_END, CUSTOMER_END],
      actions: [
        { action: 'create', status: 'done' },
        { action: 'configure', status: 'done' },
        { action: 'enable', status: 'done', from: 'DISABLED' },
      ],
    });
  });

  it('changes nothing when run again with the same request (topics in any order)', async () => {
    const fake = await useFakeGenesys();
    const client = testClient(fake);
    await runSetup(client, request);
    fake.resetLog();
    const again = await runSetup(client, { ...request, topics: ['customer.end', ACD_END] });
    expect(fake.writes).toEqual([]);
    expect(again.changed).toBe(false);
    expect(again.actions).toEqual([]);
    expect(again.integrationId).toBe(onlyIntegration(fake).id);
  });

  it('in a dry run, plans everything and sends no write', async () => {
    const fake = await useFakeGenesys();
    const result = await runSetup(testClient(fake), request, { dryRun: true });
    expect(fake.writes).toEqual([]);
    expect(fake.integrations.size).toBe(0);
    expect(result.dryRun).toBe(true);
    expect(result.changed).toBe(true);
    expect(result.integrationId).toBeUndefined();
    expect(result.partnerEventSourceName).toBe(`aws.partner/genesys.com/cloud/${fake.orgId}/prod`);
    expect(result.actions.map((a) => `${a.action}:${a.status}`)).toEqual([
      'create:planned',
      'configure:planned',
      'enable:planned',
    ]);
    expect(result.actions[1]!.changes).toEqual([
      { property: 'awsAccountId', from: undefined, to: '123456789012' },
      { property: 'awsAccountRegion', from: undefined, to: 'us-east-1' },
      { property: 'eventSourceSuffix', from: undefined, to: 'prod' },
      { property: 'eventFilter', from: undefined, to: [ACD_END, CUSTOMER_END] },
    ]);
  });
});

describe('setup on an org that has the integration', () => {
  it('updates only what differs, keeping notes, advanced and credentials, and says what changed', async () => {
    const fake = await useFakeGenesys();
    const existing = fake.addIntegration({
      name: 'gep-prod',
      intendedState: 'ENABLED',
      config: {
        version: 7,
        notes: 'owned by the CX platform team',
        advanced: { keep: true },
        properties: { ...desiredProperties, eventFilter: [ACD_END] },
      },
    });
    const dry = await runSetup(testClient(fake), request, { dryRun: true });
    expect(dry.actions).toEqual([
      {
        action: 'configure',
        status: 'planned',
        changes: [{ property: 'eventFilter', from: [ACD_END], to: [ACD_END, CUSTOMER_END] }],
      },
    ]);
    expect(fake.writes).toEqual([]);

    const result = await runSetup(testClient(fake), request);
    expect(writes(fake)).toEqual(['PUT /api/v2/integrations/{id}/config/current']);
    expect(fake.writes[0]!.body).toMatchObject({
      version: 7,
      notes: 'owned by the CX platform team',
      advanced: { keep: true },
    });
    expect(result.integrationId).toBe(existing.id);
    expect(expectConverged(fake).config).toMatchObject({
      version: 8,
      notes: 'owned by the CX platform team',
      advanced: { keep: true },
    });
  });

  it('only enables a correctly configured but disabled integration', async () => {
    const fake = await useFakeGenesys();
    fake.addIntegration({ name: 'gep-prod', intendedState: 'DISABLED', config: { properties: desiredProperties } });
    const result = await runSetup(testClient(fake), request);
    expect(writes(fake)).toEqual(['PATCH /api/v2/integrations/{id}']);
    expect(result.actions).toEqual([{ action: 'enable', status: 'done', from: 'DISABLED' }]);
    expectConverged(fake);
  });

  it('finds it on a later page of the listing (pageSize 100, pageNumber up to pageCount)', async () => {
    const fake = await useFakeGenesys();
    for (let i = 0; i < 230; i++)
      fake.addIntegration({
        name: `other-${i}`,
        integrationType: { id: i % 2 ? 'webhook' : 'amazon-eventbridge-source' },
      });
    fake.addIntegration({ name: 'gep-prod', intendedState: 'ENABLED', config: { properties: desiredProperties } });
    const result = await runSetup(testClient(fake), request);
    expect(fake.writes).toEqual([]);
    expect(result.changed).toBe(false);
    const pages = fake.requests
      .filter((r) => r.path === '/api/v2/integrations' && r.method === 'GET')
      .map((r) => r.query);
    expect(pages).toEqual([1, 2, 3].map((n) => ({ pageSize: '100', pageNumber: String(n) })));
  });

  it('ignores an integration of the same name but another type', async () => {
    const fake = await useFakeGenesys();
    fake.addIntegration({ name: 'gep-prod', integrationType: { id: 'webhook' } });
    await runSetup(testClient(fake), request);
    expect(writes(fake)[0]).toBe('POST /api/v2/integrations');
    expectConverged(fake);
  });

  it('stops when two integrations match, listing their ids', async () => {
    const fake = await useFakeGenesys();
    const a = fake.addIntegration({ name: 'gep-prod' });
    const b = fake.addIntegration({ name: 'gep-prod' });
    const error = (await runSetup(testClient(fake), request).catch((e: unknown) => e)) as SetupError;
    expect(error).toBeInstanceOf(SetupError);
    expect(error.duplicateIds.sort()).toEqual([a.id, b.id].sort());
    expect(error.message).toContain(a.id);
    expect(error.message).toContain(b.id);
    expect(fake.writes).toEqual([]);
  });

  it('refuses to move the partner event source unless allowed, and warns when it does', async () => {
    const fake = await useFakeGenesys();
    fake.addIntegration({
      name: 'gep-prod',
      intendedState: 'ENABLED',
      config: { properties: { ...desiredProperties, eventSourceSuffix: 'old' } },
    });
    const refused = (await runSetup(testClient(fake), request).catch((e: unknown) => e)) as SetupError;
    expect(refused).toBeInstanceOf(SetupError);
    expect(refused.message).toContain(`aws.partner/genesys.com/cloud/${fake.orgId}/old`);
    expect(refused.message).toContain('--allow-source-change');
    expect(fake.writes).toEqual([]);

    const dry = await runSetup(testClient(fake), request, { dryRun: true });
    expect(dry.sourceChange?.previousPartnerEventSourceName).toBe(`aws.partner/genesys.com/cloud/${fake.orgId}/old`);
    expect(dry.warnings[0]).toMatch(/new partner event source/);

    const moved = await runSetup(testClient(fake), request, { allowSourceChange: true });
    expect(moved.warnings[0]).toMatch(/the bus on the old one stops receiving events/);
    expectConverged(fake);
  });
});

describe('setup under faults converges', () => {
  const faults: Array<[string, (fake: FakeGenesys) => void]> = [
    [
      '429 with Retry-After on the listing',
      (f) =>
        f.fault({ method: 'GET', path: '/api/v2/integrations' }, { kind: 'status', status: 429, retryAfter: '5' }, 2),
    ],
    [
      '429 on the create',
      (f) =>
        f.fault({ method: 'POST', path: '/api/v2/integrations' }, { kind: 'status', status: 429, retryAfter: '1' }),
    ],
    [
      '503 on reading the config',
      (f) => f.fault({ method: 'GET', path: /config\/current$/ }, { kind: 'status', status: 503 }, 2),
    ],
    ['500 on the config update', (f) => f.fault({ method: 'PUT' }, { kind: 'status', status: 500 })],
    ['502 on enabling', (f) => f.fault({ method: 'PATCH' }, { kind: 'status', status: 502 })],
    ['a reset on the topics', (f) => f.fault({ path: '/api/v2/notifications/availabletopics' }, { kind: 'reset' })],
    [
      'a reset before the create was processed',
      (f) => f.fault({ method: 'POST', path: '/api/v2/integrations' }, { kind: 'reset' }),
    ],
    [
      'a reset after the create was processed',
      (f) => f.fault({ method: 'POST', path: '/api/v2/integrations' }, { kind: 'reset', afterProcessing: true }),
    ],
    [
      'a 502 after the create was processed',
      (f) =>
        f.fault(
          { method: 'POST', path: '/api/v2/integrations' },
          { kind: 'status', status: 502, afterProcessing: true },
        ),
    ],
    ['a 409 version conflict (concurrent edit)', (f) => f.fault({ method: 'PUT' }, { kind: 'conflict' }, 2)],
    ['a token revoked mid-run (401)', (f) => f.fault({ method: 'PUT' }, { kind: 'unauthorized' })],
    [
      'a login throttled (429)',
      (f) => f.fault({ path: '/oauth/token' }, { kind: 'status', status: 429, retryAfter: '2' }),
    ],
  ];
  for (const [label, inject] of faults) {
    it(label, async () => {
      const fake = await useFakeGenesys();
      inject(fake);
      const result = await runSetup(testClient(fake), request);
      const integration = expectConverged(fake);
      expect(result.integrationId).toBe(integration.id);
      fake.resetLog();
      await runSetup(testClient(fake), request);
      expect(fake.writes).toEqual([]);
    });
  }

  it('re-reads the version after a 409 and updates with the new one', async () => {
    const fake = await useFakeGenesys();
    const existing = fake.addIntegration({ name: 'gep-prod', intendedState: 'ENABLED', config: { version: 3 } });
    fake.fault({ method: 'PUT' }, { kind: 'conflict' });
    await runSetup(testClient(fake), request);
    expect(fake.writes.map((w) => (w.body as { version: number }).version)).toEqual([3, 4]);
    expect(fake.writes.map((w) => w.status)).toEqual([409, 200]);
    expect(existing.config.version).toBe(5);
  });

  it('gives up after a bounded number of version conflicts', async () => {
    const fake = await useFakeGenesys();
    fake.fault({ method: 'PUT' }, { kind: 'conflict' }, 100);
    const error = (await runSetup(testClient(fake), request, { maxConflictRetries: 3 }).catch(
      (e: unknown) => e,
    )) as GenesysApiError;
    expect(error).toBeInstanceOf(GenesysApiError);
    expect(error.status).toBe(409);
    expect(fake.writes.filter((w) => w.method === 'PUT')).toHaveLength(4);
  });

  it('stops on a 403 naming the permission, creating nothing', async () => {
    const fake = await useFakeGenesys();
    fake.fault(
      { method: 'POST', path: '/api/v2/integrations' },
      { kind: 'forbidden', permission: 'integrations:integration:add' },
    );
    const error = (await runSetup(testClient(fake), request).catch((e: unknown) => e)) as GenesysApiError;
    expect(error.status).toBe(403);
    expect(error.permission).toBe('integrations:integration:add');
    expect(fake.integrations.size).toBe(0);
  });

  it('names the edit permission when the update is forbidden', async () => {
    const fake = await useFakeGenesys();
    fake.fault({ method: 'PUT' }, { kind: 'forbidden', permission: 'integrations:integration:edit' });
    const error = (await runSetup(testClient(fake), request).catch((e: unknown) => e)) as GenesysApiError;
    expect(error.message).toContain("The OAuth client's role lacks the permission integrations:integration:edit");
  });
});

describe('setup rejects a bad request before calling Genesys', () => {
  it('reports every argument problem at once', async () => {
    const fake = await useFakeGenesys();
    const error = (await runSetup(testClient(fake), {
      name: ' ',
      awsAccountId: '12345',
      awsRegion: 'us-east1',
      suffix: 'x'.repeat(65),
      topics: [],
    }).catch((e: unknown) => e)) as SetupError;
    expect(error.problems).toEqual([
      '--name: give the integration a name (it is how setup finds it again).',
      '--aws-account-id "12345": an AWS account id is exactly 12 digits.',
      '--aws-region "us-east1": not an AWS region name. Did you mean "us-east-1"?',
      `--suffix "${'x'.repeat(65)}": 1 to 64 characters of letters, digits, ".", "-" and "_" (it has 65).`,
      'No topics: give --topic (repeatable) or --topics-file; `genesys-pipeline topics` lists them.',
    ]);
    expect(fake.requests).toEqual([]);
  });

  it('rejects unknown and unavailable topics with suggestions, writing nothing', async () => {
    const fake = await useFakeGenesys();
    const error = (await runSetup(testClient(fake), {
      ...request,
      topics: ['acd.end', 'custmer.end', 'v2.conversations.chats.{id}.messages'],
    }).catch((e: unknown) => e)) as SetupError;
    expect(error).toBeInstanceOf(SetupError);
    expect(error.problems).toHaveLength(2);
    expect(error.problems[0]).toMatch(
      /^Unknown topic "custmer.end"\. Did you mean "v2\.detail\.events\.conversation\.\{id\}\.customer\.end"/,
    );
    expect(error.problems[1]).toMatch(/exists but cannot be delivered to EventBridge/);
    expect(fake.writes).toEqual([]);
  });
});
