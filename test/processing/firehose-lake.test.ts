/**
 * The lake sink on AWS, against a real HTTP server speaking Firehose's AWS JSON 1.1 protocol
 * (`X-Amz-Target: Firehose_20150804.PutRecordBatch`), with the real SDK client: records as NDJSON
 * lines, calls within 500 records, a partial failure (`FailedPutCount`) resent for the refused
 * records only, a refusal that persists dead-lettered for the lake sink alone with its reason, and
 * a stream that does not exist dead-lettered at once.
 */
import { createServer } from 'node:http';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FirehoseLakeSink, LakeSinkError } from '../../src/processing/index.js';
import type { LakeRecord, Sink } from '../../src/processing/index.js';
import { parseGenesysEvent } from '../../src/events/index.js';
import type { GenesysEvent } from '../../src/events/index.js';
import { conversationEvent } from '../support/events.js';
import { listenOnLoopback, readBody } from '../support/http-server.js';
import type { LoopbackServer } from '../support/http-server.js';
import { tempDir } from '../support/tmp.js';
import { sqliteProcessor } from './support.js';

const dir = tempDir('gep-firehose-lake-');
const STREAM = 'genesys-lake';

/** What the fake Firehose does with each call: how many of its records to refuse, or an error for the whole call. */
type Answer = { refuse: number } | { error: string; status: number };

interface FakeFirehose {
  server: LoopbackServer;
  /** Each call's stream and records (decoded). */
  calls: Array<{ stream: string; records: string[] }>;
  /** Records Firehose accepted, in order. */
  accepted: string[];
  /** Answers for the next calls, in order; then every record is accepted. */
  answers: Answer[];
}

let fake: FakeFirehose;

beforeAll(async () => {
  const state = { calls: [], accepted: [], answers: [] } as unknown as FakeFirehose;
  const server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const reply = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(json));
      };
      if (req.headers['x-amz-target'] !== 'Firehose_20150804.PutRecordBatch')
        return reply(400, { __type: 'UnknownOperationException', message: 'only PutRecordBatch' });
      const body = JSON.parse(text) as { DeliveryStreamName: string; Records: Array<{ Data: string }> };
      const records = body.Records.map((r) => Buffer.from(r.Data, 'base64').toString('utf8'));
      state.calls.push({ stream: body.DeliveryStreamName, records });
      const answer = state.answers.shift() ?? { refuse: 0 };
      if ('error' in answer) return reply(answer.status, { __type: answer.error, message: `${answer.error} (test)` });
      // Refuse the first `refuse` records, as Firehose answers a partial failure.
      const responses = records.map((record, i) => {
        if (i < answer.refuse) return { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.' };
        state.accepted.push(record);
        return { RecordId: `r-${state.accepted.length}` };
      });
      reply(200, {
        FailedPutCount: Math.min(answer.refuse, records.length),
        Encrypted: true,
        RequestResponses: responses,
      });
    });
  });
  state.server = await listenOnLoopback(server);
  fake = state;
});
afterAll(() => fake.server.close());
beforeEach(() => {
  fake.calls.length = 0;
  fake.accepted.length = 0;
  fake.answers.length = 0;
});

function sink(): FirehoseLakeSink {
  const client = new FirehoseClient({
    endpoint: fake.server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  return new FirehoseLakeSink({ deliveryStreamName: STREAM, client, retries: 2, initialDelayMs: 1, maxDelayMs: 5 });
}

function event(i: number): GenesysEvent {
  const result = parseGenesysEvent(conversationEvent('acd.start', { eventTime: Date.UTC(2026, 11, 7) + i }));
  if (!result.ok) throw new Error('invalid test event');
  return result.event;
}

const context = { messageId: 'm1', receiveCount: 1, directory: { lookup: async () => undefined } };

const processorWith = (sinks: Sink[], maxAttempts = 3) => sqliteProcessor(dir, sinks, maxAttempts);

describe('the Firehose lake sink', () => {
  it('sends each event as one NDJSON line of the lake record to its stream', async () => {
    await sink().handle(event(1), context);
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]!.stream).toBe(STREAM);
    const line = fake.calls[0]!.records[0]!;
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line) as LakeRecord).toMatchObject({
      family: 'conversation',
      event_time: '2026-12-07T00:00:00.001Z',
      message_id: 'm1',
    });
  });

  it('shares calls among concurrent events, at most 500 records each', async () => {
    const lake = sink();
    await Promise.all(Array.from({ length: 1200 }, (_, i) => lake.handle(event(i), context)));
    expect(fake.calls.map((c) => c.records.length)).toEqual([500, 500, 200]);
    expect(fake.accepted).toHaveLength(1200);
  });

  it('resends only the records a call refused (FailedPutCount), with backoff', async () => {
    fake.answers.push({ refuse: 3 });
    const lake = sink();
    await Promise.all(Array.from({ length: 10 }, (_, i) => lake.handle(event(i), context)));
    expect(fake.calls.map((c) => c.records.length)).toEqual([10, 3]);
    // The resent records are the refused ones: every record accepted exactly once.
    expect(new Set(fake.accepted).size).toBe(10);
    expect(fake.accepted).toHaveLength(10);
  });

  it('a refusal that persists fails transiently, then dead-letters the event for the lake sink alone, with the reason', async () => {
    const projections: Sink & { seen: number } = {
      name: 'projections',
      seen: 0,
      async handle() {
        this.seen++;
      },
    };
    const { processor, deadLetters } = processorWith([projections, sink()], 2);
    const request = { messageId: 'm1', event: conversationEvent('acd.end') };
    // 3 rounds (1 + 2 retries) per attempt, all refused, for two attempts.
    fake.answers.push(...Array.from({ length: 6 }, () => ({ refuse: 1 })));
    await expect(processor.process(request)).rejects.toThrow(/refused the record 3 times/);
    const result = await processor.process(request);
    expect(result).toMatchObject({ status: 'dead-lettered', sinks: [{ sink: 'lake' }] });
    const [entry] = await deadLetters.list();
    expect(entry).toMatchObject({ id: `process#${result.key}@lake`, sink: 'lake' });
    expect(entry!.reason).toMatch(
      /Sink "lake" failed 2 times .* Firehose stream "genesys-lake" refused the record 3 times .*ServiceUnavailableException: Slow down\./,
    );
    expect(fake.calls).toHaveLength(6);

    // The redrive, once Firehose takes records again: to the lake alone.
    expect(await processor.deliver({ messageId: 'r1', event: JSON.parse(entry!.body) }, 'lake')).toMatchObject({
      status: 'processed',
    });
    expect(fake.accepted).toHaveLength(1);
    expect(projections.seen).toBe(2);
  });

  it('a stream that does not exist dead-letters at once, saying so', async () => {
    fake.answers.push({ error: 'ResourceNotFoundException', status: 400 });
    const { processor, deadLetters } = processorWith([sink()]);
    const result = await processor.process({ messageId: 'm1', event: conversationEvent('acd.end') });
    expect(result).toMatchObject({ status: 'dead-lettered', sinks: [{ sink: 'lake' }] });
    const [entry] = await deadLetters.list();
    expect(entry!.reason).toMatch(
      /Sink "lake" failed permanently: .*PutRecordBatch to stream "genesys-lake" failed: ResourceNotFoundException/,
    );
  });

  it('a throttled call (HTTP 5xx) is transient: the event is retried', async () => {
    fake.answers.push({ error: 'ServiceUnavailableException', status: 503 });
    await expect(sink().handle(event(1), context)).rejects.toMatchObject({ name: 'TransientProcessingError' });
    await sink().handle(event(1), context);
    expect(fake.accepted).toHaveLength(1);
  });

  it('needs a stream name', () => {
    expect(() => new FirehoseLakeSink({ deliveryStreamName: ' ' })).toThrow(LakeSinkError);
  });
});
