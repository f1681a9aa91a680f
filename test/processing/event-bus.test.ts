/**
 * The fan-out sink: one detail shape per family; through the real processor and the real AWS SDK
 * v3 `EventBridgeClient` against the project's own EventBridge endpoint (a custom bus, rules
 * matching by family), one published event per processed event and none for a duplicate, in
 * requests within PutEvents' limits; against a real HTTP server answering as PutEvents does,
 * partial failures: throttled entries retried until published, rejected ones dead-lettered for
 * the sink with the reason, a request refused as a whole split so that only the bad entry fails.
 */
import { createServer } from 'node:http';
import { join } from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionTarget, LocalEventBridge, startEventBusServer } from '../../src/eventbridge/index.js';
import type { EventBridgeEvent, EventBusServer } from '../../src/eventbridge/index.js';
import { parseGenesysEvent } from '../../src/events/index.js';
import type { GenesysEvent } from '../../src/events/index.js';
import { EventBusSink, EventBusSinkConfigError, fanOutEntry } from '../../src/processing/index.js';
import type { FanOutFailure, PutEventsClient, Sink } from '../../src/processing/index.js';
import { putEventsEntrySize } from '../../src/contract/put-events.js';
import {
  activityEvent,
  auditEvent,
  conversationEvent,
  CONVERSATION_ID,
  genesysEvent,
  presenceEvent,
  routingStatusEvent,
  transcriptionEvent,
  USER_ID,
} from '../support/events.js';
import { listenOnLoopback, readBody } from '../support/http-server.js';
import { PIPELINE_TABLES, startDynalite } from '../support/dynalite.js';
import { tempDir } from '../support/tmp.js';
import { sqliteProcessor } from './support.js';
import { eventLine } from '../workflow/support.js';

const dir = tempDir('gep-fan-out-');
const BUS = 'contact-centre-events';
const FAST = { initialDelayMs: 1, maxDelayMs: 5 };

const parsed = (envelope: Record<string, unknown>): GenesysEvent => {
  const result = parseGenesysEvent(envelope);
  if (!result.ok) throw new Error(`test event invalid: ${JSON.stringify(result.problems)}`);
  return result.event;
};

function sdkClient(endpoint: string): EventBridgeClient {
  return new EventBridgeClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** A client that records the entries of each request before the real client sends it. */
function recording(client: PutEventsClient): PutEventsClient & { requests: number[][] } {
  const requests: number[][] = [];
  return {
    requests,
    send(command) {
      requests.push((command.input.Entries ?? []).map((e) => putEventsEntrySize(e)));
      return client.send(command);
    },
  };
}

const processorOf = (sinks: Sink[], maxAttempts = 3) => sqliteProcessor(dir, sinks, maxAttempts);

describe('fanOutEntry: one detail shape per family', () => {
  it('carries the key, family, topics, the ids the family is about and the typed body', () => {
    const cases: Array<[Record<string, unknown>, Record<string, unknown>]> = [
      [
        conversationEvent('acd.end', { acdOutcome: 'ABANDON' }),
        { family: 'conversation', conversationId: CONVERSATION_ID },
      ],
      [presenceEvent(), { family: 'user-presence', userId: USER_ID }],
      [routingStatusEvent(), { family: 'user-routing-status', userId: USER_ID }],
      [activityEvent(), { family: 'user-activity', userId: USER_ID }],
      [auditEvent(), { family: 'audit', entityType: expect.any(String), entityId: expect.any(String) }],
      [transcriptionEvent(), { family: 'transcription', conversationId: CONVERSATION_ID }],
      [
        genesysEvent('v2.operations.events.{id}', 'v2.operations.events.abc', { eventDefinition: { id: 'x' } }),
        { family: 'generic', ids: ['abc'], entityId: 'abc' },
      ],
    ];
    for (const [envelope, specific] of cases) {
      const event = parsed(envelope);
      const entry = fanOutEntry(event, { eventBusName: BUS });
      expect(entry).toMatchObject({
        EventBusName: BUS,
        Source: 'genesys-event-pipeline',
        DetailType: event.kind,
        Time: new Date(event.time),
      });
      const detail = JSON.parse(entry.Detail!) as Record<string, unknown>;
      expect(detail).toEqual({
        version: 1,
        key: event.key,
        topic: event.genericTopic,
        topicName: event.topicName,
        orgId: event.orgId,
        time: new Date(event.time).toISOString(),
        sourceEventId: event.envelope.id,
        body: (envelope.detail as { eventBody: unknown }).eventBody,
        ...specific,
      });
    }
  });

  it('refuses options EventBridge would refuse, all at once', () => {
    expect(
      () => new EventBusSink({ eventBusName: '', client: { send: async () => ({}) }, source: 'aws.events' }),
    ).toThrow(EventBusSinkConfigError);
    expect(
      () => new EventBusSink({ eventBusName: '', client: { send: async () => ({}) }, source: 'aws.events' }),
    ).toThrow(/eventBusName must be the name or ARN.*source "aws\.events" is not one EventBridge accepts/);
  });
});

describe('EventBusSink → the local EventBridge endpoint, with the AWS SDK', () => {
  let eb: LocalEventBridge;
  let server: EventBusServer;
  const byRule: Record<string, EventBridgeEvent[]> = { conversations: [], all: [] };

  beforeAll(async () => {
    eb = LocalEventBridge.open({ path: join(dir, 'bus.sqlite'), archive: false });
    eb.createEventBus({ Name: BUS });
    const rule = (name: string, pattern: object) => {
      eb.putRule({ Name: name, EventBusName: BUS, EventPattern: pattern });
      eb.putTargets({
        Rule: name,
        EventBusName: BUS,
        Targets: [
          {
            Id: 't',
            target: functionTarget(
              `arn:aws:lambda:us-east-1:0:function:${name}`,
              (_b, e) => void byRule[name]!.push(e),
            ),
          },
        ],
      });
    };
    // The rules docs/processing.md gives consumers.
    rule('conversations', { source: ['genesys-event-pipeline'], 'detail-type': ['conversation'] });
    rule('all', { source: ['genesys-event-pipeline'] });
    server = await startEventBusServer({ eventBridge: eb });
  });

  afterAll(async () => {
    await server?.close();
    await eb?.close();
  });

  it('publishes one event per processed event, none for a duplicate; a rule matches by family; requests within the limits', async () => {
    const client = recording(sdkClient(server.url));
    const sink = new EventBusSink({ eventBusName: BUS, client, maxRequestBytes: 4096 });
    const { processor } = processorOf([sink]);
    const conversations = Array.from({ length: 30 }, (_, i) => JSON.parse(eventLine(i)) as Record<string, unknown>);
    const others = [presenceEvent(), auditEvent(), transcriptionEvent()];
    const results = await Promise.all(
      [...conversations, ...others].map((event, i) => processor.process({ messageId: `m${i}`, event })),
    );
    expect(results.every((r) => r.status === 'processed')).toBe(true);
    // Genesys re-sends three of them (a new envelope id, the same event): duplicates, not published again.
    const resent = conversations.slice(0, 3).map((e) => ({ ...e, id: `resent-${String(e.id)}` }));
    const again = await Promise.all(resent.map((event, i) => processor.process({ messageId: `r${i}`, event })));
    expect(again.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);

    await eb.drain(5_000);
    expect(byRule.all).toHaveLength(33);
    expect(new Set(byRule.all!.map((e) => (e.detail as { key: string }).key)).size).toBe(33);
    expect(byRule.conversations).toHaveLength(30);
    expect(byRule.conversations!.every((e) => e['detail-type'] === 'conversation')).toBe(true);
    expect(
      byRule
        .all!.map((e) => e['detail-type'])
        .sort()
        .slice(0, 3),
    ).toEqual(['audit', 'conversation', 'conversation']);
    // Events handled at once share requests, each within 10 entries and 4096 bytes as AWS counts them.
    expect(client.requests.length).toBeLessThan(33);
    for (const sizes of client.requests) {
      expect(sizes.length).toBeLessThanOrEqual(10);
      expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(4096);
    }
  });

  it('on AWS: the processor built from its environment publishes to SINK_FAN_OUT_EVENT_BUS (an ARN) with the SDK client', async () => {
    const dynalite = await startDynalite([
      PIPELINE_TABLES.idempotency(),
      PIPELINE_TABLES.conversations(),
      PIPELINE_TABLES.deadLetters(),
    ]);
    // The SDK's own service endpoint variable: the processor's default EventBridgeClient uses it.
    Object.assign(process.env, dynalite.env, { AWS_ENDPOINT_URL_EVENTBRIDGE: server.url });
    const { processorFromEnv } = await import('../../src/functions/processor.js');
    const processor = await processorFromEnv({
      IDEMPOTENCY_TABLE_NAME: 'idempotency',
      CONVERSATIONS_TABLE_NAME: 'conversations',
      DEAD_LETTER_TABLE_NAME: 'dead-letters',
      SINK_FAN_OUT_EVENT_BUS: `arn:aws:events:us-east-1:000000000000:event-bus/${BUS}`,
    });
    const before = byRule.all!.length;
    const event = JSON.parse(eventLine(500)) as Record<string, unknown>;
    expect(await processor.process({ messageId: 'aws1', event })).toMatchObject({ status: 'processed' });
    expect(await processor.process({ messageId: 'aws2', event: { ...event, id: 'resent' } })).toMatchObject({
      status: 'duplicate',
    });
    await eb.drain(5_000);
    expect(byRule.all!.slice(before).map((e) => (e.detail as { key: string }).key)).toEqual([parsed(event).key]);
  });

  it('dead-letters an event whose entry is over the size limit for the sink alone, with its size; nothing is sent', async () => {
    const client = recording(sdkClient(server.url));
    const failures: FanOutFailure[] = [];
    const sink = new EventBusSink({
      eventBusName: BUS,
      client,
      maxRequestBytes: 2048,
      onEntryFailed: (f) => failures.push(f),
    });
    const { processor, deadLetters } = processorOf([sink]);
    const big = conversationEvent('acd.end', { acdOutcome: 'ABANDON', queueId: 'q'.repeat(3000) });
    const result = await processor.process({ messageId: 'big', event: big });
    expect(result).toMatchObject({ status: 'dead-lettered', sinks: [{ sink: 'fan-out' }] });
    const [entry] = await deadLetters.list();
    expect(entry).toMatchObject({ id: `process#${result.key}@fan-out`, sink: 'fan-out' });
    expect(entry!.reason).toMatch(/fan-out entry is \d+ bytes as EventBridge counts it, over the 2048 bytes/);
    expect(client.requests).toHaveLength(0);
    expect(failures).toEqual([{ key: result.key, code: 'EntryTooLarge', permanent: true }]);
  });
});

/**
 * An AWS JSON 1.1 PutEvents endpoint with scripted answers per entry (by the event's key):
 * `throttle` answers ThrottlingException that many times, `reject` an InvalidArgument,
 * `poison` makes the whole request fail with ValidationException (HTTP 400).
 */
async function scriptedPutEvents(script: {
  throttle?: Map<string, number>;
  reject?: Set<string>;
  poison?: Set<string>;
}) {
  const published: string[] = [];
  const requests: number[] = [];
  const server = await listenOnLoopback(
    createServer((req, res) => {
      void readBody(req).then((text) => {
        const { Entries } = JSON.parse(text) as { Entries: Array<{ Detail: string }> };
        requests.push(Entries.length);
        const keys = Entries.map((e) => (JSON.parse(e.Detail) as { key: string }).key);
        res.setHeader('content-type', 'application/x-amz-json-1.1');
        if (keys.some((k) => script.poison?.has(k))) {
          res.statusCode = 400;
          res.end(
            JSON.stringify({
              __type: 'ValidationException',
              message: 'Total size of the entries in the request is over the limit.',
            }),
          );
          return;
        }
        let failed = 0;
        const results = keys.map((key) => {
          const left = script.throttle?.get(key) ?? 0;
          if (left > 0) {
            script.throttle!.set(key, left - 1);
            failed++;
            return { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' };
          }
          if (script.reject?.has(key)) {
            failed++;
            return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Detail is not valid.' };
          }
          published.push(key);
          return { EventId: `id-${published.length}` };
        });
        res.end(JSON.stringify({ FailedEntryCount: failed, Entries: results }));
      });
    }),
  );
  return { ...server, published, requests };
}

describe('EventBusSink: partial failures, with the AWS SDK against a real HTTP server', () => {
  const events = Array.from({ length: 10 }, (_, i) => JSON.parse(eventLine(100 + i)) as Record<string, unknown>);
  const keys = events.map((e) => parsed(e).key);

  it('retries throttled entries until published; a rejected entry is dead-lettered for the sink with the code and message', async () => {
    const api = await scriptedPutEvents({
      throttle: new Map([
        [keys[1]!, 2],
        [keys[2]!, 1],
      ]),
      reject: new Set([keys[5]!]),
    });
    try {
      const failures: FanOutFailure[] = [];
      const projected: string[] = [];
      const projections: Sink = { name: 'projections-stand-in', handle: async (e) => void projected.push(e.key) };
      const sink = new EventBusSink({
        eventBusName: BUS,
        client: sdkClient(api.url),
        ...FAST,
        onEntryFailed: (f) => failures.push(f),
      });
      const { processor, deadLetters } = processorOf([projections, sink]);
      const results = await Promise.all(events.map((event, i) => processor.process({ messageId: `p${i}`, event })));
      expect(results.filter((r) => r.status === 'processed')).toHaveLength(9);
      expect(results[5]).toMatchObject({ status: 'dead-lettered', sinks: [{ sink: 'fan-out' }] });
      expect(new Set(api.published)).toEqual(new Set(keys.filter((_, i) => i !== 5)));
      expect(api.published).toHaveLength(9); // each published once
      expect(api.requests[0]).toBe(10); // one request for the ten, then the retries alone
      const [entry] = await deadLetters.list();
      expect(entry).toMatchObject({ id: `process#${keys[5]}@fan-out`, sink: 'fan-out' });
      expect(entry!.reason).toContain(
        `EventBridge rejected the event's entry on bus ${BUS}: InvalidArgument: Parameter Detail is not valid.`,
      );
      expect(projected).toHaveLength(10); // the other sink is not held up
      expect(failures).toEqual([{ key: keys[5], code: 'InvalidArgument', permanent: true }]);
    } finally {
      await api.close();
    }
  });

  it('an entry still throttled after the retries fails transiently (the pipeline retries the event), then dead-letters at the limit of attempts', async () => {
    const api = await scriptedPutEvents({ throttle: new Map([[keys[0]!, 1000]]) });
    try {
      const sink = new EventBusSink({ eventBusName: BUS, client: sdkClient(api.url), ...FAST, retries: 2 });
      const { processor, deadLetters } = processorOf([sink], 2);
      await expect(processor.process({ messageId: 'a1', event: events[0] })).rejects.toThrow(
        /sink "fan-out": TransientProcessingError: EventBridge answered ThrottlingException \(Rate exceeded\)/,
      );
      expect(await processor.process({ messageId: 'a2', event: events[0] })).toMatchObject({
        status: 'dead-lettered',
        sinks: [{ sink: 'fan-out' }],
      });
      expect((await deadLetters.list())[0]!.reason).toMatch(
        /Sink "fan-out" failed 2 times .* ThrottlingException \(Rate exceeded\) for the event's entry on bus contact-centre-events 3 times/,
      );
      expect(api.requests).toHaveLength(6); // 1 + 2 retries, twice
    } finally {
      await api.close();
    }
  });

  it('a request refused as a whole sends its entries again alone: only the bad entry is dead-lettered', async () => {
    const api = await scriptedPutEvents({ poison: new Set([keys[3]!]) });
    try {
      const sink = new EventBusSink({ eventBusName: BUS, client: sdkClient(api.url), ...FAST });
      const { processor, deadLetters } = processorOf([sink]);
      const results = await Promise.all(events.map((event, i) => processor.process({ messageId: `q${i}`, event })));
      expect(results.map((r) => r.status)).toEqual(results.map((_, i) => (i === 3 ? 'dead-lettered' : 'processed')));
      expect(api.published).toHaveLength(9);
      expect(api.requests).toEqual([10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
      expect((await deadLetters.list())[0]!.reason).toMatch(
        /PutEvents to event bus contact-centre-events failed: ValidationException: Total size of the entries/,
      );
    } finally {
      await api.close();
    }
  });
});
