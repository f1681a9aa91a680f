/**
 * Your own sink on AWS: `sinks: [{ entry, options, grants }]` bundles the example sink (a module
 * outside src/) into the processor — the bundle contains it and runs it — its options reach the
 * processor with CloudFormation values resolved, and its role holds exactly the grant it declares.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { logicalIdOf, policyStatements, synthesize, type Synthesized } from './support.js';
import { PIPELINE_TABLES, startDynalite } from '../support/dynalite.js';
import { conversationEvent, QUEUE_ID } from '../support/events.js';
import { projectRoot } from '../support/paths.js';
import { PipelineConfigError } from '../../infra/lib/errors.js';

const ORG = '0c5c1f0e-2b1a-4c3d-9e8f-1a2b3c4d5e6f';
const ENTRY = join(projectRoot, 'examples', 'sinks', 'abandoned-calls.ts');
let s: Synthesized;
let table: Table;
let processorId: string;

beforeAll(() => {
  s = synthesize((stack) => {
    table = new Table(stack, 'AbandonedCalls', {
      partitionKey: { name: 'eventKey', type: AttributeType.STRING },
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    });
    return {
      orgId: ORG,
      eventSourceSuffix: 'prod',
      sinks: [
        {
          entry: ENTRY,
          options: { tableName: table.tableName },
          grants: (role) => table.grant(role, 'dynamodb:PutItem'),
        },
      ],
    };
  });
  processorId = logicalIdOf(s.stack, s.pipeline.functions.processor!);
});

const processor = () =>
  s.template.toJSON().Resources[processorId] as {
    Properties: { Code: { S3Key: string }; Environment: { Variables: Record<string, unknown> }; Role: unknown };
  };

describe('sinks: your own sink module in the processor', () => {
  it("gives the sink's options to the processor with CloudFormation values resolved", () => {
    expect(processor().Properties.Environment.Variables.SINK_OPTIONS).toEqual({
      'Fn::Join': ['', ['[{"tableName":"', { Ref: logicalIdOf(s.stack, table) }, '"}]']],
    });
  });

  it("grants the processor's role what the sink declares, and nothing of it to the other functions", () => {
    const grant = policyStatements(s.template).filter(
      (f) =>
        f.statement.Action === 'dynamodb:PutItem' &&
        JSON.stringify(f.statement.Resource).includes(logicalIdOf(s.stack, table)),
    );
    const roleId = (processor().Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    expect(grant.map((g) => g.roles)).toEqual([[roleId]]);
  });

  it('bundles the sink into the processor, and the bundle runs it', async () => {
    const key = processor().Properties.Code.S3Key.replace(/\.zip$/, '');
    const bundle = join(s.assemblyDir, `asset.${key}`, 'index.mjs');
    const code = readFileSync(bundle, 'utf8');
    expect(code).toContain('abandoned-calls');
    expect(code).toContain('(partition key eventKey, S), then redrive.');

    // The bundle as Lambda would run it, against DynamoDB (dynalite).
    const dynalite = await startDynalite([
      PIPELINE_TABLES.idempotency('idem'),
      PIPELINE_TABLES.conversations('conv'),
      PIPELINE_TABLES.deadLetters('dead-letters'),
      { name: 'calls', hashKey: 'eventKey' },
    ]);
    Object.assign(process.env, dynalite.env, {
      IDEMPOTENCY_TABLE_NAME: 'idem',
      CONVERSATIONS_TABLE_NAME: 'conv',
      DEAD_LETTER_TABLE_NAME: 'dead-letters',
      SINK_OPTIONS: JSON.stringify([{ tableName: 'calls' }]),
      POWERTOOLS_METRICS_NAMESPACE: 'Test',
    });
    const { handler } = (await import(pathToFileURL(bundle).href)) as {
      handler: (request: unknown) => Promise<{ status: string }>;
    };
    const event = conversationEvent('acd.end', { queueId: QUEUE_ID, acdOutcome: 'ABANDON' });
    expect(await handler({ messageId: 'm1', event })).toMatchObject({ status: 'processed' });
    const items = (await dynalite.client.send(new ScanCommand({ TableName: 'calls' }))).Items ?? [];
    expect(items).toHaveLength(1);
    expect(items[0]?.queueId).toEqual({ S: QUEUE_ID });
  });

  it("the webhook's signing secret: its ARN in the processor's environment, read access for the processor alone", () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:webhook-AbCdEf';
    const w = synthesize(
      {
        orgId: ORG,
        eventSourceSuffix: 'prod',
        sinkWebhookUrl: 'https://crm.example.com/hooks',
        sinkWebhookSecret: arn,
      },
      { bundle: false },
    );
    const id = logicalIdOf(w.stack, w.pipeline.functions.processor!);
    const fn = w.template.toJSON().Resources[id] as {
      Properties: { Environment: { Variables: Record<string, unknown> }; Role: { 'Fn::GetAtt': [string, string] } };
    };
    expect(fn.Properties.Environment.Variables).toMatchObject({
      SINK_WEBHOOK_URL: 'https://crm.example.com/hooks',
      SINK_WEBHOOK_SECRET_ARN: arn,
    });
    const reads = policyStatements(w.template).filter((f) =>
      ([] as string[]).concat(f.statement.Action ?? []).includes('secretsmanager:GetSecretValue'),
    );
    expect(reads.map((r) => [r.roles, r.statement.Resource])).toEqual([[[fn.Properties.Role['Fn::GetAtt'][0]], arn]]);
    expect(() =>
      synthesize({ orgId: ORG, eventSourceSuffix: 'prod', sinkWebhookSecret: arn }, { bundle: false }),
    ).toThrow(/sinkWebhookSecret signs the webhook sink's requests: give sinkWebhookUrl too/);
  });

  it('refuses a sink whose module does not exist, naming it', () => {
    expect(() =>
      synthesize(
        { orgId: ORG, eventSourceSuffix: 'prod', sinks: [{ entry: 'examples/sinks/missing.ts' }] },
        { bundle: false },
      ),
    ).toThrow(PipelineConfigError);
    expect(() =>
      synthesize(
        { orgId: ORG, eventSourceSuffix: 'prod', sinks: [{ entry: 'examples/sinks/missing.ts' }] },
        { bundle: false },
      ),
    ).toThrow(/sinks\[0\]\.entry examples\/sinks\/missing\.ts does not exist/);
  });
});
