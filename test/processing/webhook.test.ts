/**
 * The webhook sink against a real HTTP server on 127.0.0.1: requests signed with HMAC-SHA256 as
 * docs/processing.md tells receivers to verify them (a receiver written from the docs accepts
 * them, and refuses a changed body, a wrong secret and an old timestamp); transient answers
 * retried with backoff within one delivery; permanent ones not retried; on AWS the secret comes
 * from Secrets Manager (a fake on real HTTP), never into a log or an error.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  PermanentProcessingError,
  signWebhookBody,
  TransientProcessingError,
  verifyWebhookSignature,
  WebhookSink,
} from '../../src/processing/index.js';
import { parseGenesysEvent } from '../../src/events/index.js';
import type { GenesysEvent } from '../../src/events/index.js';
import { EMPTY_DIRECTORY } from '../../src/directory/ports.js';
import { listenOnLoopback, readBody } from '../support/http-server.js';
import { startFakeSecretsManager } from '../support/fake-aws.js';
import { PIPELINE_TABLES, startDynalite } from '../support/dynalite.js';
import { eventLine } from '../workflow/support.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

async function receiver(statuses: number[]) {
  const received: Received[] = [];
  const listening = await listenOnLoopback(
    createServer((req, res) => {
      void readBody(req).then((body) => {
        received.push({ headers: req.headers, body, at: Date.now() });
        res.statusCode = statuses.shift() ?? 200;
        res.end();
      });
    }),
  );
  return { url: `${listening.url}/hooks?token=t0ken`, received, close: listening.close };
}

const eventOf = (i: number): GenesysEvent => {
  const parsed = parseGenesysEvent(eventLine(i));
  if (!parsed.ok) throw new Error('test event invalid');
  return parsed.event;
};
const context = { messageId: 'm', receiveCount: 1, directory: EMPTY_DIRECTORY };

/** A receiver's check, written from docs/processing.md alone (not with the library's helper). */
function verifiedAsDocumented(secret: string, r: Received, nowMs = Date.now()): boolean {
  const timestamp = String(r.headers['x-genesys-pipeline-timestamp']);
  const signature = String(r.headers['x-genesys-pipeline-signature']);
  const expected = `v1=${createHmac('sha256', secret).update(`${timestamp}.${r.body}`).digest('hex')}`;
  const fresh = Math.abs(nowMs / 1000 - Number(timestamp)) <= 300;
  return (
    fresh && expected.length === signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(signature))
  );
}

describe('WebhookSink: signing', () => {
  it('signs each request so a receiver can verify it; a changed body, another secret or an old timestamp fail', async () => {
    const r = await receiver([]);
    const sink = new WebhookSink({ url: r.url, secret: 'shared-s3cret' });
    await sink.handle(eventOf(1), context);
    const [got] = r.received;
    expect(verifiedAsDocumented('shared-s3cret', got!)).toBe(true);
    const input = {
      secret: 'shared-s3cret',
      body: got!.body,
      timestamp: got!.headers['x-genesys-pipeline-timestamp'] as string,
      signature: got!.headers['x-genesys-pipeline-signature'] as string,
    };
    expect(verifyWebhookSignature(input)).toBe(true);
    expect(verifyWebhookSignature({ ...input, body: got!.body.replace('"m"', '"x"') })).toBe(false);
    expect(verifyWebhookSignature({ ...input, secret: 'other' })).toBe(false);
    expect(verifyWebhookSignature({ ...input, now: Date.now() + 301_000 })).toBe(false);
    expect(verifyWebhookSignature({ ...input, signature: undefined })).toBe(false);
    expect(JSON.parse(got!.body)).toMatchObject({ kind: 'conversation', messageId: 'm' });
    // The known answer of the scheme: HMAC-SHA256 over "<timestamp>.<body>", hex, "v1=" prefix.
    expect(signWebhookBody('key', 1767268800, '{}')).toBe(
      `v1=${createHmac('sha256', 'key').update('1767268800.{}').digest('hex')}`,
    );
    await r.close();
  });

  it('sends no signature headers without a secret, and refuses an empty one', async () => {
    const r = await receiver([]);
    await new WebhookSink({ url: r.url }).handle(eventOf(2), context);
    expect(r.received[0]!.headers['x-genesys-pipeline-signature']).toBeUndefined();
    expect(() => new WebhookSink({ url: r.url, secret: '' })).toThrow(/secret is empty/);
    await r.close();
  });
});

describe('WebhookSink: retries with backoff', () => {
  it('retries 503, 429 and 408 with growing pauses, each attempt signed afresh; succeeds when the receiver recovers', async () => {
    const r = await receiver([503, 429, 200]);
    const sink = new WebhookSink({ url: r.url, secret: 's', retries: 2, initialDelayMs: 30, maxDelayMs: 1000 });
    await sink.handle(eventOf(3), context);
    expect(r.received).toHaveLength(3);
    expect(r.received.every((x) => verifiedAsDocumented('s', x))).toBe(true);
    expect(new Set(r.received.map((x) => x.headers['idempotency-key'])).size).toBe(1);
    await r.close();
  });

  it('gives up after its retries with a transient error (the pipeline retries on), never showing the URL path', async () => {
    const r = await receiver([500, 502, 503, 200]);
    const sink = new WebhookSink({ url: r.url, retries: 2, initialDelayMs: 1, maxDelayMs: 5 });
    const error = await sink.handle(eventOf(4), context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientProcessingError);
    expect((error as Error).message).toContain('HTTP 503');
    expect((error as Error).message).not.toContain('t0ken');
    expect(r.received).toHaveLength(3);
    await r.close();
  });

  it('does not retry a permanent rejection', async () => {
    const r = await receiver([400]);
    const sink = new WebhookSink({ url: r.url, retries: 3, initialDelayMs: 1 });
    await expect(sink.handle(eventOf(5), context)).rejects.toBeInstanceOf(PermanentProcessingError);
    expect(r.received).toHaveLength(1);
    await r.close();
  });
});

describe('the processor on AWS: the webhook secret from Secrets Manager', () => {
  it('reads SINK_WEBHOOK_SECRET_ARN through Secrets Manager (once, cached) and signs with it', async () => {
    const secrets = await startFakeSecretsManager();
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:webhook-AbCdEf';
    secrets.secrets.set(arn, 'from-secrets-manager');
    const dynalite = await startDynalite([
      PIPELINE_TABLES.idempotency(),
      PIPELINE_TABLES.conversations(),
      PIPELINE_TABLES.deadLetters(),
    ]);
    const r = await receiver([]);
    Object.assign(process.env, dynalite.env, { AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url });
    const { processorFromEnv } = await import('../../src/functions/processor.js');
    const processor = await processorFromEnv({
      IDEMPOTENCY_TABLE_NAME: 'idempotency',
      CONVERSATIONS_TABLE_NAME: 'conversations',
      DEAD_LETTER_TABLE_NAME: 'dead-letters',
      SINK_WEBHOOK_URL: r.url,
      SINK_WEBHOOK_SECRET_ARN: arn,
    });
    for (const i of [6, 7])
      expect(await processor.process({ messageId: `m${i}`, event: JSON.parse(eventLine(i)) })).toMatchObject({
        status: 'processed',
      });
    expect(r.received).toHaveLength(2);
    expect(r.received.every((x) => verifiedAsDocumented('from-secrets-manager', x))).toBe(true);
    expect(secrets.reads).toEqual([arn]);
    await r.close();
  });
});
