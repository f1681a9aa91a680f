/**
 * The buffered pipeline (default mode) as synthesized: partner bus + archive → rule → SQS →
 * Pipe → Express state machine → functions → tables, the alarms, least-privilege IAM, cdk-nag,
 * and the state machine equal to the local runtime's definition. One synth, shared by every test.
 */
import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { acknowledge, awsSolutionsReport, listAcknowledgments } from '../../infra/index.js';
import { functionsForMode } from '../../src/functions/index.js';
import { buildStateMachineDefinition } from '../../src/workflow/index.js';
import {
  deployedDefinition,
  flatten,
  functionLogicalIds,
  logicalIdOf,
  policyStatements,
  synthesize,
  type Synthesized,
  unjustifiedWildcards,
  withFunctionRefs,
} from './support.js';

const ORG = '0c5c1f0e-2b1a-4c3d-9e8f-1a2b3c4d5e6f';
const SOURCE = `aws.partner/genesys.com/cloud/${ORG}/prod`;

let s: Synthesized;
let id: (construct: IConstruct) => string;
const arn = (construct: IConstruct) => ({ 'Fn::GetAtt': [id(construct), 'Arn'] });
/** The statements of the IAM policies attached to a role. */
const roleStatements = (role: IConstruct) =>
  policyStatements(s.template)
    .filter((f) => f.type === 'AWS::IAM::Policy' && f.roles.includes(id(role)))
    .map((f) => f.statement);

beforeAll(() => {
  s = synthesize({
    orgId: ORG,
    eventSourceSuffix: 'prod',
    topics: ['customer.start', 'customer.end', 'acd.end', 'v2.detail.events.conversation.{id}.wrapup'],
    maxConcurrency: 8,
    batchSize: 25,
    batchWindow: Duration.seconds(2),
    maxReceiveCount: 4,
    reservedConcurrency: { processor: 40 },
    archiveRetention: Duration.days(10),
  });
  id = (construct) => logicalIdOf(s.stack, construct);
});

describe('buffered pipeline: event bus, archive, rule', () => {
  it('creates the partner event bus named after the partner event source', () => {
    s.template.hasResourceProperties('AWS::Events::EventBus', { Name: SOURCE, EventSourceName: SOURCE });
  });

  it("archives the org's Genesys events with the configured retention", () => {
    s.template.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: arn(s.pipeline.eventBus),
      RetentionDays: 10,
      EventPattern: { source: [{ prefix: `aws.partner/genesys.com/cloud/${ORG}/` }] },
    });
  });

  it('matches the Genesys source by prefix and the normalized generic topics in detail-type', () => {
    s.template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: id(s.pipeline.eventBus) },
      EventPattern: {
        source: [{ prefix: `aws.partner/genesys.com/cloud/${ORG}/` }],
        'detail-type': [
          'v2.detail.events.conversation.{id}.customer.start',
          'v2.detail.events.conversation.{id}.customer.end',
          'v2.detail.events.conversation.{id}.acd.end',
          'v2.detail.events.conversation.{id}.wrapup',
        ],
      },
    });
  });

  it('targets the queue with its own dead-letter queue and retry policy', () => {
    s.template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        {
          Arn: arn(s.pipeline.queue!),
          DeadLetterConfig: { Arn: arn(s.pipeline.ruleDeadLetterQueue) },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
        },
      ],
    });
  });
});

describe('buffered pipeline: queue and pipe', () => {
  it('encrypts the queue, keeps 4 days, covers an Express execution with its visibility timeout, and redrives to a DLQ', () => {
    s.template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 4 * 86_400,
      VisibilityTimeout: 360,
      RedrivePolicy: { deadLetterTargetArn: arn(s.pipeline.queueDeadLetterQueue!), maxReceiveCount: 4 },
    });
    // Every queue (event queue, its DLQ, the rule DLQ) is encrypted and refuses plain HTTP.
    const queues = s.template.findResources('AWS::SQS::Queue');
    expect(Object.keys(queues)).toHaveLength(3);
    for (const queue of Object.values(queues))
      expect((queue as { Properties: { SqsManagedSseEnabled: boolean } }).Properties.SqsManagedSseEnabled).toBe(true);
    const tlsDenies = policyStatements(s.template).filter(
      (f) =>
        f.type === 'AWS::SQS::QueuePolicy' &&
        f.statement.Effect === 'Deny' &&
        JSON.stringify(f.statement.Condition) === '{"Bool":{"aws:SecureTransport":"false"}}',
    );
    expect(tlsDenies).toHaveLength(3);
  });

  it('lets only this rule send to the queue and to the rule DLQ (aws:SourceArn)', () => {
    const allows = policyStatements(s.template).filter(
      (f) => f.type === 'AWS::SQS::QueuePolicy' && f.statement.Effect === 'Allow',
    );
    expect(allows).toHaveLength(2);
    for (const { statement } of allows) {
      expect(statement.Principal).toEqual({ Service: 'events.amazonaws.com' });
      expect(statement.Condition).toEqual({ ArnEquals: { 'aws:SourceArn': arn(s.pipeline.rule) } });
    }
    expect(allows.map((a) => a.statement.Resource)).toEqual(
      expect.arrayContaining([arn(s.pipeline.queue!), arn(s.pipeline.ruleDeadLetterQueue)]),
    );
  });

  it('pipes the queue to the state machine synchronously, in configured batches, with logging', () => {
    s.template.hasResourceProperties('AWS::Pipes::Pipe', {
      Source: arn(s.pipeline.queue!),
      SourceParameters: { SqsQueueParameters: { BatchSize: 25, MaximumBatchingWindowInSeconds: 2 } },
      Target: { Ref: id(s.pipeline.stateMachine) },
      TargetParameters: { StepFunctionStateMachineParameters: { InvocationType: 'REQUEST_RESPONSE' } },
      RoleArn: arn(s.pipeline.pipeRole!),
      DesiredState: 'RUNNING',
      LogConfiguration: { Level: 'ERROR', CloudwatchLogsLogDestination: { LogGroupArn: Match.anyValue() } },
    });
  });

  it('gives the pipe role exactly: receive/delete on the queue, StartSyncExecution on the machine, write its logs', () => {
    expect(roleStatements(s.pipeline.pipeRole!)).toEqual([
      {
        Effect: 'Allow',
        Action: ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'],
        Resource: arn(s.pipeline.queue!),
      },
      { Effect: 'Allow', Action: 'states:StartSyncExecution', Resource: { Ref: id(s.pipeline.stateMachine) } },
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [expect.stringContaining('PipeLogs'), 'Arn'] },
      },
    ]);
    s.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'pipes.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ],
      },
    });
  });
});

describe('buffered pipeline: state machine', () => {
  it('is an Express machine logging errors to CloudWatch Logs without execution data, no X-Ray by default', () => {
    s.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'EXPRESS',
      LoggingConfiguration: {
        Level: 'ERROR',
        IncludeExecutionData: false,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: Match.anyValue() } }],
      },
      TracingConfiguration: { Enabled: false },
    });
  });

  it("deploys exactly the local runtime's definition, each placeholder bound to the function built from its catalogue entry", () => {
    const expected = buildStateMachineDefinition({ mode: 'buffered', maxConcurrency: 8, taskTimeoutSeconds: 40 });
    const ids = functionLogicalIds(s);
    expect(deployedDefinition(s.template)).toEqual(withFunctionRefs(expected, ids));
    // …and each of those functions is the one described by that catalogue entry.
    const functions = s.template.findResources('AWS::Lambda::Function');
    for (const spec of functionsForMode('buffered')) {
      expect(
        (functions[ids[spec.placeholder]!] as { Properties: { Description: string } }).Properties.Description,
      ).toBe(spec.description);
    }
  });

  it('may invoke exactly the buffered functions, unqualified', () => {
    const invoke = policyStatements(s.template).find((f) => f.statement.Action === 'lambda:InvokeFunction');
    const expected = functionsForMode('buffered').map((spec) => arn(s.pipeline.functions[spec.role]!));
    expect(invoke?.statement.Resource).toEqual(expect.arrayContaining(expected));
    expect([invoke?.statement.Resource].flat()).toHaveLength(expected.length);
  });
});

describe('buffered pipeline: functions', () => {
  it('builds only the functions the buffered definition calls', () => {
    expect(Object.keys(s.pipeline.functions).sort()).toEqual(
      functionsForMode('buffered')
        .map((f) => f.role)
        .sort(),
    );
    s.template.resourceCountIs('AWS::Lambda::Function', functionsForMode('buffered').length);
  });

  it('runs each on the newest Node.js runtime, arm64, with Powertools settings, its own log group, and the configured reserved concurrency', () => {
    for (const spec of functionsForMode('buffered')) {
      const fn = s.pipeline.functions[spec.role]!;
      s.template.hasResource('AWS::Lambda::Function', {
        Properties: {
          Runtime: 'nodejs24.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          MemorySize: 512,
          Timeout: 30,
          ReservedConcurrentExecutions: spec.role === 'processor' ? 40 : Match.absent(),
          LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('LogGroup') } },
          Environment: {
            Variables: Match.objectLike({
              POWERTOOLS_SERVICE_NAME: 'genesys-event-pipeline',
              POWERTOOLS_METRICS_NAMESPACE: 'GenesysEventPipeline',
              POWERTOOLS_LOG_LEVEL: 'INFO',
            }),
          },
        },
        DependsOn: Match.anyValue(),
      });
      expect(id(fn)).toBeDefined();
    }
  });

  it('wires every environment variable of the catalogue to the right resource', () => {
    const env = (role: string) =>
      (
        s.template.findResources('AWS::Lambda::Function')[id(s.pipeline.functions[role]!)] as {
          Properties: { Environment: { Variables: Record<string, unknown> } };
        }
      ).Properties.Environment.Variables;
    expect(env('processor')).toMatchObject({
      IDEMPOTENCY_TABLE_NAME: { Ref: id(s.pipeline.idempotencyTable) },
      IDEMPOTENCY_EXPIRES_AFTER_SECONDS: String(7 * 86_400),
      CONVERSATIONS_TABLE_NAME: { Ref: id(s.pipeline.conversationsTable) },
      DEAD_LETTER_TABLE_NAME: { Ref: id(s.pipeline.deadLetterTable) },
      DEAD_LETTER_EXPIRES_AFTER_SECONDS: String(14 * 86_400),
    });
    expect(env('processor')).not.toHaveProperty('SINK_WEBHOOK_URL');
    // The batch reporter dead-letters a failure itself on the queue's last delivery.
    expect(env('batch-reporter')).toMatchObject({
      SOURCE_MAX_RECEIVE_COUNT: '4',
      DEAD_LETTER_TABLE_NAME: { Ref: id(s.pipeline.deadLetterTable) },
    });
    for (const spec of functionsForMode('buffered')) {
      for (const name of Object.keys(env(spec.role))) {
        if (name !== 'NODE_OPTIONS') expect(spec.environment).toContain(name);
      }
    }
  });

  it('grants each function exactly its catalogue table permissions plus writing its own log group', () => {
    const tables: Record<string, string> = {
      IDEMPOTENCY_TABLE_NAME: id(s.pipeline.idempotencyTable),
      CONVERSATIONS_TABLE_NAME: id(s.pipeline.conversationsTable),
      DEAD_LETTER_TABLE_NAME: id(s.pipeline.deadLetterTable),
    };
    for (const spec of functionsForMode('buffered')) {
      const statements = roleStatements(s.pipeline.functions[spec.role]!.role!);
      const expected = [
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [expect.stringContaining('LogGroup'), 'Arn'] },
        },
        // Optional tables (the directory) are not deployed here: no grant (test/infra/directory.test.ts has them).
        ...spec.tablePermissions
          .filter((p) => !p.optional)
          .map((p) => ({
            Effect: 'Allow',
            Action: p.actions.length === 1 ? p.actions[0] : [...p.actions].sort(),
            Resource: { 'Fn::GetAtt': [tables[p.tableEnv], 'Arn'] },
          })),
      ];
      expect(statements).toEqual(expected);
    }
  });
});

describe('buffered pipeline: data', () => {
  it('keeps idempotency records the way Powertools expects (key id, TTL expiration), on demand', () => {
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  it('keeps conversations and dead letters on demand with point-in-time recovery', () => {
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'conversationId', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('retains the data by default when the stack is deleted', () => {
    for (const table of [s.pipeline.idempotencyTable, s.pipeline.conversationsTable, s.pipeline.deadLetterTable]) {
      expect(s.template.findResources('AWS::DynamoDB::Table')[id(table)]).toMatchObject({
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    }
    for (const queue of [s.pipeline.ruleDeadLetterQueue, s.pipeline.queueDeadLetterQueue!]) {
      expect(s.template.findResources('AWS::SQS::Queue')[id(queue)]).toMatchObject({ DeletionPolicy: 'Retain' });
    }
  });
});

describe('buffered pipeline: alarms and dashboard', () => {
  it('alarms on every dead-letter store, queue age, state machine failures, function errors/throttles and pipe failures', () => {
    const expected = [
      'RuleDeadLetterQueueMessages',
      'QueueDeadLetterQueueMessages',
      'DeadLetterTableWrites',
      'QueueOldestMessageAge',
      'StateMachineExecutionsFailed',
      'StateMachineExecutionsTimedOut',
      'StateMachineExecutionsThrottled',
      'ValidatorFunctionErrors',
      'ValidatorFunctionThrottles',
      'ProcessorFunctionErrors',
      'ProcessorFunctionThrottles',
      'BatchReporterFunctionErrors',
      'BatchReporterFunctionThrottles',
      'PipeExecutionsFailed',
    ];
    expect(Object.keys(s.pipeline.monitoring.alarms).sort()).toEqual([...expected].sort());
    s.template.resourceCountIs('AWS::CloudWatch::Alarm', expected.length);
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: 300,
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id(s.pipeline.queue!), 'QueueName'] } }],
    });
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/EventBridge/Pipes',
      MetricName: 'ExecutionFailed',
      Dimensions: [{ Name: 'PipeName', Value: { Ref: id(s.pipeline.pipe!) } }],
    });
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/States',
      MetricName: 'ExecutionThrottled',
    });
    // No alarm topic given: no actions.
    for (const alarm of Object.values(s.template.findResources('AWS::CloudWatch::Alarm'))) {
      expect((alarm as { Properties: Record<string, unknown> }).Properties.AlarmActions).toBeUndefined();
    }
  });

  it('has a dashboard covering the flow end to end', () => {
    s.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const dashboard = Object.values(s.template.findResources('AWS::CloudWatch::Dashboard'))[0] as {
      Properties: { DashboardBody: unknown };
    };
    const body = flatten(dashboard.Properties.DashboardBody);
    for (const text of [
      '"AWS/Events","Events","EventSourceName","' + SOURCE,
      '"MatchedEvents"',
      '"ApproximateAgeOfOldestMessage"',
      'AWS/EventBridge/Pipes',
      '"AWS/States"',
      '"GenesysEventPipeline","EventsDeadLettered","service","genesys-event-pipeline"',
      '"alarm"',
    ]) {
      expect(body).toContain(text);
    }
  });
});

describe('buffered pipeline: security checks', () => {
  it('allows no "*" action, resource or principal except the AWS-required ones on the allow-list', () => {
    expect(unjustifiedWildcards(s.template)).toEqual([]);
    // The list is not vacuous: the state machine's log delivery statement is found and justified.
    expect(policyStatements(s.template).some((f) => f.statement.Resource === '*')).toBe(true);
  });

  it('passes cdk-nag AwsSolutions with zero unacknowledged findings (plugin at synth and a direct run)', () => {
    expect(s.validationReport.pluginReports.filter((r) => r.violations.length > 0)).toEqual([]);
    expect(awsSolutionsReport(s.stack)).toEqual({ success: true, violations: [] });
  });

  it('acknowledges each remaining finding in code with a reason', () => {
    const acks = listAcknowledgments(s.stack);
    expect(acks.map((a) => a.id).sort()).toEqual(
      [
        'AwsSolutions-DDB3',
        'AwsSolutions-IAM5[Resource::*]',
        'AwsSolutions-SF1',
        'AwsSolutions-SF2',
        'AwsSolutions-SQS3',
      ].sort(),
    );
    for (const ack of acks) expect(ack.reason.length).toBeGreaterThan(40);
    expect(() => acknowledge(s.stack, 'AwsSolutions-X1', 'because')).toThrow(/real reason/);
  });
});
