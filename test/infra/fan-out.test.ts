/**
 * The fan-out bus on AWS (`fanOut`): the construct creates a custom bus (or takes yours), tells the
 * processor its ARN (`SINK_FAN_OUT_EVENT_BUS`), lets the processor alone `events:PutEvents` on
 * exactly that bus with the pipeline's source alone, and alarms on failed publishes; cdk-nag
 * finds nothing (synthesize fails on a finding).
 */
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { PipelineConfigError } from '../../infra/lib/errors.js';
import { settingsFromContext } from '../../infra/lib/context.js';
import { logicalIdOf, policyStatements, synthesize } from './support.js';
import type { Synthesized } from './support.js';

const ORG = '0c5c1f0e-2b1a-4c3d-9e8f-1a2b3c4d5e6f';
const base = { orgId: ORG, eventSourceSuffix: 'prod' } as const;

function processorOf(s: Synthesized) {
  const id = logicalIdOf(s.stack, s.pipeline.functions.processor!);
  const fn = s.template.toJSON().Resources[id] as {
    Properties: { Environment: { Variables: Record<string, unknown> }; Role: { 'Fn::GetAtt': [string, string] } };
  };
  return { variables: fn.Properties.Environment.Variables, roleId: fn.Properties.Role['Fn::GetAtt'][0] };
}

const putEventsGrants = (s: Synthesized) =>
  policyStatements(s.template).filter((f) =>
    ([] as string[]).concat(f.statement.Action ?? []).includes('events:PutEvents'),
  );

describe('fanOut: the fan-out bus on AWS', () => {
  it('creates a bus, gives the processor its ARN, and PutEvents on exactly that bus with the source genesys-event-pipeline', () => {
    const topic: { t?: Topic } = {};
    const s = synthesize(
      (stack) => {
        topic.t = new Topic(stack, 'Alarms', { enforceSSL: true });
        return { ...base, fanOut: { eventBus: { name: 'contact-centre-events' } }, alarmTopic: topic.t };
      },
      { bundle: false },
    );
    const bus = s.pipeline.fanOut!.eventBus as EventBus;
    const busId = logicalIdOf(s.stack, bus);
    s.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'contact-centre-events' });
    s.template.resourceCountIs('AWS::Events::EventBus', 2); // the partner bus and the fan-out bus
    const processor = processorOf(s);
    expect(processor.variables.SINK_FAN_OUT_EVENT_BUS).toEqual({ 'Fn::GetAtt': [busId, 'Arn'] });

    const grants = putEventsGrants(s);
    expect(grants).toHaveLength(1);
    expect(grants[0]!.roles).toEqual([processor.roleId]);
    expect(grants[0]!.statement).toEqual({
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Resource: { 'Fn::GetAtt': [busId, 'Arn'] },
      Condition: { StringEquals: { 'events:source': 'genesys-event-pipeline' } },
    });

    // The alarm: any failed fan-out entry in a minute, to the alarm topic.
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'FanOutEntriesFailed',
      Namespace: 'GenesysEventPipeline',
      Dimensions: [{ Name: 'service', Value: 'genesys-event-pipeline' }],
      Statistic: 'Sum',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: logicalIdOf(s.stack, topic.t!) }],
    });
    expect(s.validationReport.pluginReports.flatMap((r) => r.violations)).toEqual([]);
  });

  it('`fanOut: {}` creates a bus CloudFormation names; your own bus is used as it is, and none is created', () => {
    const created = synthesize({ ...base, fanOut: {} }, { bundle: false });
    created.template.resourceCountIs('AWS::Events::EventBus', 2);

    const yours = synthesize(
      (stack) => ({ ...base, fanOut: { eventBus: EventBus.fromEventBusName(stack, 'Shared', 'shared-bus') } }),
      { bundle: false },
    );
    yours.template.resourceCountIs('AWS::Events::EventBus', 1); // the partner bus alone
    const [grant] = putEventsGrants(yours);
    expect(JSON.stringify(grant!.statement.Resource)).toContain(':event-bus/shared-bus');
    expect(JSON.stringify(processorOf(yours).variables.SINK_FAN_OUT_EVENT_BUS)).toContain(':event-bus/shared-bus');
  });

  it('without fanOut: no bus, no variable, no PutEvents for any function', () => {
    const s = synthesize(base, { bundle: false });
    s.template.resourceCountIs('AWS::Events::EventBus', 1);
    expect(processorOf(s).variables.SINK_FAN_OUT_EVENT_BUS).toBeUndefined();
    expect(putEventsGrants(s)).toEqual([]);
    expect(s.pipeline.fanOut).toBeUndefined();
  });

  it('refuses a bus name EventBridge would refuse', () => {
    expect(() => synthesize({ ...base, fanOut: { eventBus: { name: 'default' } } }, { bundle: false })).toThrow(
      PipelineConfigError,
    );
    expect(() => synthesize({ ...base, fanOut: { eventBus: { name: 'a b' } } }, { bundle: false })).toThrow(
      /fanOut\.eventBus\.name "a b": a custom bus name is 1–256 letters/,
    );
  });

  it('the app: -c fanOutBus=NAME creates the bus with that name', () => {
    const context: Record<string, string> = { orgId: ORG, eventSourceSuffix: 'p', fanOutBus: 'contact-centre-events' };
    expect(settingsFromContext((k) => context[k as string]).pipeline.fanOut).toEqual({
      eventBus: { name: 'contact-centre-events' },
    });
    expect(
      settingsFromContext((k) => ({ ...context, fanOutBus: undefined })[k as string]).pipeline.fanOut,
    ).toBeUndefined();
  });
});
