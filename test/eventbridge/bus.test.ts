import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBridgeValidationException, InvalidEventPatternException } from '../../src/eventbridge/errors.js';
import {
  EventBusLimitExceededException,
  EventBusResourceAlreadyExistsException,
} from '../../src/eventbridge/errors.js';
import type { EventBridgeEvent } from '../../src/eventbridge/bus-event.js';
import { LocalEventBridge } from '../../src/eventbridge/local-event-bridge.js';
import type { LocalEventBridgeOptions } from '../../src/eventbridge/local-event-bridge.js';
import { putEventsEntrySize } from '../../src/eventbridge/put-events.js';
import { TargetDeliveryError } from '../../src/eventbridge/errors.js';
import { durableQueueTarget, functionTarget } from '../../src/eventbridge/targets.js';
import { QueueStore } from '../../src/queue/index.js';
import { tempDir } from '../support/tmp.js';

const dir = tempDir('gep-bus-');
let counter = 0;
const open: LocalEventBridge[] = [];
const PARTNER = 'aws.partner/genesys.com/cloud/3b1c0a52-6f8e-4c1d-9a3e-2f1b5c7d9e01/pipeline';
const FAST_RETRY = { backoff: { baseDelayMs: 5, maxDelayMs: 20 } };

function openBus(options: Partial<LocalEventBridgeOptions> = {}) {
  const path = options.path ?? join(dir, `bus${++counter}.sqlite`);
  const eb = LocalEventBridge.open({ accountId: '123456789012', delivery: FAST_RETRY, ...options, path });
  open.push(eb);
  return { eb, path, queues: QueueStore.onDatabase(eb.database, { accountId: '123456789012' }) };
}

afterEach(async () => {
  for (const eb of open.splice(0)) await eb.close();
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const entry = (detail: object = { n: 1 }, extra: Record<string, unknown> = {}) => ({
  Source: 'test.source',
  DetailType: 'Test Event',
  Detail: JSON.stringify(detail),
  ...extra,
});

describe('PutEvents semantics', () => {
  it('accepts valid entries and answers AWS per-entry errors for the others', async () => {
    const { eb } = openBus();
    const response = await eb.putEvents({
      Entries: [
        entry(),
        { DetailType: 'x', Detail: '{}' },
        { Source: 's', Detail: '{}' },
        { Source: 's', DetailType: 'x' },
        entry(undefined, { Detail: '"a string"' }),
        entry(undefined, { Detail: '[1, 2]' }),
        entry(undefined, { Detail: '{"unterminated": ' }),
      ],
    });
    expect(response.FailedEntryCount).toBe(6);
    expect(response.Entries[0]!.EventId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(response.Entries.slice(1)).toEqual([
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
      },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
      },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.',
      },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
    ]);
    expect(eb.stats()).toMatchObject({ accepted: 1, failedEntries: 6, archived: 1 });
  });

  it('builds the event envelope: id, time defaulted to now or taken from Time, account, region, resources', async () => {
    const { eb } = openBus();
    const got: EventBridgeEvent[] = [];
    eb.putRule({ Name: 'all', EventPattern: { source: ['test.source'] } });
    eb.putTargets({
      Rule: 'all',
      Targets: [
        {
          Id: 'fn',
          target: functionTarget(
            'arn:aws:lambda:us-east-1:123456789012:function:f',
            (body) => void got.push(JSON.parse(body)),
          ),
        },
      ],
    });
    const before = Math.floor(Date.now() / 1000) * 1000;
    const r = await eb.putEvents({
      Entries: [
        entry({ a: 1 }, { Resources: ['arn:x'] }),
        entry({ b: 2 }, { Time: new Date('2022-01-01T00:00:00.456Z') }),
      ],
    });
    await waitFor(() => got.length === 2);
    got.sort((x, y) => x.time.localeCompare(y.time));
    expect(got[0]).toEqual({
      version: '0',
      id: r.Entries[1]!.EventId,
      'detail-type': 'Test Event',
      source: 'test.source',
      account: '123456789012',
      time: '2022-01-01T00:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: { b: 2 },
    });
    expect(Date.parse(got[1]!.time)).toBeGreaterThanOrEqual(before);
    expect(got[1]!.resources).toEqual(['arn:x']);
    expect(Object.keys(got[1]!)).toEqual([
      'version',
      'id',
      'detail-type',
      'source',
      'account',
      'time',
      'region',
      'resources',
      'detail',
    ]);
  });

  it('rejects more than 10 entries with AWS ValidationException text', async () => {
    const { eb } = openBus();
    const call = eb.putEvents({ Entries: Array.from({ length: 11 }, () => entry()) });
    await expect(call).rejects.toThrow(EventBridgeValidationException);
    await expect(call).rejects.toThrow(
      /^1 validation error detected: Value '\[PutEventsRequestEntry\(time=null, source=test\.source, resources=null, detailType=Test Event, detail=\{"n":1\}, eventBusName=null, traceHeader=null, kmsKeyIdentifier=null, internalMetadata=null\), .*\]' at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10$/,
    );
    await expect(eb.putEvents({ Entries: [] })).rejects.toThrow(/Member must have length greater than or equal to 1/);
    expect(eb.stats().accepted).toBe(0);
  });

  it('computes entry size as AWS does and rejects a request over the limit', async () => {
    const { eb } = openBus();
    const resources = ['arn:aws:s3:::bücket'];
    const base = { Source: 'src', DetailType: 'type', Resources: resources, Time: new Date() };
    // 14 bytes for Time + UTF-8 bytes of Source, DetailType, Resources and Detail; "é" is 2 bytes.
    const room = 256 * 1024 - (14 + 3 + 4 + Buffer.byteLength(resources[0]!) + Buffer.byteLength('{"p":""}'));
    const pad = 'é'.repeat(Math.floor(room / 2)) + 'x'.repeat(room % 2);
    const fits = { ...base, Detail: JSON.stringify({ p: pad }) };
    expect(putEventsEntrySize(fits)).toBe(256 * 1024);
    expect((await eb.putEvents({ Entries: [fits] })).FailedEntryCount).toBe(0);
    const over = { ...base, Detail: JSON.stringify({ p: `${pad}x` }) };
    await expect(eb.putEvents({ Entries: [over] })).rejects.toThrow(
      'Total size of the entries in the request is over the limit.',
    );
  });

  it('accepts an entry for a bus that does not exist, as AWS does, and records it as dropped', async () => {
    const { eb } = openBus();
    const r = await eb.putEvents({ Entries: [entry(undefined, { EventBusName: 'no-such-bus' })] });
    expect(r.FailedEntryCount).toBe(0);
    expect(r.Entries[0]!.EventId).toBeDefined();
    const [dropped] = eb.droppedEvents();
    expect(dropped).toMatchObject({ busName: 'no-such-bus', errorCode: 'NO_RESOURCE' });
    expect(dropped!.errorMessage).toMatch(/Event bus no-such-bus does not exist/);
    expect(JSON.parse(dropped!.event).id).toBe(r.Entries[0]!.EventId);
    expect(eb.stats()).toMatchObject({ dropped: 1, droppedTotal: 1 });
  });

  it('is storage first: when putEvents resolves the event is on disk, archived and in its queue target', async () => {
    const { eb, path, queues } = openBus();
    eb.createEventBus({ Name: PARTNER, EventSourceName: PARTNER });
    eb.putRule({
      Name: 'genesys',
      EventBusName: PARTNER,
      EventPattern: { source: [{ prefix: 'aws.partner/genesys.com/' }] },
    });
    eb.putTargets({
      Rule: 'genesys',
      EventBusName: `arn:aws:events:us-east-1:123456789012:event-bus/${PARTNER}`,
      Targets: [{ Id: 'q', target: durableQueueTarget(queues.queue('genesys-events')) }],
    });
    const r = await eb.putPartnerEvents({
      Entries: Array.from({ length: 20 }, (_, i) => ({
        Source: PARTNER,
        DetailType: 'v2.detail.events.conversation.{id}.customer.start',
        Detail: JSON.stringify({ i }),
      })),
    });
    expect(r.FailedEntryCount).toBe(0);
    // A second, independent connection sees the committed rows.
    const reader = new Database(path, { readonly: true });
    try {
      expect(reader.prepare('SELECT count(*) FROM eventbridge_archive').pluck().get()).toBe(20);
      const queueId = reader
        .prepare("SELECT id FROM durable_queues WHERE name = 'genesys-events'")
        .pluck()
        .get() as number;
      const bodies = reader.prepare(`SELECT body FROM durable_queue_${queueId}`).pluck().all() as string[];
      expect(bodies.map((b) => (JSON.parse(b) as EventBridgeEvent).id).sort()).toEqual(
        r.Entries.map((e) => e.EventId).sort(),
      );
    } finally {
      reader.close();
    }
    expect(eb.stats()).toMatchObject({ deliveredInTransaction: 20, pendingDeliveries: 0 });
  });

  it('drops partner events of a source that has no bus, recording the reason', async () => {
    const { eb } = openBus();
    const r = await eb.putPartnerEvents({ Entries: [{ Source: PARTNER, DetailType: 't', Detail: '{}' }] });
    expect(r.FailedEntryCount).toBe(0);
    expect(eb.droppedEvents()[0]!.errorMessage).toMatch(/No event bus is associated with partner event source/);
  });
});

describe('rules and targets', () => {
  it('matches only ENABLED rules, through the pattern index', async () => {
    const { eb } = openBus();
    const got: string[] = [];
    const target = (name: string) =>
      functionTarget(`arn:aws:lambda:us-east-1:123456789012:function:${name}`, () => void got.push(name));
    eb.putRule({ Name: 'on', EventPattern: '{"detail-type": ["Test Event"]}' });
    eb.putRule({ Name: 'off', EventPattern: { source: ['test.source'] }, State: 'DISABLED' });
    eb.putRule({ Name: 'other', EventPattern: { source: ['other'] } });
    eb.putTargets({ Rule: 'on', Targets: [{ Id: 't', target: target('on') }] });
    eb.putTargets({ Rule: 'off', Targets: [{ Id: 't', target: target('off') }] });
    eb.putTargets({ Rule: 'other', Targets: [{ Id: 't', target: target('other') }] });
    await eb.putEvents({ Entries: [entry()] });
    await eb.drain();
    expect(got).toEqual(['on']);
    eb.putRule({ Name: 'off', EventPattern: { source: ['test.source'] }, State: 'ENABLED' }); // targets kept
    await eb.putEvents({ Entries: [entry()] });
    await eb.drain();
    expect(got.sort()).toEqual(['off', 'on', 'on']);
  });

  it('reports a delivery whose bookkeeping fails, keeps it pending, and delivers it later', async () => {
    const errors: Array<{ error: unknown; id: number }> = [];
    const { eb } = openBus({ delivery: { ...FAST_RETRY, onError: (error, id) => errors.push({ error, id }) } });
    let calls = 0;
    eb.putRule({ Name: 'r', EventPattern: { source: ['test.source'] } });
    eb.putTargets({
      Rule: 'r',
      Targets: [
        {
          Id: 't',
          target: functionTarget('arn:aws:lambda:us-east-1:123456789012:function:f', () => {
            // The first delivery succeeds, then its removal from the log cannot be written.
            if (++calls === 1) eb.database.pragma('query_only = 1');
          }),
        },
      ],
    });
    await eb.putEvents({ Entries: [entry()] });
    await waitFor(() => errors.length > 0);
    eb.database.pragma('query_only = 0');
    expect(errors[0]!.error).toMatchObject({ code: 'SQLITE_READONLY' });
    await waitFor(() => calls >= 2);
    await eb.drain();
    expect(eb.stats().pendingDeliveries ?? 0).toBe(0);
  });

  it('applies each target input setting, and records an event a transformer renders to nothing', async () => {
    const { eb, queues } = openBus();
    const q = queues.queue('transformed');
    eb.putRule({ Name: 'r', EventPattern: { source: ['test.source'] } });
    eb.putTargets({
      Rule: 'r',
      Targets: [
        { Id: 'constant', Input: '{"fixed":true}', target: durableQueueTarget(q) },
        { Id: 'path', InputPath: '$.detail.conversationId', target: durableQueueTarget(q) },
        {
          Id: 'template',
          InputTransformer: {
            InputPathsMap: { c: '$.detail.conversationId' },
            InputTemplate: '{"conversation": <c>, "rule": <aws.events.rule-name>}',
          },
          target: durableQueueTarget(q),
        },
        {
          Id: 'broken',
          InputTransformer: { InputPathsMap: { c: '$.detail.conversationId' }, InputTemplate: '{"c": <c>' },
          target: durableQueueTarget(q),
        },
      ],
    });
    expect(() =>
      eb.putTargets({
        Rule: 'r',
        Targets: [{ Id: 'two', Input: '{}', InputPath: '$', target: durableQueueTarget(q) }],
      }),
    ).toThrow(EventBridgeValidationException);
    await eb.putEvents({ Entries: [entry({ conversationId: 'c-1' })] });
    const bodies = (await q.receive({ max: 10 })).map((m) => m.body).sort();
    expect(bodies).toEqual(['"c-1"', '{"conversation": "c-1", "rule": "r"}', '{"fixed":true}']);
    const [dropped] = eb.droppedEvents();
    expect(dropped).toMatchObject({
      errorCode: 'NOT_DELIVERED',
      ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/r',
      targetArn: q.arn,
    });
    expect(dropped!.errorMessage).toMatch(/not valid JSON/);
  });

  it('allows at most 5 targets per rule and validates patterns, names and retry policies', () => {
    const { eb } = openBus();
    eb.putRule({ Name: 'r', EventPattern: { source: ['x'] } });
    const t = (i: number) => ({ Id: `t${i}`, target: functionTarget(`arn:${i}`, () => undefined) });
    eb.putTargets({ Rule: 'r', Targets: [t(1), t(2), t(3), t(4), t(5)] });
    expect(() => eb.putTargets({ Rule: 'r', Targets: [t(6)] })).toThrow(EventBusLimitExceededException);
    eb.putTargets({ Rule: 'r', Targets: [t(5)] }); // replacing an existing id is fine
    expect(() => eb.putRule({ Name: 'bad', EventPattern: '{"source": "x"}' })).toThrow(InvalidEventPatternException);
    expect(() => eb.putRule({ Name: 'bad name!', EventPattern: { source: ['x'] } })).toThrow(/Rule name/);
    expect(() =>
      eb.putTargets({ Rule: 'r', Targets: [{ ...t(1), RetryPolicy: { MaximumRetryAttempts: 186 } }] }),
    ).toThrow(/from 0 to 185/);
    expect(() =>
      eb.putTargets({ Rule: 'r', Targets: [{ ...t(1), RetryPolicy: { MaximumEventAgeInSeconds: 59 } }] }),
    ).toThrow(/from 60 to 86400/);
    expect(() => eb.deleteRule({ Name: 'r' })).toThrow(/can't be deleted since it has targets/);
    expect(() => eb.createEventBus({ Name: PARTNER })).toThrow(/EventSourceName/);
    eb.createEventBus({ Name: PARTNER, EventSourceName: PARTNER });
    expect(() => eb.createEventBus({ Name: PARTNER, EventSourceName: PARTNER })).toThrow(
      EventBusResourceAlreadyExistsException,
    );
  });
});

describe('retries and dead letters', () => {
  it('retries a failing target per its RetryPolicy, then dead-letters the event with EventBridge attributes', async () => {
    const { eb, queues } = openBus();
    const dlq = queues.queue('target-dlq');
    let attempts = 0;
    eb.putRule({ Name: 'r', EventPattern: { source: ['test.source'] } });
    eb.putTargets({
      Rule: 'r',
      Targets: [
        {
          Id: 'flaky',
          target: functionTarget('arn:aws:lambda:us-east-1:123456789012:function:flaky', () => {
            attempts++;
            throw new Error(`downstream unavailable (attempt ${attempts})`);
          }),
          RetryPolicy: { MaximumRetryAttempts: 2 },
          DeadLetterConfig: { queue: dlq },
        },
      ],
    });
    const r = await eb.putEvents({ Entries: [entry({ order: 7 })] });
    await waitFor(() => dlq.stats().visible === 1);
    expect(attempts).toBe(3); // the first attempt and 2 retries
    const [message] = await dlq.receive();
    expect(JSON.parse(message!.body)).toMatchObject({ id: r.Entries[0]!.EventId, detail: { order: 7 } });
    expect(message!.messageAttributes).toEqual({
      RULE_ARN: 'arn:aws:events:us-east-1:123456789012:rule/r',
      TARGET_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:flaky',
      ERROR_CODE: 'ERROR_FROM_TARGET',
      ERROR_MESSAGE: 'downstream unavailable (attempt 3)',
      EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
      RETRY_ATTEMPTS: '2',
    });
    expect(eb.stats()).toMatchObject({ retried: 2, sentToDeadLetterQueue: 1, pendingDeliveries: 0 });
  });

  it('delivers once a target recovers within its retry policy', async () => {
    const { eb } = openBus();
    let attempts = 0;
    const delivered: string[] = [];
    eb.putRule({ Name: 'r', EventPattern: { source: ['test.source'] } });
    eb.putTargets({
      Rule: 'r',
      Targets: [
        {
          Id: 't',
          InputPath: '$.detail',
          target: functionTarget('arn:t', (body) => {
            if (++attempts <= 3) throw new TargetDeliveryError('THROTTLING', 'slow down');
            delivered.push(body);
          }),
        },
      ],
    });
    await eb.putEvents({ Entries: [entry({ ok: true })] });
    await waitFor(() => delivered.length === 1);
    expect(delivered).toEqual(['{"ok":true}']);
    expect(eb.stats()).toMatchObject({ retried: 3, delivered: 1, sentToDeadLetterQueue: 0 });
  });

  it('dead-letters a non-retryable failure at once, without an exhausted retry condition', async () => {
    const { eb, queues } = openBus();
    const dlq = queues.queue('dlq');
    let attempts = 0;
    eb.putRule({ Name: 'r', EventPattern: { source: ['test.source'] } });
    eb.putTargets({
      Rule: 'r',
      Targets: [
        {
          Id: 't',
          DeadLetterConfig: { queue: dlq },
          target: functionTarget('arn:gone', () => {
            attempts++;
            throw new TargetDeliveryError('NO_RESOURCE', 'state machine deleted', { retryable: false });
          }),
        },
      ],
    });
    await eb.putEvents({ Entries: [entry()] });
    await waitFor(() => dlq.stats().visible === 1);
    const [m] = await dlq.receive();
    expect(attempts).toBe(1);
    expect(m!.messageAttributes).toMatchObject({
      ERROR_CODE: 'NO_RESOURCE',
      ERROR_MESSAGE: 'state machine deleted',
      RETRY_ATTEMPTS: '0',
    });
    expect(m!.messageAttributes.EXHAUSTED_RETRY_CONDITION).toBeUndefined();
  });

  it('records an undeliverable event as dropped, with the reason, when the target has no DLQ', async () => {
    const { eb } = openBus();
    eb.putRule({ Name: 'r', EventPattern: { source: ['test.source'] } });
    eb.putTargets({
      Rule: 'r',
      Targets: [
        {
          Id: 't',
          RetryPolicy: { MaximumRetryAttempts: 0 },
          target: functionTarget('arn:t', () => {
            throw new Error('boom');
          }),
        },
      ],
    });
    const r = await eb.putEvents({ Entries: [entry()] });
    await waitFor(() => eb.stats().droppedTotal === 1);
    expect(eb.droppedEvents()[0]).toMatchObject({
      busName: 'default',
      ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/r',
      targetArn: 'arn:t',
      errorCode: 'ERROR_FROM_TARGET',
      errorMessage: 'boom',
      exhaustedRetryCondition: 'MaximumRetryAttempts',
      retryAttempts: 0,
    });
    expect(JSON.parse(eb.droppedEvents()[0]!.event).id).toBe(r.Entries[0]!.EventId);
  });

  it('stops retrying when the event is older than MaximumEventAgeInSeconds', async () => {
    const clock = { t: Date.now() };
    const { eb, queues } = openBus({
      now: () => clock.t,
      delivery: { backoff: { baseDelayMs: 10_000, maxDelayMs: 10_000 } },
    });
    const dlq = queues.queue('dlq');
    let attempts = 0;
    eb.putRule({ Name: 'r', EventPattern: { source: ['test.source'] } });
    eb.putTargets({
      Rule: 'r',
      Targets: [
        {
          Id: 't',
          RetryPolicy: { MaximumEventAgeInSeconds: 60 },
          DeadLetterConfig: { queue: dlq },
          target: functionTarget('arn:t', () => {
            attempts++;
            throw new Error('down');
          }),
        },
      ],
    });
    await eb.putEvents({ Entries: [entry()] });
    await waitFor(() => attempts === 1 && eb.stats().retried === 1);
    clock.t += 61_000; // the retry comes due after the event's maximum age
    await waitFor(() => dlq.stats().visible === 1);
    const [m] = await dlq.receive();
    expect(m!.messageAttributes).toMatchObject({
      EXHAUSTED_RETRY_CONDITION: 'MaximumEventAgeInSeconds',
      RETRY_ATTEMPTS: '0',
      ERROR_CODE: 'ERROR_FROM_TARGET',
    });
    expect(attempts).toBe(1);
  });

  it('keeps pending retries across a restart (close and reopen the same SQLite file)', async () => {
    const path = join(dir, `restart${++counter}.sqlite`);
    const first = openBus({ path, delivery: { backoff: { baseDelayMs: 60_000, maxDelayMs: 60_000 } } });
    let failures = 0;
    first.eb.putRule({ Name: 'r', EventPattern: { source: ['test.source'] } });
    first.eb.putTargets({
      Rule: 'r',
      Targets: [
        {
          Id: 't',
          target: functionTarget('arn:t', () => {
            failures++;
            throw new Error('not yet');
          }),
        },
      ],
    });
    const r = await first.eb.putEvents({ Entries: [entry({ keep: 'me' })] });
    await waitFor(() => first.eb.stats().retried === 1);
    expect(first.eb.stats().pendingDeliveries).toBe(1);
    await first.eb.close();

    // The next process: the retry is due in a minute; move the clock past it.
    const second = openBus({ path, now: () => Date.now() + 120_000 });
    const delivered: EventBridgeEvent[] = [];
    second.eb.putRule({ Name: 'r', EventPattern: { source: ['test.source'] } });
    second.eb.putTargets({
      Rule: 'r',
      Targets: [{ Id: 't', target: functionTarget('arn:t', (_body, event) => void delivered.push(event)) }],
    });
    await waitFor(() => delivered.length === 1);
    expect(failures).toBe(1);
    expect(delivered[0]).toMatchObject({ id: r.Entries[0]!.EventId, detail: { keep: 'me' } });
    await waitFor(() => second.eb.stats().pendingDeliveries === 0);
  });

  it('keeps a pending delivery whose rule is not configured yet, and delivers it once it is', async () => {
    const path = join(dir, `orphan${++counter}.sqlite`);
    const first = openBus({ path, delivery: { backoff: { baseDelayMs: 60_000, maxDelayMs: 60_000 } } });
    first.eb.putRule({ Name: 'r', EventPattern: { source: ['test.source'] } });
    first.eb.putTargets({
      Rule: 'r',
      Targets: [
        {
          Id: 't',
          target: functionTarget('arn:t', () => {
            throw new Error('later');
          }),
        },
      ],
    });
    await first.eb.putEvents({ Entries: [entry()] });
    await waitFor(() => first.eb.stats().retried === 1);
    await first.eb.close();

    const second = openBus({ path, now: () => Date.now() + 120_000, delivery: { unconfiguredRecheckMs: 20 } });
    await new Promise((resolve) => setTimeout(resolve, 100)); // the worker looks, finds no rule "r", and waits
    expect(second.eb.stats()).toMatchObject({ pendingDeliveries: 1, droppedTotal: 0 });
    let delivered = 0;
    second.eb.putRule({ Name: 'r', EventPattern: { source: ['test.source'] } });
    second.eb.putTargets({
      Rule: 'r',
      Targets: [{ Id: 't', target: functionTarget('arn:t', () => void delivered++) }],
    });
    await waitFor(() => delivered === 1);
    await waitFor(() => second.eb.stats().pendingDeliveries === 0);
  });

  it('delivers through the worker to a queue in another database', async () => {
    const { eb } = openBus();
    const other = QueueStore.open(join(dir, `other${++counter}.sqlite`));
    try {
      const queue = other.queue('elsewhere');
      eb.putRule({ Name: 'r', EventPattern: { source: ['test.source'] } });
      eb.putTargets({ Rule: 'r', Targets: [{ Id: 'q', target: durableQueueTarget(queue) }] });
      await eb.putEvents({ Entries: [entry(), entry()] });
      await waitFor(() => queue.stats().visible === 2);
      expect(eb.stats()).toMatchObject({ deliveredInTransaction: 0 });
      await waitFor(() => eb.stats().pendingDeliveries === 0);
    } finally {
      other.close();
    }
  });
});

describe('archive and replay', () => {
  it('re-delivers exactly the archived events of the window, marked with replay-name, without archiving them again', async () => {
    const { eb, queues } = openBus({ archive: { retentionDays: 0 } });
    const replayed = queues.queue('replayed');
    const live: EventBridgeEvent[] = [];
    eb.putRule({ Name: 'to-queue', EventPattern: { source: ['test.source'] } });
    eb.putTargets({ Rule: 'to-queue', Targets: [{ Id: 'q', target: durableQueueTarget(replayed) }] });
    eb.putRule({ Name: 'live-only', EventPattern: { source: ['test.source'], 'replay-name': [{ exists: false }] } });
    eb.putTargets({
      Rule: 'live-only',
      Targets: [{ Id: 'f', target: functionTarget('arn:live', (_b, e) => void live.push(e)) }],
    });

    const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute));
    const put = await eb.putEvents({ Entries: [0, 1, 2, 3, 4].map((m) => entry({ m }, { Time: at(m) })) });
    await eb.putEvents({ Entries: [entry({ other: true }, { Source: 'another.source', Time: at(2) })] });
    await eb.drain();
    expect(live).toHaveLength(5);
    replayed.purge();
    expect(eb.archivedEventCount()).toBe(6);

    const result = await eb.replay({
      ReplayName: 'fix-1',
      EventStartTime: at(1),
      EventEndTime: at(3),
      Rules: ['to-queue'],
    });
    expect(result).toMatchObject({ ReplayName: 'fix-1', State: 'COMPLETED', EventsReplayed: 3, Deliveries: 2 });
    const got = (await replayed.receive({ max: 10 })).map((m) => JSON.parse(m.body) as EventBridgeEvent);
    expect(got.map((e) => e.detail).sort((a, b) => (a.m as number) - (b.m as number))).toEqual([{ m: 1 }, { m: 2 }]);
    for (const e of got) {
      expect(e['replay-name']).toBe('fix-1');
      expect(put.Entries.map((x) => x.EventId)).toContain(e.id);
    }
    expect(Object.keys(got[0]!)).toEqual([
      'version',
      'id',
      'detail-type',
      'source',
      'account',
      'time',
      'region',
      'replay-name',
      'resources',
      'detail',
    ]);
    await eb.drain();
    expect(live).toHaveLength(5); // the live-only rule ignores replays (and was not selected anyway)
    expect(eb.archivedEventCount()).toBe(6); // replays are not archived again

    // Without a rule filter every matching rule gets the replay, but a replay-name pattern still excludes it.
    await eb.replay({ ReplayName: 'fix-2', EventStartTime: at(0), EventEndTime: at(5) });
    await eb.drain();
    expect(replayed.stats().total).toBe(5 + 2); // 2 from fix-1 (in flight) and 5 from fix-2
    expect(live).toHaveLength(5);
    await expect(eb.replay({ ReplayName: 'fix-2', EventStartTime: at(0), EventEndTime: at(5) })).rejects.toThrow(
      /Replay fix-2 already exists/,
    );
    await expect(eb.replay({ ReplayName: 'bad', EventStartTime: at(3), EventEndTime: at(1) })).rejects.toThrow(
      /EventStartTime must be before EventEndTime/,
    );
    // Any other failure to record the replay is that failure, not "already exists".
    eb.database.pragma('query_only = 1');
    const failure = await eb.replay({ ReplayName: 'fix-3', EventStartTime: at(0), EventEndTime: at(5) }).then(
      () => new Error('the replay was recorded on a read-only database'),
      (e: unknown) => e as Error,
    );
    eb.database.pragma('query_only = 0');
    expect(failure).toMatchObject({ code: 'SQLITE_READONLY' });
    expect(failure.message).not.toMatch(/already exists/);
  });

  it('purges archived events older than the retention period', async () => {
    const clock = { t: Date.now() };
    const { eb } = openBus({ archive: { retentionDays: 1 }, now: () => clock.t });
    await eb.putEvents({ Entries: [entry()] });
    clock.t += 12 * 3600_000;
    await eb.putEvents({ Entries: [entry()] });
    clock.t += 13 * 3600_000;
    expect(eb.purgeArchive()).toBe(1);
    expect(eb.archivedEventCount()).toBe(1);
  });
});
