/**
 * The Pipe's batch on its way to the processing side: packed as columns from received queue
 * messages, it becomes exactly the SQS records a Pipe delivers (real queue, real SQLite file).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QueueStore } from '../../src/queue/index.js';
import type { ReceivedMessage } from '../../src/queue/index.js';
import { isSqsBatch, messageStarts, packSqsBatch, sqsRecords } from '../../src/runtime/sqs-batch.js';
import { tempDir } from '../support/tmp.js';

const dir = tempDir('gep-sqs-batch-');

/** What the Pipe sent before batches were packed: each received message as a record. */
function record(m: ReceivedMessage, arn: string, region: string) {
  const messageAttributes: Record<string, { stringValue: string; dataType: 'String' }> = {};
  for (const [name, value] of Object.entries(m.messageAttributes))
    messageAttributes[name] = { stringValue: value, dataType: 'String' };
  return {
    messageId: m.messageId,
    receiptHandle: m.receiptHandle,
    body: m.body,
    attributes: m.attributes,
    messageAttributes,
    eventSource: 'aws:sqs',
    eventSourceARN: arn,
    awsRegion: region,
  };
}

describe('SqsBatch', () => {
  it('unpacks to the records of the received messages, attributes and dead-letter attributes included', async () => {
    let now = 1_700_000_000_000;
    const store = QueueStore.open(join(dir, 'b.sqlite'), { now: () => now });
    try {
      const dlq = store.queue('dlq');
      const queue = store.queue('events', {
        visibilityTimeoutMs: 10,
        redrivePolicy: { deadLetterQueue: 'dlq', maxReceiveCount: 1 },
      });
      queue.sendBatch([
        { body: '{"a":1}' },
        { body: '{"b":2}', messageAttributes: { kind: 'test', source: 'sim' } },
        { body: '{"c":3}' },
      ]);
      now += 5;
      const first = await queue.receive({ max: 10 });
      now += 20; // not deleted: received again, then moved to the dead-letter queue on the next receive
      const again = await queue.receive({ max: 1 });
      now += 20;
      await queue.receive({ max: 10 });
      const dead = await dlq.receive({ max: 10 });
      for (const messages of [first, again, dead, [...again, ...dead]]) {
        const batch = packSqsBatch(messages, queue.arn, 'eu-west-1');
        expect(isSqsBatch(batch)).toBe(true);
        // As it crosses to the worker thread: a structured clone.
        const arrived = structuredClone(batch);
        expect(sqsRecords(arrived)).toEqual(messages.map((m) => record(m, queue.arn, 'eu-west-1')));
        expect(JSON.stringify(sqsRecords(arrived))).toBe(
          JSON.stringify(messages.map((m) => record(m, queue.arn, 'eu-west-1'))),
        );
        expect(messageStarts(arrived)).toEqual(
          messages.map((m) => ({ id: m.messageId, acceptedAt: Number(m.attributes.SentTimestamp) })),
        );
      }
      expect(dead[0]!.attributes.DeadLetterReason).toBeDefined();
      expect(
        packSqsBatch(
          first.filter((m) => Object.keys(m.messageAttributes).length === 0),
          queue.arn,
          'eu-west-1',
        ).extras,
      ).toBeUndefined();
      expect(isSqsBatch([{ messageId: 'm' }])).toBe(false);
      expect(isSqsBatch(null)).toBe(false);
    } finally {
      store.close();
    }
  });
});
