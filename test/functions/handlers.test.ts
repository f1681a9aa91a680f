/**
 * The Lambda entry points, invoked as Lambda would (payload in, result or thrown error out),
 * configured only through their environment variables, against dynalite with the real AWS SDK.
 */
import { createServer } from 'node:http';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_ENV } from '../../src/functions/index.js';
import type {
  BatchReportRequest,
  BatchResponse,
  FailureRecordRequest,
  ProcessRequest,
  ProcessResult,
  ValidationResult,
  ValidatorRequest,
} from '../../src/processing/index.js';
import { DynamoDbConversationStore } from '../../src/processing/stores/dynamodb-conversation-store.js';
import { processorTables, startDynalite } from '../support/dynalite.js';
import type { DynaliteServer } from '../support/dynalite.js';
import { auditEvent, QUEUE_ID, routingStatusEvent, transcriptionEvent, USER_ID } from '../support/events.js';
import { listenOnLoopback } from '../support/http-server.js';
import { eventLine, sqsRecord } from '../workflow/support.js';

type Handler<I, O> = (request: I) => Promise<O>;

let dynalite: DynaliteServer;
let validator: Handler<ValidatorRequest, ValidationResult>;
let processor: Handler<ProcessRequest, ProcessResult>;
let reporter: Handler<BatchReportRequest, BatchResponse>;
let recorder: Handler<FailureRecordRequest, { deadLetterId: string }>;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  const { tables, env } = processorTables('fn');
  dynalite = await startDynalite(tables);
  Object.assign(process.env, dynalite.env, env, {
    [FUNCTION_ENV.MAX_PROCESSING_ATTEMPTS]: '2',
    POWERTOOLS_METRICS_DISABLED: 'true',
    [FUNCTION_ENV.POWERTOOLS_LOG_LEVEL]: 'SILENT',
  });
  validator = (await import('../../src/functions/validator.js')).handler as Handler<ValidatorRequest, ValidationResult>;
  processor = (await import('../../src/functions/processor.js')).handler as Handler<ProcessRequest, ProcessResult>;
  reporter = (await import('../../src/functions/batch-reporter.js')).handler as Handler<
    BatchReportRequest,
    BatchResponse
  >;
  recorder = (await import('../../src/functions/failure-recorder.js')).handler as Handler<
    FailureRecordRequest,
    { deadLetterId: string }
  >;
  doc = DynamoDBDocumentClient.from(dynalite.client);
});

const deadLetters = async () => (await doc.send(new ScanCommand({ TableName: 'fn-dead-letters' }))).Items ?? [];

describe('Lambda functions (env-configured, on dynalite)', () => {
  it('validator: passes valid records on, dead-letters invalid ones with a TTL', async () => {
    const good = sqsRecord(eventLine(1));
    const bad = sqsRecord('{"detail-type":"Conversation Updated"}', { receiveCount: 2 });
    const result = await validator({ source: 'sqs', records: [good, bad] });
    expect(result.items.map((i) => i.messageId)).toEqual([good.messageId]);
    expect(result.invalid).toBe(1);
    const entry = (await deadLetters()).find((e) => e.messageId === bad.messageId)!;
    expect(entry).toMatchObject({ stage: 'validate', receiveCount: 2, topic: 'Conversation Updated' });
    expect(entry.expiresAt).toBeGreaterThan(Date.now() / 1000 + 13 * 24 * 3600);
  });

  it('processor: processes once, then reports duplicates; the projection is in the conversations table', async () => {
    const event = JSON.parse(eventLine(2, '0a0b0c0d-0000-4000-8000-000000000001')) as Record<string, unknown>;
    expect(await processor({ messageId: 'a', event })).toMatchObject({ status: 'processed' });
    expect(await processor({ messageId: 'b', event: { ...event, id: 'another-envelope-id' } })).toMatchObject({
      status: 'duplicate',
    });
    const conversations = new DynamoDbConversationStore({ tableName: 'fn-conversations', client: dynalite.client });
    expect(await conversations.get('0a0b0c0d-0000-4000-8000-000000000001')).toMatchObject({
      eventCount: 1,
      queueIds: ['q1'],
      state: 'active',
    });
    // The conversation fact's conditional put is the claim: no idempotency record for it.
    const facts = (await doc.send(new ScanCommand({ TableName: 'fn-conversations' }))).Items ?? [];
    expect(facts.filter((i) => i.conversationId === '0a0b0c0d-0000-4000-8000-000000000001')).toHaveLength(1);
    expect((await doc.send(new ScanCommand({ TableName: 'fn-idempotency' }))).Items ?? []).toEqual([]);
  });

  it('processor: routes each family to its table; a family whose table is not deployed is dead-lettered with the reason', async () => {
    expect(await processor({ messageId: 'p1', event: routingStatusEvent() })).toMatchObject({ status: 'processed' });
    expect(await processor({ messageId: 'p2', event: auditEvent() })).toMatchObject({ status: 'processed' });
    expect(await processor({ messageId: 'p2b', event: auditEvent() })).toMatchObject({ status: 'duplicate' });
    // The other families keep the Powertools record: 7 days by default, beyond Genesys's 4-day re-send window.
    const records = (await doc.send(new ScanCommand({ TableName: 'fn-idempotency' }))).Items ?? [];
    expect(records).toHaveLength(2);
    for (const record of records) {
      expect(record).toMatchObject({ status: 'COMPLETED' });
      expect(record.expiration).toBeGreaterThan(Date.now() / 1000 + 6.9 * 24 * 3600);
    }
    const { Item } = await doc.send(
      new GetCommand({ TableName: 'fn-agents', Key: { userId: USER_ID, sk: 'CURRENT#routing' } }),
    );
    expect(Item).toMatchObject({ fact: { status: 'IDLE', dimension: 'routing' } });
    const audits = (await doc.send(new ScanCommand({ TableName: 'fn-audits' }))).Items ?? [];
    expect(audits).toEqual([expect.objectContaining({ entity: `Queue#${QUEUE_ID}`, userId: USER_ID })]);
    // No TRANSCRIPTS_TABLE_NAME: the event is kept, with what to do.
    const result = await processor({ messageId: 'p3', event: transcriptionEvent() });
    expect(result).toMatchObject({ status: 'dead-lettered' });
    const entry = (await deadLetters()).find((e) => e.messageId === 'p3')!;
    expect(entry.reason).toMatch(/No transcript projection is configured for transcription events/);
    expect(entry).toMatchObject({ stage: 'process', topic: 'v2.conversations.{id}.transcription' });
  });

  it('batch reporter: hands throttled and failed events back to the queue', async () => {
    const response = await reporter({
      invalid: 0,
      outcomes: [
        { messageId: 'failed', status: 'failed', error: 'TransientProcessingError', cause: 'boom' },
        { messageId: 'throttled', status: 'throttled', error: 'Lambda.TooManyRequestsException' },
        { messageId: 'done', status: 'processed' },
      ],
    });
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: 'failed' }, { itemIdentifier: 'throttled' }],
      processed: 1,
      duplicates: 0,
      invalid: 0,
      deadLettered: 0,
      failed: 1,
      throttled: 1,
    });
  });

  it('processor: counts its failures in the idempotency table (MAX_PROCESSING_ATTEMPTS) and dead-letters the last one', async () => {
    // A webhook sink that keeps answering 503: a transient failure, every time.
    const srv = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.statusCode = 503;
        res.end('x'.repeat(5_000));
      });
    });
    const listening = await listenOnLoopback(srv);
    try {
      const failing = await (
        await import('../../src/functions/processor.js')
      ).processorFromEnv({
        ...process.env,
        [FUNCTION_ENV.SINK_WEBHOOK_URL]: `${listening.url}/hook`,
      });
      const event = JSON.parse(eventLine(5)) as Record<string, unknown>;
      const first = await failing.process({ messageId: 'f-1', event }).catch((e: unknown) => e);
      expect((first as Error).name).toBe('TransientProcessingError');
      expect((first as Error).message.length).toBeLessThanOrEqual(160);
      expect((first as Error).stack).toBe('TransientProcessingError');
      const counted = (await doc.send(new ScanCommand({ TableName: 'fn-idempotency' }))).Items ?? [];
      expect(counted.find((i) => String(i.id).startsWith('failure-count#'))).toMatchObject({ failures: 1 });
      expect(await failing.process({ messageId: 'f-2', event })).toMatchObject({ status: 'dead-lettered' });
      const entry = (await deadLetters()).find((e) => e.messageId === 'f-2');
      expect(entry?.reason).toContain('Sink "webhook" failed 2 times (the limit is 2 attempts across deliveries)');
      // Reset after dead-lettering: a redrive starts afresh.
      const after = (await doc.send(new ScanCommand({ TableName: 'fn-idempotency' }))).Items ?? [];
      expect(after.some((i) => String(i.id).startsWith('failure-count#'))).toBe(false);
    } finally {
      await listening.close();
    }
  });

  it('failure recorder: dead-letters with the error and cause', async () => {
    const cause = JSON.stringify({ errorType: 'TransientProcessingError', errorMessage: 'gave up', trace: [] });
    const { deadLetterId } = await recorder({
      messageId: 'direct-1',
      event: JSON.parse(eventLine(4)) as never,
      error: 'TransientProcessingError',
      cause,
    });
    expect(deadLetterId).toMatch(/^process#[0-9a-f]{64}$/);
    expect((await deadLetters()).find((e) => e.id === deadLetterId)).toMatchObject({
      stage: 'process',
      errorName: 'TransientProcessingError',
    });
  });
});
