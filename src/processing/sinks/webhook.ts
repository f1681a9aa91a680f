/**
 * An example sink: POSTs each new event as JSON to a URL (a CRM endpoint, a chat webhook, …).
 *
 * The request carries `Idempotency-Key: <event key>` so the receiver can drop the rare
 * re-delivery. HTTP 2xx is success; 408, 429 and 5xx (and network errors or timeouts) are
 * transient — the event is retried; other statuses are permanent — the event is dead-lettered.
 * Only the URL's origin ever appears in errors: paths and query strings often hold tokens.
 */
import { WebhookSinkConfigError } from '../errors.js';
import type { GenesysEvent } from '../../events/index.js';
import { PermanentProcessingError, TransientProcessingError } from '../errors.js';
import type { Sink, SinkContext } from '../sink.js';

/** Options of {@link WebhookSink}. */
export interface WebhookSinkOptions {
  /** `http:` or `https:` URL to POST to. */
  url: string;
  /** Per-request timeout (default 5000 ms). */
  timeoutMs?: number;
  /** Extra request headers (e.g. an `Authorization` header; never logged). */
  headers?: Record<string, string>;
}

/** The JSON body the webhook receives. */
export interface WebhookPayload {
  key: string;
  /** The generic topic (`detail-type`), e.g. `v2.detail.events.conversation.{id}.acd.end`. */
  topic: string;
  /** The concrete topic, with the ids. */
  topicName: string;
  conversationId?: string;
  eventTime?: number;
  messageId: string;
  /** The EventBridge event as delivered. */
  event: unknown;
}

/**
 * @example
 * const sinks = [new ConversationProjectionSink(store), new WebhookSink({ url: 'https://crm.example.com/hooks/genesys' })];
 */
export class WebhookSink implements Sink {
  readonly name = 'webhook';
  readonly #url: URL;
  readonly #timeoutMs: number;
  readonly #headers: Record<string, string>;

  constructor(options: WebhookSinkOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new WebhookSinkConfigError(
        'The webhook sink URL is not a valid absolute URL (e.g. https://crm.example.com/hooks/genesys).',
      );
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new WebhookSinkConfigError(`The webhook sink URL must be http: or https:, got ${url.protocol}`);
    }
    this.#url = url;
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#headers = { ...options.headers };
  }

  async handle(event: GenesysEvent, context: SinkContext): Promise<void> {
    const payload: WebhookPayload = {
      key: event.key,
      topic: event.genericTopic,
      topicName: event.topicName,
      messageId: context.messageId,
      event: event.envelope,
    };
    if (event.kind === 'conversation') {
      payload.conversationId = event.conversationId;
      payload.eventTime = event.eventTime;
    }
    const where = `webhook ${this.#url.origin}`;
    let response: Response;
    try {
      response = await fetch(this.#url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': event.key, ...this.#headers },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      const reason =
        (error as Error).name === 'TimeoutError' ? `no answer within ${this.#timeoutMs} ms` : (error as Error).message;
      throw new TransientProcessingError(`POST to ${where} failed: ${reason}.`);
    }
    // Drain the body so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return;
    const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    if (response.status === 408 || response.status === 429 || response.status >= 500) {
      throw new TransientProcessingError(`${where} answered ${status}; the event will be retried.`);
    }
    throw new PermanentProcessingError(
      `${where} rejected the event with ${status}; fix the receiver, then redrive the dead-letter entry.`,
    );
  }
}
