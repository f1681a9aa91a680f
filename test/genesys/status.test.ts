import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { describe, expect, it, onTestFinished } from 'vitest';
import { checkPartnerSourceInAws } from '../../src/genesys/aws-partner-source.js';
import { SetupError } from '../../src/genesys/errors.js';
import { testEventPattern } from '../../src/eventbridge/index.js';
import { checkRuleCoverage } from '../../src/genesys/rule-coverage.js';
import { runSetup } from '../../src/genesys/setup.js';
import { getIntegrationStatus } from '../../src/genesys/status.js';
import { FakeEventBridgeSources } from './fake-eventbridge-sources.js';
import { testClient, useFakeGenesys } from './helpers.js';

const request = {
  name: 'gep-prod',
  awsAccountId: '123456789012',
  awsRegion: 'us-east-1',
  suffix: 'prod',
  topics: ['acd.end'],
};

async function fakeAws(): Promise<{ fake: FakeEventBridgeSources; client: EventBridgeClient }> {
  const fake = await new FakeEventBridgeSources().start();
  const client = new EventBridgeClient({
    region: 'us-east-1',
    endpoint: fake.url,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' },
  });
  onTestFinished(async () => {
    client.destroy();
    await fake.close();
  });
  return { fake, client };
}

describe('getIntegrationStatus', () => {
  it('reports intended and reported state, the managed properties and the partner event source', async () => {
    const fake = await useFakeGenesys();
    const client = testClient(fake);
    const setup = await runSetup(client, request);
    const status = await getIntegrationStatus(client);
    expect(status).toMatchObject({
      organizationId: fake.orgId,
      integrationId: setup.integrationId,
      integrationName: 'gep-prod',
      intendedState: 'ENABLED',
      reportedState: { code: 'ACTIVE', effective: 'Active' },
      properties: {
        awsAccountId: '123456789012',
        awsAccountRegion: 'us-east-1',
        eventSourceSuffix: 'prod',
        eventFilter: ['v2.detail.events.conversation.{id}.acd.end'],
      },
      configVersion: 2,
      partnerEventSourceName: setup.partnerEventSourceName,
    });
  });

  it('picks the only EventBridge integration without a name, and asks for one when there are several', async () => {
    const fake = await useFakeGenesys();
    fake.addIntegration({ name: 'a', integrationType: { id: 'webhook' } });
    fake.addIntegration({ name: 'one' });
    const client = testClient(fake);
    expect((await getIntegrationStatus(client)).integrationName).toBe('one');
    fake.addIntegration({ name: 'two' });
    await expect(getIntegrationStatus(client)).rejects.toThrow(
      /2 Amazon EventBridge source integrations: "one" \(.*\), "two" \(.*\)\. Say which with --name/,
    );
    expect((await getIntegrationStatus(client, 'two')).integrationName).toBe('two');
    const missing = await getIntegrationStatus(client, 'three').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(SetupError);
    expect((missing as Error).message).toMatch(/No Amazon EventBridge source integration is named "three"/);
  });

  it('reports an unconfigured integration without a partner event source', async () => {
    const fake = await useFakeGenesys();
    fake.addIntegration({ name: 'bare' });
    const status = await getIntegrationStatus(testClient(fake), 'bare');
    expect(status.partnerEventSourceName).toBeUndefined();
    expect(status.reportedState?.code).toBe('INACTIVE');
  });
});

describe('checkPartnerSourceInAws', () => {
  const name = 'aws.partner/genesys.com/cloud/org-1/prod';

  it('reports a PENDING source without a bus, with what to do', async () => {
    const { fake, client } = await fakeAws();
    fake.sources.set(name, { name, state: 'PENDING', creationTime: 1767225600, expirationTime: 1768435200 });
    const check = await checkPartnerSourceInAws(name, 'us-east-1', '123456789012', { client });
    expect(check).toMatchObject({
      checked: true,
      source: { state: 'PENDING', createdBy: 'genesys.com', creationTime: '2026-01-01T00:00:00.000Z' },
    });
    expect(check.checked && check.bus).toBeUndefined();
    expect(check.checked && check.advice).toMatch(
      /create the event bus named aws\.partner\/genesys\.com\/cloud\/org-1\/prod .*expires at 2026-01-15T00:00:00\.000Z/,
    );
    expect(fake.calls.map((c) => c.target)).toEqual(['AWSEvents.DescribeEventSource', 'AWSEvents.DescribeEventBus']);
    expect(fake.calls.every((c) => c.authorized)).toBe(true);
  });

  it('reports an ACTIVE source with its bus as connected', async () => {
    const { fake, client } = await fakeAws();
    fake.sources.set(name, { name, state: 'ACTIVE' });
    fake.buses.add(name);
    const check = await checkPartnerSourceInAws(name, 'us-east-1', '123456789012', { client });
    expect(check).toMatchObject({
      checked: true,
      source: { state: 'ACTIVE' },
      bus: { arn: expect.stringContaining('event-bus/aws.partner') },
    });
    expect(check.checked && check.advice).toMatch(/^Connected/);
  });

  it('reports a missing source and names the account to check', async () => {
    const { client } = await fakeAws();
    const check = await checkPartnerSourceInAws(name, 'us-east-1', '123456789012', { client });
    expect(check.checked && check.source).toBeUndefined();
    expect(check.checked && check.advice).toMatch(/No partner event source .* account 123456789012/);
  });

  it('without credentials, says so and gives the commands to check by hand', async () => {
    const client = new EventBridgeClient({
      region: 'us-east-1',
      credentials: async () => {
        throw new Error('Could not load credentials from any providers');
      },
    });
    onTestFinished(() => client.destroy());
    const check = await checkPartnerSourceInAws(name, 'eu-west-1', '123456789012', { client });
    expect(check).toEqual({
      checked: false,
      reason:
        'No AWS credentials found (default provider chain). With credentials for account 123456789012, check the partner event source in eu-west-1:',
      howToCheck: [
        `aws events describe-event-source --name ${name} --region eu-west-1`,
        `aws events describe-event-bus --name ${name} --region eu-west-1`,
      ],
    });
  });
});

describe('checkRuleCoverage: does the deployed rule forward what the integration sends?', () => {
  const name = 'aws.partner/genesys.com/cloud/0c5c1f0e-2b1a-4c3d-9e8f-1a2b3c4d5e6f/prod';
  const conversationPattern = JSON.stringify({
    source: [{ prefix: 'aws.partner/genesys.com/cloud/0c5c1f0e-2b1a-4c3d-9e8f-1a2b3c4d5e6f/' }],
    'detail-type': ['v2.detail.events.conversation.{id}.acd.end', 'v2.users.{id}.presence'],
  });

  it('names the topics no enabled rule matches (the pipeline deployed with fewer topics)', async () => {
    const { fake, client } = await fakeAws();
    fake.buses.add(name);
    fake.rules.set(name, [
      { Name: 'pipeline', State: 'ENABLED', EventPattern: conversationPattern },
      // A disabled rule forwards nothing.
      { Name: 'old', State: 'DISABLED', EventPattern: JSON.stringify({ source: [{ prefix: 'aws.partner/' }] }) },
    ]);
    const coverage = await checkRuleCoverage(
      name,
      'us-east-1',
      '123456789012',
      [
        'v2.detail.events.conversation.{id}.acd.end',
        'v2.users.{id}.presence',
        'v2.audits.entitytype.{id}.entityid.{id}',
        'v2.quality.evaluations',
      ],
      { client, testEventPattern },
    );
    expect(coverage).toEqual({
      checked: true,
      rules: [
        { name: 'pipeline', state: 'ENABLED' },
        { name: 'old', state: 'DISABLED' },
      ],
      unforwarded: ['v2.audits.entitytype.{id}.entityid.{id}', 'v2.quality.evaluations'],
    });
    expect(fake.calls.map((c) => c.target)).toEqual(['AWSEvents.ListRules']);
  });

  it('says when there is no bus yet, or no credentials', async () => {
    const { client } = await fakeAws();
    const noBus = await checkRuleCoverage(name, 'us-east-1', '123456789012', ['v2.users.{id}.presence'], {
      client,
      testEventPattern,
    });
    expect(noBus).toMatchObject({
      checked: false,
      reason: expect.stringMatching(/no event bus .* deploy the pipeline/),
    });
    const anonymous = new EventBridgeClient({
      region: 'us-east-1',
      credentials: async () => {
        throw new Error('none');
      },
    });
    onTestFinished(() => anonymous.destroy());
    const check = await checkRuleCoverage(name, 'us-east-1', '123456789012', ['v2.users.{id}.presence'], {
      client: anonymous,
      testEventPattern,
    });
    expect(check).toMatchObject({
      checked: false,
      howToCheck: [`aws events list-rules --event-bus-name ${name} --region us-east-1`, expect.any(String)],
    });
  });
});
