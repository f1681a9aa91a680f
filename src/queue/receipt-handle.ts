/**
 * Receipt handles: `<queue id>.<message seq>.<receive token>` in base 36. The receive token is
 * random and new for every receive, and it is stored with the message, so a handle is current
 * only until the message is received again: a consumer whose visibility timeout expired cannot
 * delete a message another consumer now holds.
 */
import { randomInt } from 'node:crypto';
import { InvalidReceiptHandleError } from './errors.js';

/** The parts of a receipt handle. */
interface ReceiptParts {
  queueId: number;
  seq: number;
  token: number;
}

/** A fresh random receive token (1 … 2^48 − 1). */
export function newReceiveToken(): number {
  return randomInt(1, 2 ** 48 - 1);
}

/** Builds the receipt handle of one received message. */
export function encodeReceiptHandle(parts: ReceiptParts): string {
  return `${parts.queueId.toString(36)}.${parts.seq.toString(36)}.${parts.token.toString(36)}`;
}

const HANDLE = /^([0-9a-z]{1,11})\.([0-9a-z]{1,11})\.([0-9a-z]{1,10})$/;

/**
 * Parses a receipt handle issued by queue `queueId`; throws {@link InvalidReceiptHandleError}
 * for anything else.
 */
export function decodeReceiptHandle(handle: unknown, queueId: number, queueName: string): ReceiptParts {
  const match = typeof handle === 'string' ? HANDLE.exec(handle) : null;
  if (!match) {
    throw new InvalidReceiptHandleError(
      `Receipt handle ${JSON.stringify(handle)} is not one queue "${queueName}" issues. Pass the receiptHandle of a message received from this queue.`,
      queueName,
    );
  }
  const parts = { queueId: parseInt(match[1]!, 36), seq: parseInt(match[2]!, 36), token: parseInt(match[3]!, 36) };
  if (parts.queueId !== queueId) {
    throw new InvalidReceiptHandleError(
      `Receipt handle ${handle as string} belongs to another queue, not "${queueName}". Delete a message through the queue it was received from.`,
      queueName,
    );
  }
  return parts;
}
