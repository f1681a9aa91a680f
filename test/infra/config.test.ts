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
    // The bound: 100 processor invocations at once = 4 batches × a Map of 25.
    expect(config.bound).toEqual({ eventSourceConcurrency: 4, maxConcurrency: 25, maxProcessorConcurrency: 100 });
    expect(config.reserveConcurrency).toBe(false);
    expect(config.reservations).toEqual({});
    // The largest batch whose execution fits 5 minutes at worst: Validate 67 s + 1 × Process 100 s + ReportBatch 67 s.
    expect(config.batchSize).toBe(25);
    expect(config.batchWindowSeconds).toBe(1);
    expect(config.executionBudgetSeconds).toBe(234);
    expect(config.starterTimeout.toSeconds()).toBe(249);
    // AWS: at least 6 × the function timeout; the backstop: ⌈24 h / visibility⌉ receives.
    expect(config.visibilityTimeout.toSeconds()).toBe(6 * 249);
    expect(config.maxReceiveCount).toBe(58);
    expect(config.maxReceiveCount * config.visibilityTimeout.toSeconds()).toBeGreaterThanOrEqual(86_400);
    expect(config.maxProcessingAttempts).toBe(9);
    expect(config.oldestMessageAgeAlarmThreshold.toSeconds()).toBe(2 * 6 * 249);
    expect(config.targetRetryAttempts).toBe(185);
    expect(config.targetMaxEventAge.toSeconds()).toBe(86_400);
    expect(config.runtime.name).toBe('nodejs24.x');
    expect(config.removalPolicy).toBe(RemovalPolicy.RETAIN);
    expect(config.logRetention).toBe(RetentionDays.ONE_MONTH);
    expect(config.functionTimeout.toSeconds()).toBe(10);
    expect(config.workflow).toEqual({ mode: 'buffered', taskTimeoutSeconds: 15, maxConcurrency: 25 });
    expect(config.warnings).toEqual([]);
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

  it('enforces the event source mapping limits', () => {
    const problems = problemsOf(() =>
      resolvePipelineConfig({ ...base, batchSize: 10_001, batchWindow: Duration.seconds(301) }),
    );
    expect(problems.find((p) => p.startsWith('batchSize'))).toContain('from 1 to 10000');
    expect(problems.find((p) => p.startsWith('batchWindow'))).toContain('from 0 to 300');
    const windowless = problemsOf(() =>
      resolvePipelineConfig({ ...base, maxConcurrency: 40, batchSize: 12, batchWindow: Duration.seconds(0) }),
    );
    expect(windowless.find((p) => p.startsWith('batchSize is 12 with a batchWindow of 0 s'))).toBeDefined();
    expect(() => resolvePipelineConfig({ ...base, batchSize: 10, batchWindow: Duration.seconds(0) })).not.toThrow();
    expect(problemsOf(() => resolvePipelineConfig({ ...base, batchWindow: Duration.millis(1500) }))[0]).toContain(
      'whole seconds',
    );
    // Direct mode has no queue, so queue timings are not checked there.
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

  it('checks the rule retry policy bounds and (direct mode) reserved concurrency', () => {
    const problems = problemsOf(() =>
      resolvePipelineConfig({
        ...base,
        mode: 'direct',
        targetRetryAttempts: 186,
        targetMaxEventAge: Duration.seconds(30),
        reservedConcurrency: { processor: 0 },
      }),
    );
    expect(problems).toHaveLength(3);
    expect(problems[2]).toContain('reservedConcurrency.processor');
  });
});

describe('resolvePipelineConfig: the bound, the time budget and the clocks (buffered)', () => {
  it('derives E and M from one number, or takes them; reserves exactly the bound when asked', () => {
    expect(resolvePipelineConfig({ ...base, maxProcessorConcurrency: 200 }).bound).toEqual({
      eventSourceConcurrency: 5,
      maxConcurrency: 40,
      maxProcessorConcurrency: 200,
    });
    const config = resolvePipelineConfig({
      ...base,
      eventSourceConcurrency: 10,
      maxConcurrency: 10,
      reserveConcurrency: true,
    });
    expect(config.bound?.maxProcessorConcurrency).toBe(100);
    expect(config.batchSize).toBe(10);
    expect(config.reservations).toEqual({
      processor: 100,
      'batch-starter': 10,
      validator: 10,
      'batch-reporter': 10,
    });
  });

  it('warns when a bound splits badly (a small Map), naming bounds that split better', () => {
    const config = resolvePipelineConfig({ ...base, maxProcessorConcurrency: 97 });
    expect(config.bound).toMatchObject({ eventSourceConcurrency: 97, maxConcurrency: 1 });
    expect(config.warnings[0]).toContain('maxProcessorConcurrency 97 splits only as 97 × 1');
    expect(config.warnings[0]).toContain('96 (3 × 32)');
  });

  it.each([
    [
      { eventSourceConcurrency: 1, maxConcurrency: 10 },
      'eventSourceConcurrency is 1; it must be a whole number from 2 to 1000 (Lambda ScalingConfig.MaximumConcurrency',
    ],
    [
      { eventSourceConcurrency: 1001, maxConcurrency: 1 },
      'eventSourceConcurrency is 1001; it must be a whole number from 2 to 1000',
    ],
    [
      { maxConcurrency: 41 },
      'maxConcurrency is 41; it must be a whole number from 1 to 40 (an inline Map runs at most 40 iterations at once)',
    ],
    [
      { maxProcessorConcurrency: 1009 },
      'maxProcessorConcurrency 1009 cannot be split into eventSourceConcurrency (2–1000) × maxConcurrency (1–40)',
    ],
    [
      { maxProcessorConcurrency: 100, eventSourceConcurrency: 3 },
      'maxProcessorConcurrency 100 is not eventSourceConcurrency 3 × a whole maxConcurrency',
    ],
    [
      { maxProcessorConcurrency: 50, eventSourceConcurrency: 10, maxConcurrency: 10 },
      'maxProcessorConcurrency is 50 but eventSourceConcurrency × maxConcurrency = 10 × 10 = 100',
    ],
    [
      { reservedConcurrency: 50 },
      'reservedConcurrency is for direct mode; in buffered mode set reserveConcurrency: true',
    ],
  ])('refuses a bound that does not fit: %j', (props, message) => {
    const problems = problemsOf(() => resolvePipelineConfig({ ...base, ...props }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  it('refuses a batch that does not fit an Express execution at worst, with the numbers and what would fit', () => {
    const problems = problemsOf(() => resolvePipelineConfig({ ...base, batchSize: 26 }));
    expect(problems).toEqual([
      'a batch of 26 events does not fit the 300 s of an Express execution at worst: Validate + ⌈26 / maxConcurrency 25⌉ = 2 × Process + ReportBatch = 67 + 2 × 100 + 67 = 334 s ' +
        '(each task attempt up to its 15 s timeout, every retry with its full backoff). Lower batchSize to at most 25, raise maxConcurrency, or shorten functionTimeout or the retries.',
    ]);
    // Shorter functions or fewer retries make room for a larger batch.
    expect(resolvePipelineConfig({ ...base, functionTimeout: Duration.seconds(3) }).batchSize).toBe(75);
    expect(problemsOf(() => resolvePipelineConfig({ ...base, functionTimeout: Duration.seconds(60) }))[0]).toContain(
      'Not even one event fits: shorten functionTimeout or the retries.',
    );
  });

  it('refuses a visibility timeout shorter than the starter timeout and the batching window', () => {
    const problems = problemsOf(() =>
      resolvePipelineConfig({ ...base, visibilityTimeout: Duration.seconds(240), batchWindow: Duration.seconds(5) }),
    );
    expect(problems).toEqual([
      "visibilityTimeout is 240 s, shorter than the batching window and the batch starter's timeout (5 + 249 = 254 s): a batch still in flight would be delivered again. " +
        'Use at least 254 s (AWS advises 6 × the function timeout = 1494 s).',
    ]);
    // Allowed from 254 s, with a warning below AWS's 6×.
    const shorter = resolvePipelineConfig({
      ...base,
      visibilityTimeout: Duration.seconds(600),
      maxReceiveCount: 150,
    });
    expect(shorter.warnings[0]).toContain('visibilityTimeout 600 s is below the 6 × 249 s AWS advises');
  });

  it('sizes the DLQ backstop: throttling alone cannot reach it within 24 h, and it catches a looping message before retention ends', () => {
    expect(problemsOf(() => resolvePipelineConfig({ ...base, maxReceiveCount: 5 }))).toEqual([
      "maxReceiveCount 5 × visibilityTimeout 1494 s = 2.1 h: a message handed back for throttling every time would reach the queue's DLQ after only 2.1 h. " +
        'The DLQ is a backstop; make it at least 24 h: maxReceiveCount ≥ 58.',
    ]);
    expect(problemsOf(() => resolvePipelineConfig({ ...base, maxReceiveCount: 300 }))).toEqual([
      'maxReceiveCount 300 × visibilityTimeout 1494 s = 124.5 h, longer than queueRetention (96 h): a message that keeps coming back would expire before the DLQ takes it. ' +
        'Lower maxReceiveCount to at most 231 or keep messages longer.',
    ]);
    expect(problemsOf(() => resolvePipelineConfig({ ...base, maxReceiveCount: 1001 }))[0]).toContain(
      'maxReceiveCount is 1001; it must be a whole number from 1 to 1000',
    );
  });

  it('dead-letters a failing event with its reason before the backstop could take it', () => {
    expect(problemsOf(() => resolvePipelineConfig({ ...base, maxProcessingAttempts: 175 }))).toEqual([
      'maxProcessingAttempts 175 takes 59 deliveries (3 attempts each), not fewer than maxReceiveCount 58: a failing event would reach the queue DLQ without its reason instead of the dead-letter table. ' +
        'Lower maxProcessingAttempts or raise maxReceiveCount.',
    ]);
  });

  it('keeps the oldest-message alarm above the visibility timeout', () => {
    expect(
      problemsOf(() => resolvePipelineConfig({ ...base, oldestMessageAgeAlarmThreshold: Duration.seconds(1494) })),
    ).toEqual([
      'oldestMessageAgeAlarmThreshold is 1494 s, not above visibilityTimeout (1494 s): every message handed back once would trip it. Use more than 1494 s (default 2 × visibilityTimeout).',
    ]);
  });

  it('keeps the bound settings to buffered mode', () => {
    expect(problemsOf(() => resolvePipelineConfig({ ...base, mode: 'direct', reserveConcurrency: true }))[0]).toContain(
      'reserveConcurrency applies to buffered mode only',
    );
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
      maxProcessorConcurrency: '200',
      eventSourceConcurrency: '10',
      reserveConcurrency: 'false',
      maxProcessingAttempts: '6',
      batchSize: '50',
      batchWindowSeconds: '5',
      reservedConcurrency: '{"processor":25}',
      tracing: 'true',
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
    expect(p.maxProcessorConcurrency).toBe(200);
    expect(p.eventSourceConcurrency).toBe(10);
    expect(p.reserveConcurrency).toBe(false);
    expect(p.maxProcessingAttempts).toBe(6);
    expect(p.batchSize).toBe(50);
    expect(p.batchWindow?.toSeconds()).toBe(5);
    expect(p.reservedConcurrency).toEqual({ processor: 25 });
    expect(p.tracing).toBe(true);
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
