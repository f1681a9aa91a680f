/**
 * One durable queue with Amazon SQS standard-queue semantics, stored in a SQLite table.
 *
 * Each message is a row of the queue's own table, indexed on `visible_at`: a receive takes the
 * oldest visible rows, pushes their `visible_at` forward by the visibility timeout, bumps their
 * receive count and stamps a fresh random receipt token; a delete must present that token.
 * Every call is one SQLite transaction, so a batch is all-or-nothing and a returned call is on
 * disk (WAL) — a `kill -9` right after `send` returns loses nothing.
 *
 * **Leases in memory** (a store opened with `leasesInMemory`, when it is the only one receiving:
 * the local runtime, which holds its data directory's lock). A message sent without delay gets
 * `visible_at` = {@link HELD_BY_RECEIVER}: the row says "this store's receiver has it", and the
 * store's receives take such rows in order, leasing each in memory (receipt token, visibility
 * deadline, receive count) instead of writing its row. A delete checks the lease and deletes the
 * row. A lease that ends without a delete — its visibility timeout passes, `changeVisibility`,
 * the store closes — is written to the row as an ordinary receive would have been, and the message
 * continues as in the other mode. What a lease changes: a receive cut short by a crash of the
 * process is not counted (its row still says held; the next start takes it again with the same
 * receive count), so it does not count toward `maxReceiveCount`. Nothing is lost: held rows are
 * messages like any other, received again after a restart.
 */
import { randomUUID } from 'node:crypto';
import { describeValue } from '../shared/index.js';
import { QueueArgumentError, QueueConfigError } from './errors.js';
import type { ResolvedQueueConfig } from './queue-config.js';
import { QUEUE_LIMITS } from './queue-config.js';
import { MemoryLeases } from './memory-leases.js';
import { HELD_BY_RECEIVER, messageAttributesOf, QueueTable } from './queue-table.js';
import type { MessageRow, NewRow } from './queue-table.js';
import { decodeReceiptHandle, encodeReceiptHandle, newReceiveToken } from './receipt-handle.js';
import type { SqliteDatabase } from '../sqlite/index.js';

/** A message to send. */
export interface SendMessageInput {
  /** The message body: any non-empty string (typically JSON). */
  body: string;
  /** String message attributes (SQS `MessageAttributes` of data type String). */
  messageAttributes?: Record<string, string>;
  /** Delay before the message becomes visible; default the queue's `delayMs`. */
  delayMs?: number;
}

/** What `send` returns for one message. */
export interface SentMessage {
  messageId: string;
}

/** System attributes of a received message, as SQS names and formats them (strings). */
export interface MessageSystemAttributes {
  /** Times the message has been received, this receive included. */
  ApproximateReceiveCount: string;
  /** When the message was first sent (epoch milliseconds). Kept when it moves to a dead-letter queue. */
  SentTimestamp: string;
  /** When the message was first received (epoch milliseconds). */
  ApproximateFirstReceiveTimestamp: string;
  /** On a message moved to a dead-letter queue: the ARN of the queue it came from. */
  DeadLetterQueueSourceArn?: string;
  /** On a message moved to a dead-letter queue: why (local addition; SQS has no such attribute). */
  DeadLetterReason?: string;
}

/** A received message. */
export interface ReceivedMessage {
  messageId: string;
  /** Identifies this receive; needed to delete the message or change its visibility. New at every receive. */
  receiptHandle: string;
  body: string;
  attributes: MessageSystemAttributes;
  messageAttributes: Record<string, string>;
}

/** Options of {@link DurableQueue.receive}. */
export interface ReceiveOptions {
  /** Most messages to return (1–10,000; SQS allows 10 per call, an event source mapping batches several calls). Default 1. */
  max?: number;
  /** Visibility timeout for the received messages; default the queue's. */
  visibilityTimeoutMs?: number;
  /** Long polling: wait up to this long for a message when none is visible. Default 0 (return at once). */
  waitMs?: number;
  /** Ends a long poll early (the call then returns what it has, usually nothing). */
  signal?: AbortSignal;
}

/** Counts of a queue, at one instant. */
export interface QueueStats {
  /** Messages that a receive would return now. */
  visible: number;
  /** Received and neither deleted nor back to visible. */
  inFlight: number;
  /** Sent with a delay that has not yet passed. */
  delayed: number;
  /** All messages stored. */
  total: number;
  /** Age of the message that has been in this queue longest (ms), or null when it is empty. */
  oldestMessageAgeMs: number | null;
}

/** Result of a batch delete. */
export interface DeleteBatchResult {
  /** How many messages were deleted. */
  deleted: number;
  /** Handles that are no longer current (the message was received again, or is already gone): nothing was deleted for them. */
  stale: string[];
}

/** Options of {@link DurableQueue.redrive} (SQS `StartMessageMoveTask`). */
export interface RedriveOptions {
  /** Where to move the messages; default each message's source queue (the queue that dead-lettered it). */
  destination?: DurableQueue;
  /** Stop after moving this many; default all that are visible when the move starts. */
  maxMessages?: number;
  /** Move at most this many per second (SQS `MaxNumberOfMessagesPerSecond`, 1–500); default as fast as possible. */
  maxMessagesPerSecond?: number;
  /** Move only the messages with these ids (local addition: SQS moves all of them). */
  messageIds?: readonly string[];
}

/** A message as {@link DurableQueue.peek} shows it: not received, nothing changed. */
export interface PeekedMessage {
  messageId: string;
  body: string;
  attributes: Omit<MessageSystemAttributes, 'ApproximateFirstReceiveTimestamp'> & {
    ApproximateFirstReceiveTimestamp?: string;
  };
  messageAttributes: Record<string, string>;
  /** When it entered this queue (epoch ms): the send, or the move to this dead-letter queue. */
  enqueuedAt: number;
  /** Whether a receive would return it now (false: in flight or delayed). */
  visible: boolean;
}

/** The store a queue lives in (implemented by `QueueStore`). */
export interface QueueHost {
  readonly database: SqliteDatabase;
  /** Receives lease in memory (see the module comment). */
  readonly leasesInMemory?: boolean;
  now(): number;
  assertOpen(): void;
  /** False once the store is closed. */
  isOpen(): boolean;
  queueByName(name: string): DurableQueue | undefined;
  queueByArn(arn: string): DurableQueue | undefined;
}

type ReceivedWithSeq = ReceivedMessage & { seq: number };

function stripSeq(m: ReceivedWithSeq): ReceivedMessage {
  return {
    messageId: m.messageId,
    receiptHandle: m.receiptHandle,
    body: m.body,
    attributes: m.attributes,
    messageAttributes: m.messageAttributes,
  };
}

const MAX_RECEIVE = 10_000;
const LONG_POLL_RECHECK_MS = 250;

/**
 * A durable queue. Get one from `QueueStore.queue(name, config)`; do not construct it directly.
 *
 * @example
 * const store = QueueStore.open('data/pipeline.sqlite');
 * const dlq = store.queue('events-dlq');
 * const queue = store.queue('events', { redrivePolicy: { deadLetterQueue: 'events-dlq', maxReceiveCount: 5 } });
 * queue.sendBatch([{ body: '{"n":1}' }, { body: '{"n":2}' }]);
 * const messages = await queue.receive({ max: 10, visibilityTimeoutMs: 30_000, waitMs: 1000 });
 * queue.deleteMessages(messages.map((m) => m.receiptHandle));
 */
export class DurableQueue {
  /** `arn:aws:sqs:<region>:<account>:<name>`. */
  readonly arn: string;
  private readonly db: SqliteDatabase;
  /** The queue's rows and the statements on them. */
  private readonly table: QueueTable;
  private waiters: Array<() => void> = [];
  /** Whether sends are held for this store's receiver and receives lease them in memory (see the module comment). */
  private readonly leasing: boolean;
  /** The leases (empty without leasing). */
  private readonly leases: MemoryLeases;

  /** @internal Created by `QueueStore`. */
  constructor(
    private readonly host: QueueHost,
    /** The queue's id in its store. */
    readonly id: number,
    /** The queue's name. */
    readonly name: string,
    private configValue: ResolvedQueueConfig,
    region: string,
    accountId: string,
  ) {
    this.arn = `arn:aws:sqs:${region}:${accountId}:${name}`;
    this.db = host.database;
    this.table = new QueueTable(this.db, id);
    this.leasing = host.leasesInMemory ?? false;
    this.leases = new MemoryLeases(this.db, this.table);
  }

  /** The SQLite connection the queue lives in (shared by every queue of its store). */
  get database(): SqliteDatabase {
    return this.db;
  }

  /** The queue's attributes, defaults filled in. */
  get config(): ResolvedQueueConfig {
    return this.configValue;
  }

  /** @internal Replaced by `QueueStore.queue(name, config)`. */
  setConfig(config: ResolvedQueueConfig): void {
    this.configValue = config;
  }

  /**
   * Sends one message; returns once it is committed to disk.
   *
   * @example
   * const { messageId } = queue.send({ body: JSON.stringify(event) });
   */
  send(message: SendMessageInput): SentMessage {
    return this.sendBatch([message])[0]!;
  }

  /**
   * Sends several messages in one transaction: all are stored, or none (the call throws).
   * Any number of messages is accepted (SQS caps a batch at 10; a local producer batches more).
   */
  sendBatch(messages: readonly SendMessageInput[]): SentMessage[] {
    this.host.assertOpen();
    if (!Array.isArray(messages)) {
      throw new QueueArgumentError(`Queue "${this.name}": sendBatch takes an array of { body } messages.`, this.name);
    }
    const now = this.host.now();
    const rows = messages.map((message, index) => this.prepareRow(message, index, now));
    const sent = this.db.transaction(() => {
      const out: SentMessage[] = [];
      for (const row of rows) {
        const seq = this.table.insert(row);
        if (row[5] === HELD_BY_RECEIVER) this.leases.inserted(seq);
        out.push({ messageId: row[0] });
      }
      return out;
    })();
    if (sent.length > 0) this.notify();
    return sent;
  }

  private prepareRow(message: SendMessageInput, index: number, now: number): NewRow {
    const where = `Queue "${this.name}", message ${index}`;
    if (
      message === null ||
      typeof message !== 'object' ||
      typeof message.body !== 'string' ||
      message.body.length === 0
    ) {
      throw new QueueArgumentError(
        `${where}: body must be a non-empty string; found ${describeValue(message?.body)}.`,
        this.name,
      );
    }
    let size = Buffer.byteLength(message.body);
    let attributes: string | null = null;
    if (message.messageAttributes !== undefined) {
      const entries = Object.entries(message.messageAttributes);
      for (const [key, value] of entries) {
        if (typeof value !== 'string') {
          throw new QueueArgumentError(
            `${where}: message attribute "${key}" must be a string; found ${describeValue(value)}.`,
            this.name,
          );
        }
        size += Buffer.byteLength(key) + Buffer.byteLength(value);
      }
      if (entries.length > 0) attributes = JSON.stringify(message.messageAttributes);
    }
    if (size > this.configValue.maxMessageBytes) {
      throw new QueueArgumentError(
        `${where} is ${size} bytes, over the queue's maxMessageBytes of ${this.configValue.maxMessageBytes}. Store large payloads elsewhere and send a reference.`,
        this.name,
      );
    }
    const delay = message.delayMs ?? this.configValue.delayMs;
    if (!Number.isInteger(delay) || delay < QUEUE_LIMITS.delayMs.min || delay > QUEUE_LIMITS.delayMs.max) {
      throw new QueueArgumentError(
        `${where}: delayMs must be a whole number from 0 to ${QUEUE_LIMITS.delayMs.max}; found ${describeValue(delay)}.`,
        this.name,
      );
    }
    return [
      randomUUID(),
      message.body,
      attributes,
      now,
      now,
      delay === 0 && this.leasing ? HELD_BY_RECEIVER : now + delay,
    ];
  }

  /**
   * Receives up to `max` visible messages, hiding them for the visibility timeout. With `waitMs`,
   * waits (long polling) until at least one message is visible or the time is up. Several
   * consumers may call this concurrently: each message goes to one of them per visibility period.
   * A message already received `maxReceiveCount` times moves to the dead-letter queue instead,
   * and a message older than the retention period is deleted. A long poll in progress when the
   * store closes returns an empty list.
   */
  async receive(options: ReceiveOptions = {}): Promise<ReceivedMessage[]> {
    const max = options.max ?? 1;
    if (!Number.isInteger(max) || max < 1 || max > MAX_RECEIVE) {
      throw new QueueArgumentError(
        `Queue "${this.name}": max must be a whole number from 1 to ${MAX_RECEIVE}; found ${describeValue(max)}.`,
        this.name,
      );
    }
    const visibility = options.visibilityTimeoutMs ?? this.configValue.visibilityTimeoutMs;
    this.checkVisibility(visibility);
    const waitMs = options.waitMs ?? 0;
    if (typeof waitMs !== 'number' || !(waitMs >= 0)) {
      throw new QueueArgumentError(
        `Queue "${this.name}": waitMs must be a number of milliseconds ≥ 0; found ${describeValue(waitMs)}.`,
        this.name,
      );
    }
    const deadline = Date.now() + waitMs;
    for (;;) {
      const messages = this.receiveNow(max, visibility);
      if (messages.length > 0 || options.signal?.aborted) return messages;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return messages;
      const stored = this.table.nextVisibleAt();
      const next =
        this.leasing && this.leases.size > 0
          ? Math.min(stored ?? Number.POSITIVE_INFINITY, this.leases.earliestDeadline)
          : stored;
      const untilVisible =
        next === undefined || next === Number.POSITIVE_INFINITY ? remaining : Math.max(1, next - this.host.now());
      await this.waitForMessages(Math.min(remaining, untilVisible, LONG_POLL_RECHECK_MS), options.signal);
      if (!this.host.isOpen()) return []; // the store closed during a long poll: end it quietly
    }
  }

  private receiveNow(max: number, visibility: number): ReceivedMessage[] {
    if (!this.leasing) return this.receiveRows(max, visibility);
    this.endExpiredLeases();
    const out = this.receiveRows(max, visibility);
    if (out.length < max) this.receiveHeld(max - out.length, visibility, out);
    return out;
  }

  /** Leases up to `max` held messages, in the order they were sent, appending them to `out`. */
  private receiveHeld(max: number, visibility: number, out: ReceivedMessage[]): void {
    const now = this.host.now();
    const taken = this.leases.take(max, now, now + visibility, now - this.configValue.retentionMs, newReceiveToken);
    for (const { row, lease } of taken) {
      out.push({
        messageId: row.message_id,
        receiptHandle: encodeReceiptHandle({ queueId: this.id, seq: row.seq, token: lease.token }),
        body: row.body,
        attributes: {
          ApproximateReceiveCount: String(lease.receiveCount),
          SentTimestamp: String(row.sent_at),
          ApproximateFirstReceiveTimestamp: String(lease.firstReceivedAt),
        },
        messageAttributes: messageAttributesOf(row.message_attributes),
      });
    }
  }

  /** Writes the leases whose visibility timeout has passed to their rows: those messages are visible again. */
  private endExpiredLeases(): void {
    if (this.leases.endExpired(this.host.now())) this.notify();
  }

  /**
   * With leases in memory: writes every lease to its row (visible again at its deadline) and
   * marks the held messages not yet received as ordinary visible ones, so that the file holds
   * what a store without leases would have written. Called by the store when it closes.
   * @internal
   */
  endLeases(): void {
    if (!this.leasing || !this.db.open) return;
    this.db.transaction(() => {
      this.leases.writeBackAll((lease) => lease.deadline);
      this.table.releaseHeld(this.host.now());
      this.table.clearLeaseMark();
    })();
  }

  /**
   * With leases in memory, at start-up before the first receive: counts the receives a process
   * that died had made in memory (its leases were never written), as SQS counts a receive whose
   * consumer crashed. A message that has now been received `maxReceiveCount` times without being
   * deleted — one that makes the process die each time it is processed — moves to the dead-letter
   * queue, with that reason. Returns how many receives were counted and how many messages moved.
   *
   * @example
   * const { counted, deadLettered } = queue.recoverInterruptedReceives();
   */
  recoverInterruptedReceives(): { counted: number; deadLettered: number } {
    this.host.assertOpen();
    if (!this.leasing) return { counted: 0, deadLettered: 0 };
    const redrive = this.configValue.redrivePolicy;
    const dlq = redrive ? this.host.queueByName(redrive.deadLetterQueue) : undefined;
    const now = this.host.now();
    const result = this.db.transaction(() => {
      const rows = this.table.countInterruptedReceives();
      let deadLettered = 0;
      if (redrive && dlq) {
        for (const row of rows) {
          if (row.receive_count < redrive.maxReceiveCount) continue;
          const reason = `received ${row.receive_count} times without being deleted (maxReceiveCount ${redrive.maxReceiveCount}) on queue ${this.name}; its last receive ended with the process stopping while it was in flight (a message that crashes the process ends here)`;
          this.table.moveToDeadLetterQueue(dlq.table, row.seq, now, this.arn, reason);
          this.table.delete(row.seq);
          deadLettered++;
        }
      }
      return { counted: rows.length, deadLettered, dlq: deadLettered > 0 ? dlq : undefined };
    })();
    result.dlq?.notify();
    if (result.deadLettered > 0) this.leases.rewind();
    return { counted: result.counted, deadLettered: result.deadLettered };
  }

  private receiveRows(max: number, visibility: number): ReceivedMessage[] {
    this.host.assertOpen();
    const out: ReceivedWithSeq[] = [];
    const moved = this.db.transaction(() => {
      const now = this.host.now();
      const expiredBefore = now - this.configValue.retentionMs;
      const redrive = this.configValue.redrivePolicy;
      const dlq = redrive ? this.host.queueByName(redrive.deadLetterQueue) : undefined;
      const token = newReceiveToken();
      let movedAny = false;
      // One UPDATE takes the oldest visible messages; the rare ones that have expired or were
      // received too often are then deleted or moved instead (same transaction), and we take more.
      for (let pass = 0; pass < 100 && out.length < max; pass++) {
        const rows = this.table.receive(now + visibility, now, token, max - out.length);
        if (rows.length === 0) break;
        let skipped = 0;
        for (const row of rows) {
          if (row.sent_at <= expiredBefore) {
            this.table.delete(row.seq);
            skipped++;
          } else if (redrive && dlq && row.receive_count > redrive.maxReceiveCount) {
            const reason = `received ${row.receive_count - 1} times without being deleted (maxReceiveCount ${redrive.maxReceiveCount}) on queue ${this.name}`;
            this.table.moveToDeadLetterQueue(dlq.table, row.seq, now, this.arn, reason);
            this.table.delete(row.seq);
            skipped++;
            movedAny = true;
          } else {
            out.push(this.toReceived(row, token));
          }
        }
        if (skipped === 0) break;
      }
      return movedAny ? dlq : undefined;
    })();
    moved?.notify();
    return out.length > 1 ? out.sort((a, b) => a.seq - b.seq).map(stripSeq) : out.map(stripSeq);
  }

  private toReceived(row: MessageRow, token: number): ReceivedWithSeq {
    const attributes: MessageSystemAttributes = {
      ApproximateReceiveCount: String(row.receive_count),
      SentTimestamp: String(row.sent_at),
      ApproximateFirstReceiveTimestamp: String(row.first_received_at),
    };
    if (row.dead_letter_source !== null) attributes.DeadLetterQueueSourceArn = row.dead_letter_source;
    if (row.dead_letter_reason !== null) attributes.DeadLetterReason = row.dead_letter_reason;
    return {
      seq: row.seq,
      messageId: row.message_id,
      receiptHandle: encodeReceiptHandle({ queueId: this.id, seq: row.seq, token }),
      body: row.body,
      attributes,
      messageAttributes: messageAttributesOf(row.message_attributes),
    };
  }

  /**
   * Deletes a received message. Returns `false` when the handle is no longer current (the
   * visibility timeout expired and the message was received again, or it was already deleted):
   * then nothing is deleted. Throws {@link InvalidReceiptHandleError} for a handle this queue never issued.
   */
  deleteMessage(receiptHandle: string): boolean {
    return this.deleteMessages([receiptHandle]).deleted === 1;
  }

  /** Deletes several received messages in one transaction; see {@link deleteMessage}. */
  deleteMessages(receiptHandles: readonly string[]): DeleteBatchResult {
    this.host.assertOpen();
    const parts = receiptHandles.map((h) => decodeReceiptHandle(h, this.id, this.name));
    return this.db.transaction(() => {
      const stale: string[] = [];
      let deleted = 0;
      parts.forEach((p, i) => {
        const lease = this.leases.get(p.seq);
        if (lease !== undefined) {
          // Leased in memory: the lease's token is the current receipt.
          if (lease.token === p.token && this.table.delete(p.seq)) {
            this.leases.forget(p.seq);
            deleted++;
          } else stale.push(receiptHandles[i]!);
        } else if (this.table.deleteReceived(p.seq, p.token)) deleted++;
        else stale.push(receiptHandles[i]!);
      });
      return { deleted, stale };
    })();
  }

  /**
   * Sets the visibility timeout of a received message, counted from now (0 makes it visible
   * again at once). Returns `false` when the handle is no longer current.
   */
  changeVisibility(receiptHandle: string, visibilityTimeoutMs: number): boolean {
    this.host.assertOpen();
    this.checkVisibility(visibilityTimeoutMs);
    const p = decodeReceiptHandle(receiptHandle, this.id, this.name);
    const lease = this.leases.get(p.seq);
    if (lease !== undefined) {
      if (lease.token !== p.token) return false;
      const until = this.host.now() + visibilityTimeoutMs;
      if (visibilityTimeoutMs === 0) {
        this.leases.writeBack(p.seq, lease, until);
        this.notify();
      } else this.leases.extend(lease, until);
      return true;
    }
    const changed = this.table.setVisibility(p.seq, p.token, this.host.now() + visibilityTimeoutMs);
    if (changed && visibilityTimeoutMs === 0) this.notify();
    return changed;
  }

  /**
   * Makes every message that is in flight (received, not yet deleted) visible again at once, as
   * if each consumer had called `changeVisibility(handle, 0)`; delayed messages stay delayed.
   * For a consumer that restarts after a crash: the messages its previous process had received
   * would otherwise wait for their visibility timeout. Only correct when no other consumer is
   * working on the queue (the local runtime holds a lock on its data directory). Returns how many.
   *
   * @example
   * const released = queue.releaseInFlight(); // at start-up, before the first receive
   */
  releaseInFlight(): number {
    this.host.assertOpen();
    const now = this.host.now();
    const changed = this.db.transaction(() => {
      // Held by a receiver (see the module comment): with leases, start again from the first
      // (those of a process that died are received again); without, they become visible.
      const leased = this.leases.writeBackAll(() => now);
      const held = this.leasing ? this.table.countHeld() : this.table.releaseHeld(now);
      return leased + held + this.table.releaseInFlight(now);
    })();
    if (changed > 0 || this.leasing) this.notify();
    return changed;
  }

  /**
   * Messages in the queue, oldest first, without receiving them (no visibility change, no
   * receive count): for inspecting a dead-letter queue. Local addition; SQS has no peek.
   *
   * @example
   * for (const m of dlq.peek({ limit: 20 })) console.log(m.messageId, m.attributes.DeadLetterReason);
   */
  peek(options: { limit?: number; messageIds?: readonly string[] } = {}): PeekedMessage[] {
    this.host.assertOpen();
    const limit = options.limit ?? 100;
    const ids = options.messageIds;
    if (ids && ids.length === 0) return [];
    const rows = this.table.peek(limit, ids);
    this.endExpiredLeases();
    const now = this.host.now();
    return rows.map((row) => {
      const lease = this.leases.get(row.seq);
      const receiveCount = lease ? lease.receiveCount : row.receive_count;
      const firstReceivedAt = lease ? lease.firstReceivedAt : row.first_received_at;
      const attributes: PeekedMessage['attributes'] = {
        ApproximateReceiveCount: String(receiveCount),
        SentTimestamp: String(row.sent_at),
      };
      if (firstReceivedAt !== null) attributes.ApproximateFirstReceiveTimestamp = String(firstReceivedAt);
      if (row.dead_letter_source !== null) attributes.DeadLetterQueueSourceArn = row.dead_letter_source;
      if (row.dead_letter_reason !== null) attributes.DeadLetterReason = row.dead_letter_reason;
      return {
        messageId: row.message_id,
        body: row.body,
        attributes,
        messageAttributes: messageAttributesOf(row.message_attributes),
        enqueuedAt: row.enqueued_at,
        // A held row is visible to this store's receives unless leased (another store's: in flight).
        visible: row.visible_at === HELD_BY_RECEIVER ? this.leasing && !lease : row.visible_at <= now,
      };
    });
  }

  /** Deletes the message with this id whatever its state (an operator removing a dead letter). Returns whether it existed. */
  deleteById(messageId: string): boolean {
    this.host.assertOpen();
    const seqs = this.table.deleteByMessageId(messageId);
    for (const seq of seqs) this.leases.forget(seq);
    return seqs.length > 0;
  }

  /** Counts of the queue now. */
  stats(): QueueStats {
    this.host.assertOpen();
    this.endExpiredLeases();
    return this.db.transaction(() => {
      const now = this.host.now();
      const visible = this.table.countVisible(now);
      const hidden = this.table.countHidden(now);
      const delayed = this.table.countDelayed(now);
      const held = this.table.countHeld();
      const oldest = this.table.oldestEnqueuedAt();
      // Held rows: this store's receives' (leased: in flight; the others: visible) or, without
      // leases, a receiver's that is gone until `releaseInFlight` (in flight).
      const leased = this.leasing ? this.leases.size : held;
      return {
        visible: visible + held - leased,
        inFlight: hidden - delayed + leased,
        delayed,
        total: visible + hidden + held,
        oldestMessageAgeMs: oldest === undefined ? null : Math.max(0, now - oldest),
      };
    })();
  }

  /** Deletes every message, in flight or not (SQS `PurgeQueue`). Returns how many were deleted. */
  purge(): number {
    this.host.assertOpen();
    this.leases.clear();
    return this.table.deleteAll();
  }

  /** Deletes every message older than the retention period; returns how many. (Receives also do this as they meet them.) */
  purgeExpired(): number {
    this.host.assertOpen();
    const seqs = this.table.deleteSentBefore(this.host.now() - this.configValue.retentionMs);
    for (const seq of seqs) this.leases.forget(seq);
    return seqs.length;
  }

  /**
   * Moves messages out of this (dead-letter) queue, as SQS's `StartMessageMoveTask` does: by
   * default each back to the queue it came from, or all to `destination`. Moved messages are new
   * messages there (new message id, receive count 0, retention counted from the move). Messages
   * currently in flight stay. Returns how many moved.
   *
   * @example
   * const { moved } = await dlq.redrive(); // back to the source queue(s)
   */
  async redrive(options: RedriveOptions = {}): Promise<{ moved: number }> {
    this.host.assertOpen();
    const rate = options.maxMessagesPerSecond;
    if (rate !== undefined && (!Number.isInteger(rate) || rate < 1 || rate > 500)) {
      throw new QueueArgumentError(
        `Queue "${this.name}": maxMessagesPerSecond must be a whole number from 1 to 500; found ${describeValue(rate)}.`,
        this.name,
      );
    }
    const limit = options.maxMessages ?? Number.POSITIVE_INFINITY;
    if (!(limit >= 0))
      throw new QueueArgumentError(
        `Queue "${this.name}": maxMessages must be ≥ 0; found ${describeValue(limit)}.`,
        this.name,
      );
    if (options.destination === this)
      throw new QueueArgumentError(`Queue "${this.name}": cannot redrive a queue into itself.`, this.name);
    if (!options.destination) this.checkSourcesKnown();
    const ids = options.messageIds;
    if (ids && ids.length === 0) return { moved: 0 };
    let afterSeq = 0;
    let moved = 0;
    const startedAt = Date.now();
    while (moved < limit) {
      const chunk = Math.min(rate ?? 1000, 1000, limit - moved);
      const touched = new Set<DurableQueue>();
      let fetched = 0;
      const n = this.db.transaction(() => {
        const now = this.host.now();
        // Visible messages: held ones too, unless leased (in flight).
        const selected = this.table.redrivable(now, afterSeq, chunk, ids);
        fetched = selected.length;
        if (fetched > 0) afterSeq = selected[fetched - 1]!.seq;
        const rows = selected.filter((row) => !this.leases.has(row.seq));
        for (const row of rows) {
          const target = options.destination ?? this.host.queueByArn(row.dead_letter_source ?? '');
          if (!target) {
            throw new QueueConfigError(
              `Queue "${this.name}": a message came from ${row.dead_letter_source ?? 'an unknown queue'}, which is not in this store; pass redrive({ destination }).`,
              this.name,
            );
          }
          this.table.copyAsNewMessage(target.table, row.seq, randomUUID(), now);
          this.table.delete(row.seq);
          touched.add(target);
        }
        return rows.length;
      })();
      for (const q of touched) q.notify();
      moved += n;
      if (fetched < chunk) break;
      if (rate !== undefined) {
        const due = startedAt + (moved / rate) * 1000;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
    return { moved };
  }

  private checkSourcesKnown(): void {
    for (const source of this.table.deadLetterSources()) {
      if (source === null || !this.host.queueByArn(source)) {
        throw new QueueConfigError(
          `Queue "${this.name}" holds messages whose source queue ${source === null ? 'is not recorded (they were sent here directly)' : `${source} is not in this store`}; pass redrive({ destination: queue }).`,
          this.name,
        );
      }
    }
  }

  private checkVisibility(value: unknown): asserts value is number {
    const { min, max } = QUEUE_LIMITS.visibilityTimeoutMs;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new QueueArgumentError(
        `Queue "${this.name}": visibilityTimeoutMs must be a whole number from ${min} to ${max}; found ${describeValue(value)}.`,
        this.name,
      );
    }
  }

  /** @internal Wakes long-polling receivers (a message was sent or became visible). */
  notify(): void {
    if (this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private waitForMessages(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', finish);
        resolve();
      };
      const timer = setTimeout(finish, ms);
      signal?.addEventListener('abort', finish, { once: true });
      this.waiters.push(finish);
    });
  }

  /** @internal Drops the table (used when the store deletes the queue). */
  dropStorage(): void {
    this.leases.clear();
    this.table.drop();
    this.notify();
  }
}
