/**
 * Queue attributes and their validation (pure). The ranges are Amazon SQS's, in milliseconds
 * instead of seconds so that tests can use short timeouts.
 */
import { QueueConfigError } from './errors.js';

/** Sends a message to a dead-letter queue after it has been received `maxReceiveCount` times. */
export interface RedrivePolicy {
  /** Name of the dead-letter queue, a queue of the same store created before this one. */
  deadLetterQueue: string;
  /** Receives allowed before the next receive moves the message to the dead-letter queue (1–1000). */
  maxReceiveCount: number;
}

/** Attributes of a durable queue. Every field is optional; defaults are SQS's. */
export interface QueueConfig {
  /** Default visibility timeout of a receive. SQS range 0–12 h; default 30 s. */
  visibilityTimeoutMs?: number;
  /** How long a message is kept, from when it was first sent. SQS range 60 s–14 days; default 4 days. */
  retentionMs?: number;
  /** Default delay before a sent message becomes visible. SQS range 0–15 min; default 0. */
  delayMs?: number;
  /** Largest message (body plus attribute names and values, UTF-8 bytes). SQS: 1 KiB–1 MiB; default 1 MiB. */
  maxMessageBytes?: number;
  /** Moves messages received too often to a dead-letter queue. */
  redrivePolicy?: RedrivePolicy;
}

/** A {@link QueueConfig} with every default filled in. */
export type ResolvedQueueConfig = Required<Omit<QueueConfig, 'redrivePolicy'>> & { redrivePolicy?: RedrivePolicy };

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** SQS's limits, in milliseconds and bytes. */
export const QUEUE_LIMITS = {
  visibilityTimeoutMs: { min: 0, max: 12 * HOUR, default: 30 * SECOND },
  retentionMs: { min: 60 * SECOND, max: 14 * DAY, default: 4 * DAY },
  delayMs: { min: 0, max: 15 * MINUTE, default: 0 },
  maxMessageBytes: { min: 1024, max: 1024 * 1024, default: 1024 * 1024 },
  maxReceiveCount: { min: 1, max: 1000 },
} as const;

/** SQS queue names: 1–80 letters, digits, hyphens and underscores. */
const QUEUE_NAME_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;

/** Checks a queue name; throws {@link QueueConfigError} with the rule when it is invalid. */
export function validateQueueName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !QUEUE_NAME_PATTERN.test(name)) {
    throw new QueueConfigError(
      `Queue name ${JSON.stringify(name)} is invalid: use 1–80 letters, digits, hyphens (-) or underscores (_), e.g. "genesys-events".`,
    );
  }
}

function checkRange(queue: string, field: keyof typeof QUEUE_LIMITS, value: unknown, unit: string): number {
  const limits = QUEUE_LIMITS[field];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < limits.min || value > limits.max) {
    throw new QueueConfigError(
      `Queue "${queue}": ${field} must be a whole number of ${unit} from ${limits.min} to ${limits.max}; got ${JSON.stringify(value)}.`,
      queue,
    );
  }
  return value;
}

/** Fills in defaults and validates every attribute of `config`. */
export function resolveQueueConfig(queue: string, config: QueueConfig = {}): ResolvedQueueConfig {
  const resolved: ResolvedQueueConfig = {
    visibilityTimeoutMs: checkRange(
      queue,
      'visibilityTimeoutMs',
      config.visibilityTimeoutMs ?? QUEUE_LIMITS.visibilityTimeoutMs.default,
      'milliseconds',
    ),
    retentionMs: checkRange(
      queue,
      'retentionMs',
      config.retentionMs ?? QUEUE_LIMITS.retentionMs.default,
      'milliseconds',
    ),
    delayMs: checkRange(queue, 'delayMs', config.delayMs ?? QUEUE_LIMITS.delayMs.default, 'milliseconds'),
    maxMessageBytes: checkRange(
      queue,
      'maxMessageBytes',
      config.maxMessageBytes ?? QUEUE_LIMITS.maxMessageBytes.default,
      'bytes',
    ),
  };
  if (config.redrivePolicy !== undefined) {
    const { deadLetterQueue, maxReceiveCount } = config.redrivePolicy;
    validateQueueName(deadLetterQueue);
    if (deadLetterQueue === queue) {
      throw new QueueConfigError(
        `Queue "${queue}": redrivePolicy.deadLetterQueue cannot be the queue itself; name another queue.`,
        queue,
      );
    }
    checkRange(queue, 'maxReceiveCount', maxReceiveCount, 'receives');
    resolved.redrivePolicy = { deadLetterQueue, maxReceiveCount };
  }
  return resolved;
}
