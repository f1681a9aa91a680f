/**
 * A batch of received queue messages on its way from the pollers (main thread) to the
 * processing side, which turns it into what the state machine is given: the JSON array of SQS
 * records of an SQS batch (as an event source mapping delivers them).
 *
 * It travels as columns — one array of ids, one of bodies, … — rather than as the records
 * themselves: a worker thread receives a structured clone, and cloning small objects writes and
 * reads back every property name, which costs several times what a few arrays cost even with the
 * records rebuilt on arrival (the figures: docs/runtime.md, "Performance", the third round).
 */
import type { ReceivedMessage } from '../queue/index.js';

/** A message whose execution is about to start: its id and when the pipeline accepted it (epoch ms). */
export interface MessageStart {
  id: string;
  acceptedAt: number;
  /** When a poller took it from the queue, epoch ms (buffered mode; for the latency split). */
  receivedAt?: number;
  /** When its batch was handed to the state machine, epoch ms (buffered mode). */
  dispatchedAt?: number;
}

/** One SQS record as an event source mapping delivers it. */
export interface SqsRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: ReceivedMessage['attributes'];
  messageAttributes: Record<string, { stringValue: string; dataType: 'String' }>;
  eventSource: 'aws:sqs';
  eventSourceARN: string;
  awsRegion: string;
}

/** Received messages as columns (see the module comment). Build with {@link packSqsBatch}. */
export interface SqsBatch {
  kind: 'sqs-batch';
  queueArn: string;
  region: string;
  messageIds: string[];
  receiptHandles: string[];
  bodies: string[];
  /** `SentTimestamp`, epoch ms: also when the pipeline accepted the event. */
  sentTimestamps: number[];
  receiveCounts: string[];
  firstReceiveTimestamps: string[];
  /** When a poller took each message from the queue, epoch ms (for the latency split; not an SQS attribute). */
  receivedAt?: number[];
  /** When the batch was handed to the state machine, epoch ms. */
  dispatchedAt?: number;
  /** Per message, what the columns do not carry (dead-letter attributes, message attributes); absent when no message has any. */
  extras?: Array<
    (Pick<SqsRecord, 'messageAttributes'> & { attributes: Partial<ReceivedMessage['attributes']> }) | null
  >;
}

/** Whether a value is an {@link SqsBatch}. */
export function isSqsBatch(value: unknown): value is SqsBatch {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'sqs-batch';
}

/**
 * The batch of `messages` received from the queue `queueArn`, handed to the state machine now.
 * `receivedAt`: when each message was taken from the queue (epoch ms), for the latency split.
 *
 * @example
 * const batch = packSqsBatch(await queue.receive({ max: 100 }), queue.arn, 'us-east-1');
 * const reply = await processing.execute(batch);
 */
export function packSqsBatch(
  messages: readonly ReceivedMessage[],
  queueArn: string,
  region: string,
  receivedAt?: readonly number[],
): SqsBatch {
  const n = messages.length;
  const batch: SqsBatch = {
    kind: 'sqs-batch',
    queueArn,
    region,
    messageIds: new Array<string>(n),
    receiptHandles: new Array<string>(n),
    bodies: new Array<string>(n),
    sentTimestamps: new Array<number>(n),
    receiveCounts: new Array<string>(n),
    firstReceiveTimestamps: new Array<string>(n),
  };
  if (receivedAt) {
    batch.receivedAt = receivedAt.slice(0, n);
    batch.dispatchedAt = Date.now();
  }
  for (let i = 0; i < n; i++) {
    const m = messages[i]!;
    const a = m.attributes;
    batch.messageIds[i] = m.messageId;
    batch.receiptHandles[i] = m.receiptHandle;
    batch.bodies[i] = m.body;
    batch.sentTimestamps[i] = Number(a.SentTimestamp);
    batch.receiveCounts[i] = a.ApproximateReceiveCount;
    batch.firstReceiveTimestamps[i] = a.ApproximateFirstReceiveTimestamp;
    const extra = extrasOf(m);
    if (extra) (batch.extras ??= new Array(n).fill(null))[i] = extra;
  }
  return batch;
}

function extrasOf(m: ReceivedMessage): NonNullable<SqsBatch['extras']>[number] {
  const names = Object.keys(m.messageAttributes);
  const a = m.attributes;
  if (names.length === 0 && a.DeadLetterQueueSourceArn === undefined && a.DeadLetterReason === undefined) return null;
  const messageAttributes: SqsRecord['messageAttributes'] = {};
  for (const name of names) messageAttributes[name] = { stringValue: m.messageAttributes[name]!, dataType: 'String' };
  const attributes: Partial<ReceivedMessage['attributes']> = {};
  if (a.DeadLetterQueueSourceArn !== undefined) attributes.DeadLetterQueueSourceArn = a.DeadLetterQueueSourceArn;
  if (a.DeadLetterReason !== undefined) attributes.DeadLetterReason = a.DeadLetterReason;
  return { messageAttributes, attributes };
}

/** The batch as the JSON array of SQS records the buffered definition takes. */
export function sqsRecords(batch: SqsBatch): SqsRecord[] {
  const n = batch.messageIds.length;
  const records = new Array<SqsRecord>(n);
  for (let i = 0; i < n; i++) {
    const extra = batch.extras?.[i];
    records[i] = {
      messageId: batch.messageIds[i]!,
      receiptHandle: batch.receiptHandles[i]!,
      body: batch.bodies[i]!,
      attributes: {
        ApproximateReceiveCount: batch.receiveCounts[i]!,
        SentTimestamp: String(batch.sentTimestamps[i]),
        ApproximateFirstReceiveTimestamp: batch.firstReceiveTimestamps[i]!,
        ...extra?.attributes,
      },
      messageAttributes: extra ? extra.messageAttributes : {},
      eventSource: 'aws:sqs',
      eventSourceARN: batch.queueArn,
      awsRegion: batch.region,
    };
  }
  return records;
}

/** Each message's id and when the pipeline accepted it (its `SentTimestamp`), received it and started its batch. */
export function messageStarts(batch: SqsBatch): MessageStart[] {
  const { receivedAt, dispatchedAt } = batch;
  return batch.messageIds.map((id, i) =>
    receivedAt && dispatchedAt !== undefined
      ? { id, acceptedAt: batch.sentTimestamps[i]!, receivedAt: receivedAt[i]!, dispatchedAt }
      : { id, acceptedAt: batch.sentTimestamps[i]! },
  );
}
