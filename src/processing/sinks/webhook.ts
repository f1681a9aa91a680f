/**
 * The webhook sink: POSTs each new event as JSON to a URL (a CRM endpoint, a chat webhook, …),
 * signed so that the receiver can tell it came from this pipeline.
 *
 * The request carries `Idempotency-Key: <event key>` so the receiver can drop the rare
 * re-delivery. HTTP 2xx is success; 408, 429 and 5xx (and network errors or timeouts) are
 * transient — retried here with exponential backoff (cockatiel), then left to the pipeline's own
 * retries; other statuses are permanent — the event is dead-lettered for this sink. Only the
 * URL's origin ever appears in errors: paths and query strings often hold tokens.
 *
 * **Signature** (with a secret): headers `X-Genesys-Pipeline-Timestamp: <unix seconds>` and
 * `X-Genesys-Pipeline-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`. A receiver
 * recomputes the HMAC over the raw body it received, compares in constant time, and refuses a
 * timestamp more than 5 minutes away from its clock (a replayed request) — {@link verifyWebhookSignature}.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import { WebhookSinkConfigError } from '../errors.js';
import type { GenesysEvent } from '../../events/index.js';
import { PermanentProcessingError, TransientProcessingError } from '../errors.js';
import type { Sink, SinkContext } from '../sink.js';

/** The headers of a signed request. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-genesys-pipeline-signature';
export const WEBHOOK_TIMESTAMP_HEADER = 'x-genesys-pipeline-timestamp';

/** How far a signed request's timestamp may be from the receiver's clock, seconds (default of {@link verifyWebhookSignature}). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** Options of {@link WebhookSink}. */
export interface WebhookSinkOptions {
  /** `http:` or `https:` URL to POST to. */
  url: string;
  /** Per-request timeout (default 5000 ms). */
  timeoutMs?: number;
  /** Extra request headers (e.g. an `Authorization` header; never logged). */
  headers?: Record<string, string>;
  /**
   * The shared secret that signs each request (see the module comment): the secret itself, or a
   * function that reads it (on AWS: from Secrets Manager, cached). Unset: requests are not signed.
   */
  secret?: string | (() => Promise<string>);
  /** Retries of a transient failure within one delivery, with exponential backoff (default 2; 0: none). */
  retries?: number;
  /** First backoff delay, ms (default 200); it doubles, with jitter, up to `maxDelayMs` (default 2000). */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/** The JSON body the webhook receives. */
export interface WebhookPayload {
  key: string;
  /** The generic topic (`detail-type`), e.g. `v2.detail.events.conversation.{id}.acd.end`. */
  topic: string;
  /** The concrete topic, with the ids. */
  topicName: string;
  /** The event's family (`conversation`, `user-presence`, `audit`, …, `generic`). */
  kind: GenesysEvent['kind'];
  conversationId?: string;
  eventTime?: number;
  messageId: string;
  /** The EventBridge event as delivered. */
  event: unknown;
}

/**
 * The signature header's value for a body sent at `timestamp` (unix seconds).
 *
 * @example
 * signWebhookBody('s3cret', 1767268800, '{"key":"…"}') // → 'v1=5d41…'
 */
export function signWebhookBody(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/**
 * Checks a signed request as a receiver should: the signature over the raw body, compared in
 * constant time, and the timestamp within `toleranceSeconds` of `now`.
 *
 * @example
 * const ok = verifyWebhookSignature({ secret, body: rawBody, timestamp: req.headers['x-genesys-pipeline-timestamp'], signature: req.headers['x-genesys-pipeline-signature'] });
 */
export function verifyWebhookSignature(input: {
  secret: string;
  /** The raw request body, exactly as received. */
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  toleranceSeconds?: number;
  /** The receiver's clock, ms (default `Date.now()`). */
  now?: number;
}): boolean {
  const timestamp = Number(input.timestamp);
  if (!input.timestamp || !/^\d+$/.test(input.timestamp) || !input.signature) return false;
  const now = (input.now ?? Date.now()) / 1000;
  if (Math.abs(now - timestamp) > (input.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS)) return false;
  const expected = Buffer.from(signWebhookBody(input.secret, timestamp, input.body));
  const given = Buffer.from(input.signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * @example
 * const sinks = [new WebhookSink({ url: 'https://crm.example.com/hooks/genesys', secret: process.env.WEBHOOK_SECRET })];
 */
export class WebhookSink implements Sink {
  readonly name = 'webhook';
  readonly #url: URL;
  readonly #timeoutMs: number;
  readonly #headers: Record<string, string>;
  readonly #secret: (() => Promise<string>) | undefined;
  readonly #policy;

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
    const retries = options.retries ?? 2;
    if (!Number.isInteger(retries) || retries < 0 || retries > 10)
      throw new WebhookSinkConfigError(
        `The webhook sink's retries must be a whole number 0–10, got ${String(retries)}.`,
      );
    const secret = options.secret;
    if (typeof secret === 'string' && secret === '')
      throw new WebhookSinkConfigError(
        'The webhook sink secret is empty; give the shared secret, or none to send unsigned.',
      );
    this.#url = url;
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#headers = { ...options.headers };
    this.#secret = typeof secret === 'string' ? () => Promise.resolve(secret) : secret;
    this.#policy = retry(
      handleWhen((error) => error instanceof TransientProcessingError),
      {
        maxAttempts: retries,
        backoff: new ExponentialBackoff({
          initialDelay: options.initialDelayMs ?? 200,
          maxDelay: options.maxDelayMs ?? 2000,
        }),
      },
    );
  }

  async handle(event: GenesysEvent, context: SinkContext): Promise<void> {
    const payload: WebhookPayload = {
      key: event.key,
      topic: event.genericTopic,
      topicName: event.topicName,
      kind: event.kind,
      messageId: context.messageId,
      event: event.envelope,
    };
    if (event.kind === 'conversation') {
      payload.conversationId = event.conversationId;
      payload.eventTime = event.eventTime;
    }
    const body = JSON.stringify(payload);
    const secret = this.#secret ? await this.#secret() : undefined;
    await this.#policy.execute(() => this.#post(event.key, body, secret));
  }

  async #post(key: string, body: string, secret: string | undefined): Promise<void> {
    const where = `webhook ${this.#url.origin}`;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': key };
    if (secret !== undefined) {
      // Signed at each attempt: a retry carries a fresh timestamp.
      const timestamp = Math.floor(Date.now() / 1000);
      headers[WEBHOOK_TIMESTAMP_HEADER] = String(timestamp);
      headers[WEBHOOK_SIGNATURE_HEADER] = signWebhookBody(secret, timestamp, body);
    }
    let response: Response;
    try {
      response = await fetch(this.#url, {
        method: 'POST',
        headers: { ...headers, ...this.#headers },
        body,
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
