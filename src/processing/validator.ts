/**
 * The validator: the first step of both workflows. It parses every event with the event model;
 * valid ones go on to the processor, invalid ones go to the dead-letter store with their
 * problems. One bad event never fails the batch.
 */
import { ValidatorInputError } from './errors.js';
import { formatProblems, parseGenesysEventText } from '../events/index.js';
import type { JsonObject } from '../contract/index.js';
import { deadLetterEntry } from './stores/dead-letter.js';
import type { DeadLetterStore } from './stores/dead-letter.js';
import { noopLogger } from './logger.js';
import type { ProcessingLogger } from './logger.js';
import type { ParsedEventHandoff } from './parsed-events.js';

/**
 * One SQS message of a batch, as an SQS event source mapping delivers it (the batch starter passes
 * them on; a batch is a JSON array of these). `body` is the EventBridge event as JSON text.
 */
export interface SqsRecord {
  messageId: string;
  receiptHandle?: string;
  body: string;
  attributes?: { ApproximateReceiveCount?: string; SentTimestamp?: string; [name: string]: string | undefined };
  messageAttributes?: Record<string, unknown>;
  md5OfBody?: string;
  eventSource?: string;
  eventSourceARN?: string;
  awsRegion?: string;
}

/** Input of the validator: a batch of SQS records (buffered mode) or one EventBridge event (direct mode). */
export type ValidatorRequest = { source: 'sqs'; records: SqsRecord[] } | { source: 'eventbridge'; event: unknown };

/** A valid event, ready for the processor. */
export interface ValidatedItem {
  messageId: string;
  receiveCount: number;
  /**
   * The EventBridge event: the record's JSON, parsed once (by `parseGenesysEventText`). Values of
   * fields the event model does not declare are the same objects as in the `GenesysEvent` handed
   * to `parsedEvents`; neither is changed afterwards, and a workflow copies its states' results.
   */
  event: JsonObject;
}

/** Output of the validator. */
export interface ValidationResult {
  items: ValidatedItem[];
  /** How many events were invalid (each dead-lettered). */
  invalid: number;
}

/** Options of {@link createValidator}. */
export interface ValidatorOptions {
  deadLetters: DeadLetterStore;
  logger?: ProcessingLogger;
  /** When the processor runs in this process: hands it the parsed events (see {@link ParsedEventHandoff}). */
  parsedEvents?: ParsedEventHandoff;
}

/**
 * Creates the validator.
 *
 * @example
 * const validator = createValidator({ deadLetters });
 * const { items, invalid } = await validator.validate({ source: 'sqs', records });
 */
export function createValidator(options: ValidatorOptions): {
  validate(request: ValidatorRequest): Promise<ValidationResult>;
} {
  const logger = options.logger ?? noopLogger;
  return {
    async validate(request: ValidatorRequest): Promise<ValidationResult> {
      const inputs = normalize(request);
      const items: ValidatedItem[] = [];
      let invalid = 0;
      for (const input of inputs) {
        // One JSON.parse: the parsed value is passed on, the parse result handed to the processor.
        const { result: parsed, value } = parseGenesysEventText(input.text);
        if (parsed.ok) {
          const event = value as JsonObject;
          options.parsedEvents?.put(input.messageId, event, parsed.event);
          items.push({ messageId: input.messageId, receiveCount: input.receiveCount, event });
          continue;
        }
        invalid++;
        const entry = deadLetterEntry({
          stage: 'validate',
          reason: `Invalid Genesys event: ${formatProblems(parsed.problems)}`,
          problems: parsed.problems,
          body: input.text,
          messageId: input.messageId,
          receiveCount: input.receiveCount,
          topic: topicOf(input.text, value),
        });
        await options.deadLetters.put(entry);
        logger.warn('Invalid event dead-lettered', {
          messageId: input.messageId,
          deadLetterId: entry.id,
          problems: parsed.problems.map((p) => p.path),
        });
      }
      return { items, invalid };
    },
  };
}

interface Input {
  messageId: string;
  receiveCount: number;
  text: string;
}

function normalize(request: ValidatorRequest): Input[] {
  if (!request || typeof request !== 'object')
    throw new ValidatorInputError(
      'The validator expects {source: "sqs", records: [...]} or {source: "eventbridge", event: {...}}.',
    );
  if (request.source === 'eventbridge') {
    const event = request.event;
    const text = typeof event === 'string' ? event : (JSON.stringify(event) ?? 'null');
    const id =
      event && typeof event === 'object' && typeof (event as { id?: unknown }).id === 'string'
        ? (event as { id: string }).id
        : 'direct';
    return [{ messageId: id, receiveCount: 1, text }];
  }
  if (request.source === 'sqs') {
    if (!Array.isArray(request.records)) {
      throw new ValidatorInputError(
        'The validator expects the batch (a JSON array of SQS records) in "records": the execution input must be that array.',
      );
    }
    return request.records.map((record, i) => {
      if (!record || typeof record !== 'object' || typeof record.messageId !== 'string' || record.messageId === '') {
        throw new ValidatorInputError(
          `Record ${i} of the batch has no messageId: the state machine input must be the SQS records of the batch.`,
        );
      }
      const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? 1);
      const text = typeof record.body === 'string' ? record.body : (JSON.stringify(record.body) ?? '');
      return {
        messageId: record.messageId,
        receiveCount: Number.isFinite(receiveCount) && receiveCount > 0 ? receiveCount : 1,
        text,
      };
    });
  }
  throw new ValidatorInputError(
    `Unknown validator source ${JSON.stringify((request as { source?: unknown }).source)}: expected "sqs" or "eventbridge".`,
  );
}

/** The `detail-type` of an event (its JSON `value`, else its text when readable), for the dead-letter entry. */
function topicOf(text: string, value: unknown): string | undefined {
  let event = value as { 'detail-type'?: unknown } | null | undefined;
  if (event === undefined) {
    try {
      event = JSON.parse(text) as { 'detail-type'?: unknown };
    } catch {
      return undefined;
    }
  }
  return typeof event?.['detail-type'] === 'string' ? event['detail-type'] : undefined;
}
