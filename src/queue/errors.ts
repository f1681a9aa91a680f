/** Typed errors of the durable queue. Each names the queue and says how to fix the call. */

/** Base class: anything the durable queue rejects on purpose. */
export class QueueError extends Error {
  override readonly name: string = 'QueueError';
  constructor(
    message: string,
    /** The queue concerned, when there is one. */
    readonly queueName?: string,
  ) {
    super(message);
  }
}

/** A queue attribute (visibility timeout, retention, redrive policy…) is out of range or inconsistent. */
export class QueueConfigError extends QueueError {
  override readonly name = 'QueueConfigError';
}

/** A call argument (batch size, visibility timeout, message body…) is invalid. */
export class QueueArgumentError extends QueueError {
  override readonly name = 'QueueArgumentError';
}

/**
 * A receipt handle that this queue never issued (malformed, or from another queue). A handle
 * that this queue issued but that is no longer current (the message was received again, or
 * deleted) is not an error: `deleteMessage` and `changeVisibility` answer `false` for it.
 */
export class InvalidReceiptHandleError extends QueueError {
  override readonly name = 'InvalidReceiptHandleError';
}

/** The queue store was closed; open it again. */
export class QueueClosedError extends QueueError {
  override readonly name = 'QueueClosedError';
}
