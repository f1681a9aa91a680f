/**
 * The `setup`, `topics` and `status` commands as a user runs them: child processes of the real
 * CLI, with environment variables pointing at a fake Genesys Cloud (and a fake EventBridge
 * control plane) on loopback.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { FakeGenesys } from '../support/fake-genesys.js';
import { runCli } from '../support/cli.js';
import type { CliRun } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { FakeEventBridgeSources } from './fake-eventbridge-sources.js';
import { useFakeGenesys } from './helpers.js';

/** The environment without anything Genesys or AWS from the developer's shell. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(GENESYS|AWS_)/.test(key)) env[key] = value;
  }
  return {
    ...env,
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    AWS_CONFIG_FILE: '/nonexistent/config',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

function genesysEnv(fake: FakeGenesys, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...cleanEnv(),
    GENESYSCLOUD_OAUTHCLIENT_ID: fake.clientId,
    GENESYSCLOUD_OAUTHCLIENT_SECRET: fake.clientSecret,
    GENESYSCLOUD_API_BASE_URL: fake.url,
    GENESYSCLOUD_LOGIN_BASE_URL: fake.url,
    ...extra,
  };
}

function cli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return runCli(args, { env });
}

const SETUP = [
  'setup',
  '--name',
  'gep-prod',
  '--aws-account-id',
  '123456789012',
  '--aws-region',
  'us-east-1',
  '--suffix',
  'prod',
  '--topic',
  'acd.end',
  'customer.end',
];

/** Every string that must never be printed: the secret, its Basic form, every token issued. */
function secretsOf(fake: FakeGenesys): string[] {
  return [
    fake.clientSecret,
    Buffer.from(`${fake.clientId}:${fake.clientSecret}`).toString('base64'),
    ...fake.issuedTokens,
  ];
}

function expectNoSecrets(run: CliRun, secrets: string[]): void {
  for (const secret of secrets) {
    expect(run.stdout, 'stdout').not.toContain(secret);
    expect(run.stderr, 'stderr').not.toContain(secret);
  }
}

describe('genesys-pipeline setup', () => {
  it('sets up, then finds nothing to do; --json gives the ids and actions', async () => {
    const fake = await useFakeGenesys();
    const first = await cli([...SETUP, '--json'], genesysEnv(fake));
    expect(first.code, first.stderr).toBe(0);
    const result = JSON.parse(first.stdout) as Record<string, unknown>;
    const integration = fake.integrationsNamed('gep-prod')[0]!;
    expect(result).toMatchObject({
      ok: true,
      changed: true,
      integrationId: integration.id,
      partnerEventSourceName: `aws.partner/genesys.com/cloud/${fake.orgId}/prod`,
      actions: [{ action: 'create' }, { action: 'configure' }, { action: 'enable' }],
    });
    expect(result.nextStep).toMatch(/docs\/deploy\.md/);
    expect(integration.intendedState).toBe('ENABLED');

    fake.resetLog();
    const second = await cli(SETUP, genesysEnv(fake));
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain(
      'Nothing to do: the integration already matches and is enabled. No changes were made.',
    );
    expect(second.stdout).toContain(`Partner event source: aws.partner/genesys.com/cloud/${fake.orgId}/prod`);
    expect(fake.writes).toEqual([]);
  });

  it('--dry-run prints the plan with the diff and sends no write', async () => {
    const fake = await useFakeGenesys();
    fake.addIntegration({
      name: 'gep-prod',
      intendedState: 'ENABLED',
      config: {
        properties: {
          awsAccountId: '123456789012',
          awsAccountRegion: 'us-east-1',
          eventSourceSuffix: 'prod',
          eventFilter: ['v2.detail.events.conversation.{id}.acd.end'],
        },
      },
    });
    const run = await cli([...SETUP, '--dry-run'], genesysEnv(fake));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Plan (dry run — nothing was changed):');
    expect(run.stdout).toContain('  would update its configuration:');
    expect(run.stdout).toContain('        + v2.detail.events.conversation.{id}.customer.end');
    expect(fake.writes).toEqual([]);
  });

  it('reads topics from a file (JSON array or lines) and reports retries on stderr', async () => {
    const fake = await useFakeGenesys();
    const dir = tempDir();
    const lines = join(dir, 'topics.txt');
    writeFileSync(lines, '# conversation topics\nacd.end\n\nv2.users.{id}.presence  # presence\n');
    fake.fault({ method: 'GET', path: '/api/v2/integrations' }, { kind: 'status', status: 429, retryAfter: '0' });
    const run = await cli([...SETUP.slice(0, -3), '--topics-file', lines, '--json'], genesysEnv(fake));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      /Genesys Cloud: GET \/api\/v2\/integrations answered 429; retrying in 0\.0 s \(attempt 2 of 6\)\./,
    );
    expect(fake.integrationsNamed('gep-prod')[0]!.config.properties.eventFilter).toEqual([
      'v2.detail.events.conversation.{id}.acd.end',
      'v2.users.{id}.presence',
    ]);

    const json = join(dir, 'topics.json');
    writeFileSync(json, JSON.stringify(['customer.end']));
    const again = await cli([...SETUP.slice(0, -3), '--topics-file', json], genesysEnv(fake));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('eventFilter: 2 → 1 topic(s)');
  });

  it('explains missing settings and bad arguments', async () => {
    const fake = await useFakeGenesys();
    const missing = await cli(SETUP, cleanEnv());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Genesys Cloud connection settings:\n  - GENESYSCLOUD_OAUTHCLIENT_ID is not set');
    const plainHttp = await cli([...SETUP, '--api-base-url', 'http://example.com'], genesysEnv(fake));
    expect(plainHttp.code).toBe(1);
    expect(plainHttp.stderr).toMatch(/plain http is allowed only to a loopback address/);
    const bad = await cli(
      [
        'setup',
        '--name',
        'x',
        '--aws-account-id',
        '1',
        '--aws-region',
        'mars-1',
        '--suffix',
        'a b',
        '--topic',
        'acd.ends',
        '--json',
      ],
      genesysEnv(fake),
    );
    expect(bad.code).toBe(1);
    const error = (JSON.parse(bad.stdout) as { ok: boolean; error: { problems: string[] } }).error;
    expect(error.problems).toHaveLength(3);
    expect(fake.requests).toEqual([]);
  });
});

describe('genesys-pipeline setup: any topic, and the deployed rule', () => {
  it("takes the blueprint's audit topic, says which topics are typed, and warns about topics the deployed rule does not forward", async () => {
    const fake = await useFakeGenesys();
    const aws = await new FakeEventBridgeSources().start();
    onTestFinished(() => aws.close());
    const source = `aws.partner/genesys.com/cloud/${fake.orgId}/prod`;
    // The pipeline was deployed with the conversation topics only.
    aws.buses.add(source);
    aws.rules.set(source, [
      {
        Name: 'GenesysEventPipeline-Rule',
        State: 'ENABLED',
        EventPattern: JSON.stringify({
          source: [{ prefix: `aws.partner/genesys.com/cloud/${fake.orgId}/` }],
          'detail-type': ['v2.detail.events.conversation.{id}.acd.end'],
        }),
      },
    ]);
    const withAws = genesysEnv(fake, {
      AWS_ACCESS_KEY_ID: 'AKIDFAKE',
      AWS_SECRET_ACCESS_KEY: 'fake-aws-secret',
      AWS_ENDPOINT_URL_EVENTBRIDGE: aws.url,
    });
    const args = [
      ...SETUP.slice(0, -2),
      'acd.end',
      'v2.audits.entitytype.{id}.entityid.{id}',
      'v2.routing.queues.{id}.conversations',
    ];
    const run = await cli(args, withAws);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      'Topics: 2 typed (conversation: v2.detail.events.conversation.{id}.acd.end; audit: v2.audits.entitytype.{id}.entityid.{id}); 1 generic (v2.routing.queues.{id}.conversations',
    );
    expect(run.stderr).toContain(
      'warning: The integration sends 2 topic(s) that no enabled rule on the partner event bus forwards (they are archived, never processed): v2.audits.entitytype.{id}.entityid.{id}, v2.routing.queues.{id}.conversations.',
    );
    const json = await cli([...args, '--json'], withAws);
    expect(JSON.parse(json.stdout)).toMatchObject({
      topicModels: { generic: ['v2.routing.queues.{id}.conversations'] },
      ruleCoverage: {
        checked: true,
        unforwarded: ['v2.audits.entitytype.{id}.entityid.{id}', 'v2.routing.queues.{id}.conversations'],
      },
    });
    // Without AWS credentials: said, with the command to check by hand.
    const noAws = await cli(args, genesysEnv(fake));
    expect(noAws.stdout).toContain(`Could not check the deployed rules: No AWS credentials found`);
    expect(noAws.stdout).toContain(`aws events list-rules --event-bus-name ${source} --region us-east-1`);
  });
});

describe('genesys-pipeline topics and status', () => {
  it('lists EventBridge topics, filtered', async () => {
    const fake = await useFakeGenesys();
    const run = await cli(['topics', '--filter', 'acd', '--json'], genesysEnv(fake));
    expect(run.code, run.stderr).toBe(0);
    const ids = (JSON.parse(run.stdout) as { topics: Array<{ id: string }> }).topics.map((t) => t.id);
    expect(ids).toEqual(['v2.detail.events.conversation.{id}.acd.end', 'v2.detail.events.conversation.{id}.acd.start']);
    expect((JSON.parse(run.stdout) as { topics: Array<{ kind: string }> }).topics.map((t) => t.kind)).toEqual([
      'conversation',
      'conversation',
    ]);
    const all = await cli(['topics'], genesysEnv(fake));
    expect(all.stdout).toMatch(/v2\.users\.\{id\}\.presence\s+user-presence\s+Presence of a user/);
    expect(all.stdout).toMatch(/v2\.routing\.queues\.\{id\}\.conversations\s+generic\s/);
    expect(all.stdout).not.toContain('v2.conversations.chats.{id}.messages');
  });

  it('shows Genesys state and, with AWS credentials, the partner event source in AWS', async () => {
    const fake = await useFakeGenesys();
    expect((await cli(SETUP, genesysEnv(fake))).code).toBe(0);
    const aws = await new FakeEventBridgeSources().start();
    onTestFinished(() => aws.close());
    const source = `aws.partner/genesys.com/cloud/${fake.orgId}/prod`;
    aws.sources.set(source, { name: source, state: 'PENDING' });
    const withAws = genesysEnv(fake, {
      AWS_ACCESS_KEY_ID: 'AKIDFAKE',
      AWS_SECRET_ACCESS_KEY: 'fake-aws-secret',
      AWS_ENDPOINT_URL_EVENTBRIDGE: aws.url,
    });
    const run = await cli(['status', '--json'], withAws);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: true,
      integrationName: 'gep-prod',
      intendedState: 'ENABLED',
      reportedState: { code: 'ACTIVE' },
      partnerEventSourceName: source,
      aws: { checked: true, source: { state: 'PENDING' } },
    });
    aws.buses.add(source);
    aws.sources.set(source, { name: source, state: 'ACTIVE' });
    const human = await cli(['status', '--name', 'gep-prod'], withAws);
    expect(human.stdout).toContain('AWS: source ACTIVE; event bus exists.');

    const noAws = await cli(['status'], genesysEnv(fake));
    expect(noAws.code, noAws.stderr).toBe(0);
    expect(noAws.stdout).toContain('AWS: not checked. No AWS credentials found');
    expect(noAws.stdout).toContain(`aws events describe-event-source --name ${source} --region us-east-1`);
  });
});

describe('secrets never appear in output', () => {
  type Scenario = {
    label: string;
    args?: string[];
    env?: Record<string, string>;
    prepare?: (fake: FakeGenesys) => void;
    expectCode: number;
    expectText?: RegExp;
  };
  const scenarios: Scenario[] = [
    {
      label: 'success with retries',
      prepare: (f) => f.fault({ method: 'PUT' }, { kind: 'status', status: 503 }),
      expectCode: 0,
    },
    {
      label: 'wrong client secret',
      env: { GENESYSCLOUD_OAUTHCLIENT_SECRET: 'wrong-secret-0123456789' },
      expectCode: 1,
      expectText: /invalid_client/,
    },
    {
      label: 'login answers 400 echoing the Basic header',
      prepare: (f) => f.fault({ path: '/oauth/token' }, { kind: 'echo-auth' }),
      expectCode: 1,
      expectText: /\[redacted\]/,
    },
    {
      label: 'API answers 400 echoing the bearer token',
      prepare: (f) => f.fault({ path: '/api/v2/organizations/me' }, { kind: 'echo-auth' }),
      expectCode: 1,
      expectText: /Bearer \[redacted\]/,
    },
    {
      label: '403 on create',
      prepare: (f) =>
        f.fault(
          { method: 'POST', path: '/api/v2/integrations' },
          { kind: 'forbidden', permission: 'integrations:integration:add' },
        ),
      expectCode: 1,
      expectText: /integrations:integration:add/,
    },
    {
      label: '403 on listing',
      prepare: (f) =>
        f.fault(
          { method: 'GET', path: '/api/v2/integrations' },
          { kind: 'forbidden', permission: 'integrations:integration:view' },
        ),
      expectCode: 1,
      expectText: /integrations:integration:view/,
    },
    {
      label: '429 longer than the time budget',
      prepare: (f) =>
        f.fault({ path: '/api/v2/notifications/availabletopics' }, { kind: 'status', status: 429, retryAfter: '900' }),
      expectCode: 1,
      expectText: /Retry-After 900 s/,
    },
    {
      label: '500 on create',
      prepare: (f) => f.fault({ method: 'POST', path: '/api/v2/integrations' }, { kind: 'status', status: 500 }, 5),
      expectCode: 1,
      expectText: /500/,
    },
    {
      label: 'token revoked twice',
      prepare: (f) => f.fault({ method: 'PUT' }, { kind: 'unauthorized' }, 2),
      expectCode: 1,
      expectText: /rejected even after logging in again/,
    },
    {
      label: 'duplicate integrations',
      prepare: (f) => (f.addIntegration({ name: 'gep-prod' }), f.addIntegration({ name: 'gep-prod' })),
      expectCode: 1,
      expectText: /2 Amazon EventBridge source integrations/,
    },
    {
      label: 'unknown topic',
      args: [...SETUP.slice(0, -2), 'acd.ends'],
      expectCode: 1,
      expectText: /Unknown topic "acd.ends"/,
    },
    {
      label: 'status of a missing integration',
      args: ['status', '--name', 'nope'],
      expectCode: 1,
      expectText: /No Amazon EventBridge source integration is named "nope"/,
    },
  ];

  for (const scenario of scenarios) {
    it(scenario.label, async () => {
      const fake = await useFakeGenesys();
      scenario.prepare?.(fake);
      // --json: the machine-readable result (or error) on stdout, the human message on stderr.
      const run = await cli([...(scenario.args ?? SETUP), '--json'], genesysEnv(fake, scenario.env));
      expect(run.code, run.stderr).toBe(scenario.expectCode);
      if (scenario.expectText) expect(run.stderr).toMatch(scenario.expectText);
      expect((JSON.parse(run.stdout) as { ok: boolean }).ok).toBe(scenario.expectCode === 0);
      expectNoSecrets(run, [...secretsOf(fake), scenario.env?.GENESYSCLOUD_OAUTHCLIENT_SECRET ?? fake.clientSecret]);
    });
  }
});
