/**
 * The direct pipeline (low volume, the tutorial's shape fixed): rule → Standard state machine per
 * event with a role, DLQ and retry policy; no queue, no pipe. This configuration also turns on
 * X-Ray, an alarm topic, a shared reserved concurrency and DESTROY for data, so their effects are
 * checked here. One synth, shared by every test; construct-time errors need no synth.
 */
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  awsSolutionsReport,
  GenesysEventPipeline,
  listAcknowledgments,
  PipelineConfigError,
} from '../../infra/index.js';
import { functionsForMode } from '../../src/functions/index.js';
import { buildStateMachineDefinition } from '../../src/workflow/index.js';
import {
  deployedDefinition,
  functionLogicalIds,
  logicalIdOf,
  policyStatements,
  synthesize,
  type Synthesized,
  unjustifiedWildcards,
  withFunctionRefs,
} from './support.js';

const SOURCE = 'aws.partner/genesys.com/cloud/0c5c1f0e-2b1a-4c3d-9e8f-1a2b3c4d5e6f/low-volume';
const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:ops-alarms';

let s: Synthesized;
const id = (construct: IConstruct) => logicalIdOf(s.stack, construct);
const arn = (construct: IConstruct) => ({ 'Fn::GetAtt': [id(construct), 'Arn'] });

beforeAll(() => {
  s = synthesize({
    partnerEventSourceName: SOURCE,
    topics: ['acd.end'],
    mode: 'direct',
    tracing: true,
    reservedConcurrency: 5,
    targetRetryAttempts: 10,
    targetMaxEventAge: Duration.hours(2),
    removalPolicy: RemovalPolicy.DESTROY,
    archive: false,
    alarmTopic: sns.Topic.fromTopicArn(new Stack(new App(), 'Imports'), 'Topic', TOPIC_ARN),
  });
});

describe('direct pipeline: shape', () => {
  it('has no event queue and no pipe: the rule targets the state machine', () => {
    s.template.resourceCountIs('AWS::Pipes::Pipe', 0);
    s.template.resourceCountIs('AWS::SQS::Queue', 1); // the rule target's DLQ
    expect(s.pipeline.queue).toBeUndefined();
    expect(s.pipeline.batchStarter).toBeUndefined();
    s.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
    s.template.resourceCountIs('AWS::Events::Archive', 0);
    s.template.hasResourceProperties('AWS::Events::EventBus', { Name: SOURCE, EventSourceName: SOURCE });
  });

  it('gives the target a role, a DLQ and the configured retry policy', () => {
    const rule = Object.values(s.template.findResources('AWS::Events::Rule'))[0] as {
      Properties: { Targets: Array<Record<string, unknown>> };
    };
    expect(rule.Properties.Targets).toEqual([
      {
        Id: 'Target0',
        Arn: { Ref: id(s.pipeline.stateMachine) },
        RoleArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] },
        DeadLetterConfig: { Arn: arn(s.pipeline.ruleDeadLetterQueue) },
        RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 7200 },
      },
    ]);
    // The target role may start executions of this state machine and nothing else.
    const roleId = (rule.Properties.Targets[0]!.RoleArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const statements = policyStatements(s.template).filter((f) => f.roles.includes(roleId));
    expect(statements.map((f) => f.statement)).toEqual([
      { Effect: 'Allow', Action: 'states:StartExecution', Resource: { Ref: id(s.pipeline.stateMachine) } },
    ]);
    s.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'events.amazonaws.com' } })] },
    });
  });

  it("runs a Standard state machine, traced, with the local runtime's direct definition", () => {
    s.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ERROR', IncludeExecutionData: false },
    });
    const expected = buildStateMachineDefinition({ mode: 'direct', taskTimeoutSeconds: 15 });
    expect(deployedDefinition(s.template)).toEqual(withFunctionRefs(expected, functionLogicalIds(s)));
  });

  it('builds the direct functions, traced, each with the shared reserved concurrency, no queue settings', () => {
    expect(Object.keys(s.pipeline.functions).sort()).toEqual(
      functionsForMode('direct')
        .map((f) => f.role)
        .sort(),
    );
    for (const fn of Object.values(s.pipeline.functions)) {
      const props = (
        s.template.findResources('AWS::Lambda::Function')[id(fn)] as { Properties: Record<string, unknown> }
      ).Properties;
      expect(props).toMatchObject({ TracingConfig: { Mode: 'Active' }, ReservedConcurrentExecutions: 5 });
      expect((props.Environment as { Variables: Record<string, unknown> }).Variables).not.toHaveProperty(
        'SOURCE_MAX_RECEIVE_COUNT',
      );
    }
  });

  it('deletes the data with the stack when asked to', () => {
    for (const table of [s.pipeline.idempotencyTable, s.pipeline.conversationsTable, s.pipeline.deadLetterTable]) {
      expect(s.template.findResources('AWS::DynamoDB::Table')[id(table)]).toMatchObject({ DeletionPolicy: 'Delete' });
    }
  });
});

describe('direct pipeline: alarms', () => {
  it('has no queue or pipe alarms, and notifies the topic on alarm and on OK', () => {
    const names = Object.keys(s.pipeline.monitoring.alarms);
    expect(names).not.toContain('QueueOldestMessageAge');
    expect(names).not.toContain('PipeExecutionsFailed');
    expect(names).toEqual(
      expect.arrayContaining([
        'RuleDeadLetterQueueMessages',
        'DeadLetterTableWrites',
        'StateMachineExecutionsFailed',
        'FailureRecorderFunctionErrors',
      ]),
    );
    for (const alarm of Object.values(s.template.findResources('AWS::CloudWatch::Alarm'))) {
      expect((alarm as { Properties: Record<string, unknown> }).Properties).toMatchObject({
        AlarmActions: [TOPIC_ARN],
        OKActions: [TOPIC_ARN],
      });
    }
  });
});

describe('direct pipeline: security checks', () => {
  it('allows "*" only where AWS requires it (log delivery, X-Ray)', () => {
    expect(unjustifiedWildcards(s.template)).toEqual([]);
    const xray = policyStatements(s.template).filter((f) =>
      [f.statement.Action].flat().includes('xray:PutTraceSegments'),
    );
    expect(xray.length).toBe(functionsForMode('direct').length + 1); // every function and the state machine
    for (const { statement } of xray) expect(statement.Resource).toBe('*');
  });

  it('passes cdk-nag AwsSolutions with zero unacknowledged findings', () => {
    expect(s.validationReport.pluginReports.filter((r) => r.violations.length > 0)).toEqual([]);
    expect(awsSolutionsReport(s.stack)).toEqual({ success: true, violations: [] });
    const ids = listAcknowledgments(s.stack).map((a) => `${a.path.split('/').slice(2, 3).join('')}:${a.id}`);
    expect(ids).not.toContain('StateMachine:AwsSolutions-SF2'); // tracing is on: nothing to acknowledge
    expect(ids.filter((a) => a.endsWith('Function:AwsSolutions-IAM5[Resource::*]'))).toHaveLength(
      functionsForMode('direct').length,
    );
  });
});

describe('construct-time errors', () => {
  const build = (props: ConstructorParameters<typeof GenesysEventPipeline>[2]) => () =>
    new GenesysEventPipeline(new Stack(new App(), 'ErrorStack'), 'Pipeline', props);

  it('fails synth on a misspelt topic, naming the closest topics', () => {
    expect(
      build({ orgId: '0c5c1f0e-2b1a-4c3d-9e8f-1a2b3c4d5e6f', eventSourceSuffix: 'x', topics: ['acd.ends'] }),
    ).toThrow(/Unknown topic "acd\.ends"\. Did you mean "v2\.detail\.events\.conversation\.\{id\}\.acd\.end"/);
  });

  it('fails synth when reservedConcurrency names a function that does not exist', () => {
    expect(
      build({
        orgId: '0c5c1f0e-2b1a-4c3d-9e8f-1a2b3c4d5e6f',
        eventSourceSuffix: 'x',
        mode: 'direct',
        reservedConcurrency: { procesor: 10 },
      }),
    ).toThrow(PipelineConfigError);
    expect(
      build({
        orgId: '0c5c1f0e-2b1a-4c3d-9e8f-1a2b3c4d5e6f',
        eventSourceSuffix: 'x',
        mode: 'direct',
        reservedConcurrency: { procesor: 10 },
      }),
    ).toThrow(
      /reservedConcurrency names function "procesor", which does not exist; the functions are validator, processor, failure-recorder/,
    );
  });
});
