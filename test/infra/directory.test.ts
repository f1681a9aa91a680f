/**
 * The Genesys directory on AWS as synthesized: the DynamoDB table, the refresher function and
 * its EventBridge Scheduler schedule, the reference to the OAuth client's secret (its ARN in the
 * environment, never its value), the alarm on failed refreshes, and least-privilege grants. One
 * synth with the directory, checked against cdk-nag too (synthesize fails on a finding).
 */
import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/lib/functions.js';
import { tempDir } from '../support/tmp.js';
import { settingsFromContext } from '../../infra/lib/context.js';
import { FUNCTION_ENV } from '../../src/functions/index.js';
import {
  flatten,
  logicalIdOf,
  policyStatements,
  synthesize,
  type Synthesized,
  unjustifiedWildcards,
} from './support.js';

const ORG = '0c5c1f0e-2b1a-4c3d-9e8f-1a2b3c4d5e6f';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:genesys/oauth-client-AbCdEf';

let s: Synthesized;
let id: (construct: IConstruct) => string;
const arnOf = (construct: IConstruct) => ({ 'Fn::GetAtt': [id(construct), 'Arn'] });
const roleStatements = (role: IConstruct) =>
  policyStatements(s.template)
    .filter((f) => f.type === 'AWS::IAM::Policy' && f.roles.includes(id(role)))
    .map((f) => f.statement);
const actionsOf = (statements: Array<{ Action?: string | string[] }>) =>
  statements.flatMap((st) => [st.Action ?? []].flat()).sort();

beforeAll(() => {
  s = synthesize(
    {
      orgId: ORG,
      eventSourceSuffix: 'prod',
      topics: ['customer.start', 'acd.end'],
      directory: { oauthClientSecret: SECRET_ARN, genesysRegion: 'eu-west-1', refreshInterval: Duration.minutes(30) },
    },
    // The pipeline's functions are bundled by buffered.test.ts; the refresher's bundle is checked below.
    { bundle: false },
  );
  id = (construct) => logicalIdOf(s.stack, construct);
});

describe('Genesys directory on AWS', () => {
  it('creates the directory table: kind + id, on demand, point-in-time recovery, TTL for missing-id markers', () => {
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'kind', KeyType: 'HASH' },
        { AttributeName: 'id', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('runs the refresher on an EventBridge Scheduler schedule, one at a time', () => {
    const refresher = s.pipeline.directory!.refresher;
    s.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(30 minutes)',
      State: 'ENABLED',
      Target: Match.objectLike({ Arn: arnOf(refresher), RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 0 }) }),
    });
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      ReservedConcurrentExecutions: 1,
      Timeout: 600,
      Architectures: ['arm64'],
    });
    s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: id(refresher) },
      MaximumRetryAttempts: 0,
    });
    // The scheduler's role may invoke the refresher and nothing else.
    const schedulerRoles = policyStatements(s.template).filter(
      (f) => f.type === 'AWS::IAM::Role' && JSON.stringify(f.statement.Principal).includes('scheduler.amazonaws.com'),
    );
    expect(schedulerRoles).toHaveLength(1);
    const schedulerPolicies = policyStatements(s.template).filter(
      (f) => f.type === 'AWS::IAM::Policy' && f.roles.includes(schedulerRoles[0]!.resource),
    );
    expect(schedulerPolicies.map((f) => f.statement.Resource)).toEqual([arnOf(refresher)]);
    expect(new Set(actionsOf(schedulerPolicies.map((f) => f.statement)))).toEqual(new Set(['lambda:InvokeFunction']));
  });

  it('gives the refresher the secret’s ARN, never a secret value, in its environment', () => {
    const fn = s.template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { GENESYS_SECRET_ARN: SECRET_ARN } } },
    });
    const [refresher] = Object.values(fn) as Array<{
      Properties: { Environment: { Variables: Record<string, unknown> } };
    }>;
    expect(refresher).toBeDefined();
    const variables = refresher!.Properties.Environment.Variables;
    expect(variables.GENESYSCLOUD_REGION).toBe('eu-west-1');
    expect(variables[FUNCTION_ENV.DIRECTORY_TABLE_NAME]).toEqual({ Ref: id(s.pipeline.directory!.table) });
    expect(Object.keys(variables).some((k) => /CLIENT_SECRET|CLIENTSECRET|PASSWORD/i.test(k))).toBe(false);
    // No secret is created (its value would pass through the template): it is referenced.
    s.template.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  it('grants least privilege: the refresher reads this secret and writes this table; the processor reads the table and invokes the refresher', () => {
    const directory = s.pipeline.directory!;
    const refresherStatements = roleStatements(directory.refresher.role!);
    const secretStatement = refresherStatements.find((st) =>
      [st.Action].flat().includes('secretsmanager:GetSecretValue'),
    )!;
    expect(secretStatement.Resource).toBe(SECRET_ARN);
    expect(actionsOf([secretStatement])).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
    const tableStatement = refresherStatements.find((st) => [st.Action].flat().includes('dynamodb:BatchWriteItem'))!;
    expect(actionsOf([tableStatement])).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
    ]);
    // This table only (no index, no other table).
    expect(tableStatement.Resource).toEqual(arnOf(directory.table));

    const processor = s.pipeline.functions.processor!;
    const processorStatements = roleStatements(processor.role!);
    const onTable = processorStatements.filter((st) => flatten(st.Resource).includes(id(directory.table)));
    expect(actionsOf(onTable)).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem']);
    const invoke = processorStatements.filter((st) => [st.Action].flat().includes('lambda:InvokeFunction'));
    expect(invoke).toEqual([
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: arnOf(directory.refresher) },
    ]);
    // Nobody else touches the secret.
    const secretReaders = policyStatements(s.template).filter((f) =>
      [f.statement.Action ?? []].flat().some((a) => a.startsWith('secretsmanager:')),
    );
    expect(new Set(secretReaders.flatMap((f) => f.roles))).toEqual(new Set([id(directory.refresher.role!)]));
    expect(unjustifiedWildcards(s.template)).toEqual([]);
    // The processor knows where to read names and where to send misses.
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [FUNCTION_ENV.DIRECTORY_TABLE_NAME]: { Ref: id(directory.table) },
          [FUNCTION_ENV.DIRECTORY_REFRESHER_FUNCTION_NAME]: { Ref: id(directory.refresher) },
          [FUNCTION_ENV.CONVERSATIONS_TABLE_NAME]: Match.anyValue(),
        }),
      },
    });
  });

  it('alarms on a failed refresh', () => {
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: id(s.pipeline.directory!.refresher) } }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('is off without a secret, and explains bad settings', () => {
    expect(() =>
      settingsFromContext((k) => ({ orgId: ORG, eventSourceSuffix: 'p', genesysRegion: 'eu-west-1' })[k as string]),
    ).toThrow(/genesysSecret/);
    const settings = settingsFromContext(
      (k) =>
        ({
          orgId: ORG,
          eventSourceSuffix: 'p',
          genesysSecret: 'genesys/oauth-client',
          genesysRegion: 'eu-west-1',
          directoryRefreshMinutes: '20',
        })[k as string],
    );
    expect(settings.pipeline.directory).toEqual({
      oauthClientSecret: 'genesys/oauth-client',
      genesysRegion: 'eu-west-1',
      refreshInterval: Duration.minutes(20),
    });
    expect(() =>
      synthesize({
        orgId: ORG,
        eventSourceSuffix: 'prod',
        directory: { oauthClientSecret: 'x', genesysRegion: 'mars-1', refreshInterval: Duration.minutes(1) },
      }),
    ).toThrow(/refreshInterval is 60 s[\s\S]*genesysRegion/);
  });

  it('bundles the refresher for Lambda (esbuild, ESM, as the construct does)', async () => {
    const outdir = tempDir('gep-refresher-bundle-');
    const result = await build({
      entryPoints: [join(REPO_ROOT, 'src/functions/directory-refresher.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      mainFields: ['module', 'main'],
      outfile: join(outdir, 'index.mjs'),
      banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    const { handler } = (await import(pathToFileURL(join(outdir, 'index.mjs')).href)) as { handler: unknown };
    expect(typeof handler).toBe('function');
  }, 60_000);
});
