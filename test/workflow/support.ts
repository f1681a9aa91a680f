/** Helpers for workflow and processing tests: Pipe batches of SQS records, an in-memory dead-letter store. */
import { createHash } from 'node:crypto';
import type { DeadLetterEntry, DeadLetterStore } from '../../src/processing/index.js';
import { conversationEvent } from '../support/events.js';

let counter = 0;

/** One SQS record as an EventBridge Pipe delivers it (see AWS "Amazon SQS as a source" for Pipes). */
export function sqsRecord(body: string, options: { messageId?: string; receiveCount?: number } = {}) {
  counter++;
  const sent = String(1767268800000 + counter);
  return {
    messageId: options.messageId ?? `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    receiptHandle: `AQEB${createHash('sha256').update(`${counter}`).digest('base64')}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: sent,
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: sent,
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:genesys-events',
    awsRegion: 'us-east-1',
  };
}

/** A valid event line, distinct for each `i`. */
export function eventLine(i: number, conversationId = '5f1c2d3e-4a5b-4c6d-8e7f-9a8b7c6d5e4f'): string {
  return JSON.stringify(
    conversationEvent('acd.start', { eventTime: 1767268800000 + i, conversationId, queueId: 'q1' }),
  );
}

/** A dead-letter store in memory. */
export class MemoryDeadLetterStore implements DeadLetterStore {
  readonly entries = new Map<string, DeadLetterEntry>();
  async put(entry: DeadLetterEntry): Promise<void> {
    this.entries.set(entry.id, entry);
  }
  async list(): Promise<DeadLetterEntry[]> {
    return [...this.entries.values()];
  }
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
