/**
 * The construct's props and the app's context: defaults, and the synth-time errors a user sees
 * for a wrong org id, suffix, topic or service limit. Pure: no synth, no bundling.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { GENERIC_CONVERSATION_TOPICS } from '../../src/events/index.js';
import { PipelineConfigError, resolvePipelineConfig, settingsFromContext, EXAMPLE_ORG_ID } from '../../infra/index.js';

const ORG = '0c5c1f0e-2b1a-4c3d-9e8f-1a2b3c4d5e6f';
const base = { orgId: ORG, eventSourceSuffix: 'prod' };

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof PipelineConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a PipelineConfigError');
}

describe('resolvePipelineConfig', () => {
  it('applies the documented defaults', () => {
    const config = resolvePipelineConfig(base);
    expect(config.source).toEqual({ name: `aws.partner/genesys.com/cloud/${ORG}/prod`, orgId: ORG, suffix: 'prod' });
    expect(config.topics).toEqual(GENERIC_CONVERSATION_TOPICS);
    expect(config.mode).toBe('buffered');
    expect(config.batchSize).toBe(100);
    expect(config.batchWindowSeconds).toBe(1);
    expect(config.maxReceiveCount).toBe(5);
    expect(config.visibilityTimeout.toSeconds()).toBe(360);
    expect(config.targetRetryAttempts).toBe(185);
    expect(config.targetMaxEventAge.toSeconds()).toBe(86_400);
    expect(config.runtime.name).toBe('nodejs24.x');
    expect(config.removalPolicy).toBe(RemovalPolicy.RETAIN);
    expect(config.logRetention).toBe(RetentionDays.ONE_MONTH);
    expect(config.workflow).toEqual({ mode: 'buffered', taskTimeoutSeconds: 40 });
  });

  it('normalizes short topic names and removes duplicates, keeping order', () => {
    const config = resolvePipelineConfig({
      ...base,
      topics: ['acd.end', ' customer.start', 'v2.detail.events.conversation.{id}.acd.end'],
    });
    expect(config.topics).toEqual([
      'v2.detail.events.conversation.{id}.acd.end',
      'v2.detail.events.conversation.{id}.customer.start',
    ]);
  });

  it('rejects a misspelt topic with the closest names, and a concrete topic with its generic form', () => {
    const problems = problemsOf(() =>
      resolvePipelineConfig({
        ...base,
        topics: [
          'v2.detail.events.conversation.{id}.custmer.start',
          'v2.detail.events.conversation.5f1c2d3e-0000-4000-8000-00000000abcd.acd.end',
        ],
      }),
    );
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('Unknown topic');
    expect(problems[0]).toContain('v2.detail.events.conversation.{id}.customer.start');
    expect(problems[1]).toContain('generic topic "v2.detail.events.conversation.{id}.acd.end"');
  });

  it('derives org id and suffix from the full partner event source name, and catches contradictions', () => {
    const name = `aws.partner/genesys.com/cloud/${ORG}/my.suffix_1`;
    expect(resolvePipelineConfig({ partnerEventSourceName: name }).source).toEqual({
      name,
      orgId: ORG,
      suffix: 'my.suffix_1',
    });
    const problems = problemsOf(() =>
      resolvePipelineConfig({ partnerEventSourceName: name, eventSourceSuffix: 'other' }),
    );
    expect(problems.join('\n')).toContain('differs from the suffix in partnerEventSourceName');
    expect(
      problemsOf(() => resolvePipelineConfig({ partnerEventSourceName: 'aws.partner/example.com/x/y' }))[0],
    ).toContain('is not a Genesys Cloud partner event source');
  });

  it('checks the org id and the suffix the way Genesys does', () => {
    const problems = problemsOf(() => resolvePipelineConfig({ orgId: 'my-org', eventSourceSuffix: 'has space' }));
    expect(problems.some((p) => p.includes('orgId "my-org" is not a Genesys Cloud organization id'))).toBe(true);
    expect(problems.some((p) => p.includes('eventSourceSuffix "has space" is invalid'))).toBe(true);
    expect(problemsOf(() => resolvePipelineConfig({ ...base, eventSourceSuffix: 'x'.repeat(65) }))[0]).toContain(
      'at most 64',
    );
    expect(problemsOf(() => resolvePipelineConfig({}))).toHaveLength(2);
  });

  it('enforces the Pipes SQS source limits and the Express duration', () => {
    const problems = problemsOf(() =>
      resolvePipelineConfig({
        ...base,
        batchSize: 10_001,
        batchWindow: Duration.seconds(301),
        visibilityTimeout: Duration.seconds(120),
        maxConcurrency: 41,
      }),
    );
    expect(problems.find((p) => p.startsWith('batchSize'))).toContain('from 1 to 10000');
    expect(problems.find((p) => p.startsWith('batchWindow'))).toContain('from 0 to 300');
    const windowless = problemsOf(() =>
      resolvePipelineConfig({ ...base, batchSize: 50, batchWindow: Duration.seconds(0) }),
    );
    expect(windowless.find((p) => p.startsWith('batchSize is 50 with a batchWindow of 0 s'))).toBeDefined();
    expect(() => resolvePipelineConfig({ ...base, batchSize: 10, batchWindow: Duration.seconds(0) })).not.toThrow();
    expect(problems.find((p) => p.startsWith('visibilityTimeout is 120 s, shorter'))).toBeDefined();
    expect(problems.find((p) => p.startsWith('maxConcurrency'))).toContain('40');
    expect(problemsOf(() => resolvePipelineConfig({ ...base, batchWindow: Duration.millis(1500) }))[0]).toContain(
      'whole seconds',
    );
    // Direct mode has no queue, so a short visibility timeout is not a problem there.
    expect(resolvePipelineConfig({ ...base, mode: 'direct', visibilityTimeout: Duration.seconds(30) }).mode).toBe(
      'direct',
    );
  });

  it('keeps dead letters at least as long as the queue keeps messages (SQS keeps the enqueue time in the DLQ)', () => {
    const problems = problemsOf(() =>
      resolvePipelineConfig({ ...base, queueRetention: Duration.days(7), deadLetterRetention: Duration.days(5) }),
    );
    expect(problems[0]).toContain('deadLetterRetention (5 days) is shorter than queueRetention (7 days)');
  });

  it('keeps idempotency records past the 4-day Genesys re-send window', () => {
    expect(problemsOf(() => resolvePipelineConfig({ ...base, idempotencyExpiry: Duration.days(4) }))[0]).toContain(
      'must exceed the 4 days',
    );
    expect(resolvePipelineConfig({ ...base, idempotencyExpiry: Duration.days(5) }).idempotencyExpiry.toDays()).toBe(5);
  });

  it('checks the rule retry policy bounds and reserved concurrency', () => {
    const problems = problemsOf(() =>
      resolvePipelineConfig({
        ...base,
        targetRetryAttempts: 186,
        targetMaxEventAge: Duration.seconds(30),
        reservedConcurrency: { processor: 0 },
      }),
    );
    expect(problems).toHaveLength(3);
    expect(problems[2]).toContain('reservedConcurrency.processor');
  });
});

describe('settingsFromContext', () => {
  const from = (context: Record<string, unknown>) => settingsFromContext((key) => context[key]);

  it('uses example values, and says so, when no org id is given', () => {
    const settings = from({});
    expect(settings.pipeline.orgId).toBe(EXAMPLE_ORG_ID);
    expect(settings.pipeline.eventSourceSuffix).toBe('genesys-event-pipeline');
    expect(settings.exampleValues.join(' ')).toContain('example');
    expect(settings.stackName).toBe('GenesysEventPipeline');
    // The example values pass the construct's checks, so an offline synth works.
    expect(resolvePipelineConfig(settings.pipeline).source.orgId).toBe(EXAMPLE_ORG_ID);
  });

  it('reads -c strings into typed props', () => {
    const settings = from({
      orgId: ORG,
      eventSourceSuffix: 'prod',
      topics: 'customer.start, acd.end',
      mode: 'Direct',
      maxConcurrency: '20',
      batchSize: '50',
      batchWindowSeconds: '5',
      reservedConcurrency: '{"processor":25}',
      tracing: 'true',
      pipeLogLevel: 'info',
      removalPolicy: 'destroy',
      logRetentionDays: '14',
      alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops-alarms',
      stackName: 'GenesysProd',
    });
    expect(settings.exampleValues).toEqual([]);
    expect(settings.stackName).toBe('GenesysProd');
    expect(settings.alarmTopicArn).toBe('arn:aws:sns:eu-west-1:123456789012:ops-alarms');
    const p = settings.pipeline;
    expect(p.topics).toEqual(['customer.start', 'acd.end']);
    expect(p.mode).toBe('direct');
    expect(p.maxConcurrency).toBe(20);
    expect(p.batchSize).toBe(50);
    expect(p.batchWindow?.toSeconds()).toBe(5);
    expect(p.reservedConcurrency).toEqual({ processor: 25 });
    expect(p.tracing).toBe(true);
    expect(p.pipeLogLevel).toBe('INFO');
    expect(p.removalPolicy).toBe(RemovalPolicy.DESTROY);
    expect(p.logRetention).toBe(RetentionDays.TWO_WEEKS);
  });

  it("makes up no suffix for a real org id: it must be the integration's", () => {
    const settings = from({ orgId: ORG });
    expect(settings.exampleValues).toEqual([]);
    expect(problemsOf(() => resolvePipelineConfig(settings.pipeline))[0]).toContain('eventSourceSuffix is missing');
  });

  it('accepts cdk.json-typed values (numbers, arrays, objects)', () => {
    const p = from({
      orgId: ORG,
      topics: ['wrapup'],
      batchSize: 100,
      reservedConcurrency: 30,
      archive: false,
    }).pipeline;
    expect(p.topics).toEqual(['wrapup']);
    expect(p.batchSize).toBe(100);
    expect(p.reservedConcurrency).toBe(30);
    expect(p.archive).toBe(false);
  });

  it('reports every unreadable value at once', () => {
    const problems = problemsOf(() =>
      from({
        orgId: ORG,
        batchSize: 'ten',
        mode: 'fast',
        tracing: 'yes',
        logRetentionDays: '10',
        alarmTopicArn: 'ops',
        reservedConcurrency: '{bad',
      }),
    );
    expect(problems).toHaveLength(6);
    expect(problems.join('\n')).toMatch(/batchSize: "ten" is not a whole number/);
    expect(problems.join('\n')).toMatch(/mode: "fast" is not one of buffered, direct/);
    expect(problems.join('\n')).toMatch(/logRetentionDays: 10 is not a CloudWatch Logs retention/);
  });
});
