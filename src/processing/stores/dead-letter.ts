/**
 * The dead-letter store: events we could not process, each with the reason, so nothing is lost
 * and every entry can be fixed and redriven. Adapters: DynamoDB and SQLite.
 */
import { createHash } from 'node:crypto';
import type { EventProblem } from '../../events/index.js';

/** Where in the pipeline an event was given up on. */
export type DeadLetterStage = 'validate' | 'process';

/** One dead-lettered event. */
export interface DeadLetterEntry {
  /**
   * Stable id: `<stage>#<event key>` or, for an event that did not parse, `<stage>#sha256:<hash of
   * the body>`; for an event one sink gave up on, `process#<event key>@<sink name>`. Re-dead-lettering
   * the same event (for the same sink) overwrites its entry.
   */
  id: string;
  /**
   * The sink that gave up on the event (the others processed it); absent when the event as a whole
   * was given up on. Redriving the entry delivers the event to this sink alone.
   */
  sink?: string;
  stage: DeadLetterStage;
  /** The reason, in one or a few sentences. */
  reason: string;
  /** For invalid events: every problem found by the event model. */
  problems?: EventProblem[];
  /** For processing failures: the error name (e.g. `PermanentProcessingError`, `TransientProcessingError`). */
  errorName?: string;
  /** The event as received (JSON text), cut at {@link MAX_DEAD_LETTER_BODY_BYTES} when larger. */
  body: string;
  /** True when `body` was cut; `bodySha256` then identifies the whole body. */
  bodyTruncated?: boolean;
  /** SHA-256 (hex) of the whole body. */
  bodySha256: string;
  eventKey?: string;
  conversationId?: string;
  /** The generic topic (`detail-type`), when known. */
  topic?: string;
  /** The SQS message id (buffered mode) or EventBridge event id (direct mode). */
  messageId?: string;
  /** How many times the queue had delivered the message, when known. */
  receiveCount?: number;
  /** ISO 8601 time of dead-lettering. */
  deadLetteredAt: string;
}

/** Stores dead-lettered events. `put` is idempotent per entry id. */
export interface DeadLetterStore {
  put(entry: DeadLetterEntry): Promise<void>;
  /** Entries, oldest first (at most `limit`, default 1000). */
  list(options?: { limit?: number }): Promise<DeadLetterEntry[]>;
}

/** Bodies above this many bytes are cut (DynamoDB items are at most 400 KB; EventBridge events at most 256 KiB). */
export const MAX_DEAD_LETTER_BODY_BYTES = 300 * 1024;

/** What {@link deadLetterEntry} needs. */
export interface DeadLetterInput {
  stage: DeadLetterStage;
  reason: string;
  /** The event as JSON text, or as a value (serialized with `JSON.stringify`). */
  body: string | unknown;
  problems?: EventProblem[];
  errorName?: string;
  eventKey?: string;
  conversationId?: string;
  topic?: string;
  messageId?: string;
  receiveCount?: number;
  /** The sink that gave up on the event (see {@link DeadLetterEntry.sink}). */
  sink?: string;
  now?: Date;
}

/**
 * Builds a dead-letter entry: stable id, body cut to size with its hash.
 *
 * @example
 * await store.put(deadLetterEntry({ stage: 'validate', reason: formatProblems(problems), problems, body: record.body }));
 */
export function deadLetterEntry(input: DeadLetterInput): DeadLetterEntry {
  const text = typeof input.body === 'string' ? input.body : (JSON.stringify(input.body) ?? String(input.body));
  const bodySha256 = createHash('sha256').update(text).digest('hex');
  const bytes = Buffer.from(text, 'utf8');
  const truncated = bytes.length > MAX_DEAD_LETTER_BODY_BYTES;
  const entry: DeadLetterEntry = {
    id: `${input.stage}#${input.eventKey ?? `sha256:${bodySha256}`}${input.sink !== undefined ? `@${input.sink}` : ''}`,
    stage: input.stage,
    reason: input.reason,
    body: truncated ? bytes.subarray(0, MAX_DEAD_LETTER_BODY_BYTES).toString('utf8') : text,
    bodySha256,
    deadLetteredAt: (input.now ?? new Date()).toISOString(),
  };
  if (truncated) entry.bodyTruncated = true;
  if (input.problems?.length) entry.problems = input.problems;
  for (const field of ['errorName', 'eventKey', 'conversationId', 'topic', 'messageId', 'sink'] as const) {
    const value = input[field];
    if (value !== undefined) entry[field] = value;
  }
  if (input.receiveCount !== undefined) entry.receiveCount = input.receiveCount;
  return entry;
}
