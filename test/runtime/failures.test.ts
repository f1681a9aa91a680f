/**
 * Failures through the real runtime (in-process, real SQLite, real executor), injected with the
 * `functionOverrides` and `sinks` hooks: a record in `batchItemFailures` returns to the queue and
 * is processed on its next delivery; the processor counts an event's own failures across
 * deliveries and dead-letters it, with the reason, on the attempt that reaches the limit; a batch
 * whose execution keeps failing reaches `maxReceiveCount` and moves to the queue's DLQ (the
 * backstop); permanent failures and invalid events are dead-lettered with their reason; `redrive`
 * puts them back and they are processed once the fault is gone.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseGenesysEvent } from '../../src/events/index.js';
import {
  PermanentProcessingError,
  SqliteConversationQueries,
  TransientProcessingError,
} from '../../src/processing/index.js';
import type { Sink } from '../../src/processing/index.js';
import { startRuntime } from '../../src/runtime/index.js';
import type { Runtime, RuntimeOptions } from '../../src/runtime/index.js';
import { generateEvents } from '../../src/simulate/index.js';
import { FUNCTION_PLACEHOLDERS } from '../../src/workflow/index.js';
import type { LocalLambdaHandler } from '../../src/workflow/index.js';
import { tempDir } from '../support/tmp.js';
import { entryOf } from './support.js';

const dir = tempDir('gep-runtime-failures-');
let runtime: Runtime | undefined;
afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
});

const P = FUNCTION_PLACEHOLDERS;
const lines = [...generateEvents({ conversations: 30, seed: 5 })];
const conversationOf = (line: string): string =>
  (JSON.parse(line) as { detail: { eventBody: { conversationId: string } } }).detail.eventBody.conversationId;
const victim = conversationOf(lines[0]!);
const victimLines = lines.filter((l) => conversationOf(l) === victim);

async function start(
  name: string,
  options: Partial<RuntimeOptions>,
  overrides: (f: Record<string, LocalLambdaHandler>) => Record<string, LocalLambdaHandler>,
  sinks?: Sink[],
): Promise<Runtime> {
  runtime = await startRuntime(
    { dataDir: join(dir, name), port: 0, retryPauseMs: 1, visibilityTimeoutMs: 1000, batchWindowMs: 0, ...options },
    { functionOverrides: overrides, ...(sinks ? { sinks } : {}) },
  );
  return runtime;
}

async function put(r: Runtime, batch: readonly string[]): Promise<void> {
  for (let i = 0; i < batch.length; i += 10) {
    const out = await r.pipeline.eventBridge.putEvents({
      Entries: batch.slice(i, i + 10).map((l) => ({ ...entryOf(l), Time: undefined })) as never,
    });
    expect(out.FailedEntryCount).toBe(0);
  }
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const eventOfPayload = (payload: unknown): string | undefined => {
  const parsed = parseGenesysEvent(((payload as { event?: object }).event ?? null) as object);
  return parsed.ok && parsed.event.kind === 'conversation' ? parsed.event.conversationId : undefined;
};

describe('failures in the running pipeline', () => {
  it('batchItemFailures return to the queue and are processed on the next delivery', async () => {
    const deliveries: number[] = [];
    const r = await start('partial', {}, (f) => ({
      ...f,
      [P.processor]: async (payload) => {
        const p = payload as { receiveCount?: number };
        if (eventOfPayload(payload) === victim) {
          deliveries.push(p.receiveCount ?? 0);
          if (p.receiveCount === 1) throw new TransientProcessingError('the CRM is down (injected)');
        }
        return f[P.processor]!(payload);
      },
    }));
    await put(r, lines);
    await until(async () => (await r.telemetry.snapshot()).processed === lines.length);
    const stats = await r.telemetry.snapshot();
    // First delivery: the attempt and the definition's 2 transient retries fail → batchItemFailures; second delivery succeeds.
    expect(deliveries.filter((d) => d === 1)).toHaveLength(victimLines.length * 3);
    expect(deliveries.filter((d) => d === 2)).toHaveLength(victimLines.length);
    expect(stats.failed).toBe(victimLines.length * 3);
    expect(stats.retried).toBe(victimLines.length * 2);
    expect(stats.deadLettered).toBe(0);
    expect(r.pipeline.eventQueue.stats().total).toBe(0);
    const conversation = new SqliteConversationQueries(r.pipeline.processingReader).get(victim) as
      { eventCount: number } | undefined;
    expect(conversation?.eventCount).toBe(victimLines.length);
  }, 30_000);

  it("the processor counts an event's failures across deliveries and dead-letters it, with the reason, at the limit", async () => {
    let broken = true;
    const crm: Sink = {
      name: 'crm',
      async handle(event) {
        if (broken && event.kind === 'conversation' && event.conversationId === victim)
          throw new TransientProcessingError('the CRM is down (injected)');
      },
    };
    // 3 attempts per delivery (1 + 2 retries): the limit of 6 is reached on the second delivery.
    const r = await start('counted', { maxProcessingAttempts: 6 }, (f) => f, [crm]);
    await put(r, lines);
    // The telemetry counts a dead letter when the processor returns; the entry is readable once committed.
    await until(async () => {
      const s = await r.telemetry.snapshot();
      return (
        s.processed === lines.length - victimLines.length &&
        s.deadLettered === victimLines.length &&
        r.admin.listDeadLetters({ kinds: ['failed'] }).deadLetters.length === victimLines.length
      );
    });
    const failed = r.admin.listDeadLetters({ kinds: ['failed'] }).deadLetters;
    expect(failed).toHaveLength(victimLines.length);
    for (const d of failed) {
      expect(d.reason).toMatch(
        /^Sink "crm" failed 6 times \(the limit is 6 attempts across deliveries\); the last error: TransientProcessingError: the CRM is down/,
      );
      expect(d).toMatchObject({ conversationId: victim, sink: 'crm', id: expect.stringMatching(/@crm$/) });
    }
    expect(r.pipeline.eventQueue.stats().total).toBe(0);
    expect(r.pipeline.eventQueueDlq.stats().total).toBe(0);
    // The projection took the victim's events all the same: only the CRM gave up on them.
    const conversation = new SqliteConversationQueries(r.pipeline.processingReader).get(victim) as
      { eventCount: number } | undefined;
    expect(conversation?.eventCount).toBe(victimLines.length);
    // Fixed and redriven: given to the CRM alone, which takes them; the entries are gone.
    broken = false;
    const result = await r.admin.redrive({ kinds: ['failed'] });
    expect(result.redriven).toHaveLength(victimLines.length);
    expect(result.redriven.every((x) => x.to === 'sink')).toBe(true);
    expect(r.admin.listDeadLetters({}).counts.failed).toBe(0);
  }, 30_000);

  it('a batch that keeps failing moves to the queue DLQ after maxReceiveCount; redrive processes it', async () => {
    let broken = true;
    const r = await start('dlq', { batchSize: 1, maxReceiveCount: 2 }, (f) => ({
      ...f,
      [P.validator]: async (payload) => {
        const records = (payload as { records: Array<{ body: string }> }).records;
        if (broken && records.some((rec) => rec.body.includes(victim)))
          throw new Error('the validator crashed (injected)');
        return f[P.validator]!(payload);
      },
    }));
    await put(r, lines);
    const others = lines.length - victimLines.length;
    await until(
      async () =>
        (await r.telemetry.snapshot()).processed === others &&
        r.pipeline.eventQueueDlq.stats().total === victimLines.length,
    );
    const listing = r.admin.listDeadLetters({ kinds: ['queue'] });
    expect(listing.counts.queue).toBe(victimLines.length);
    expect(listing.deadLetters).toHaveLength(victimLines.length);
    for (const d of listing.deadLetters) {
      expect(d.kind).toBe('queue');
      expect(d.reason).toMatch(/maxReceiveCount 2/);
      expect(d.conversationId).toBe(victim);
    }
    const shown = r.admin.showDeadLetter(listing.deadLetters[0]!.id);
    expect(JSON.parse(shown.body).detail.eventBody.conversationId).toBe(victim);

    broken = false;
    const result = await r.admin.redrive({ kinds: ['queue'] });
    expect(result.redriven).toHaveLength(victimLines.length);
    await until(async () => (await r.telemetry.snapshot()).processed === lines.length);
    expect(r.pipeline.eventQueueDlq.stats().total).toBe(0);
  }, 30_000);

  it('permanent failures and invalid events are dead-lettered with the reason; redrive brings failures back', async () => {
    let broken = true;
    const crmSaw: string[] = [];
    const lakeSaw: string[] = [];
    const crm: Sink = {
      name: 'crm',
      async handle(event) {
        if (broken && event.kind === 'conversation' && event.conversationId === victim)
          throw new PermanentProcessingError('the CRM rejected the conversation (injected)');
        crmSaw.push(event.key);
      },
    };
    const lake: Sink = { name: 'lake', handle: async (event) => void lakeSaw.push(event.key) };
    const r = await start('permanent', {}, (f) => f, [crm, lake]);
    const invalidLine = JSON.stringify({
      ...JSON.parse(lines[1]!),
      detail: {
        topicName: 'v2.detail.events.conversation.x.customer.start',
        version: '2',
        eventBody: { eventTime: 'soon' },
      },
    });
    await put(r, [...lines, invalidLine]);
    await until(async () => {
      const s = await r.telemetry.snapshot();
      return (
        s.processed === lines.length - victimLines.length &&
        s.deadLettered === victimLines.length + 1 &&
        r.admin.listDeadLetters({}).deadLetters.length === victimLines.length + 1
      );
    });
    const listing = r.admin.listDeadLetters({});
    expect(listing.counts).toMatchObject({ failed: victimLines.length, invalid: 1, queue: 0, target: 0, dropped: 0 });
    expect(
      listing.deadLetters
        .filter((d) => d.kind === 'failed')
        .every((d) => /CRM rejected/.test(d.reason) && d.conversationId === victim),
    ).toBe(true);
    expect(listing.deadLetters.find((d) => d.kind === 'invalid')?.reason).toMatch(/Invalid Genesys event/);

    // The CRM gave up on the victim's events, the lake (after it) took every event.
    expect(new Set(lakeSaw).size).toBe(lines.length);
    expect(listing.deadLetters.filter((d) => d.kind === 'failed').every((d) => d.sink === 'crm')).toBe(true);

    broken = false;
    // --sink lake: none of its own; the CRM's stay.
    expect(await r.admin.redrive({ sink: 'lake' })).toEqual({ redriven: [], skipped: [] });
    const result = await r.admin.redrive({ sink: 'crm' });
    expect(result.redriven).toHaveLength(victimLines.length);
    expect(result.redriven.every((x) => x.to === 'sink')).toBe(true);
    expect(result.skipped).toEqual([]);
    // To the CRM alone: the lake saw each event once.
    expect(new Set(crmSaw).size).toBe(lines.length);
    expect(lakeSaw).toHaveLength(new Set(lakeSaw).size);
    expect(r.admin.listDeadLetters({}).counts).toMatchObject({ failed: 0, invalid: 1 });

    // An invalid event redriven unchanged fails validation again and comes back with the same id.
    const invalidId = listing.deadLetters.find((d) => d.kind === 'invalid')!.id;
    expect((await r.admin.redrive({ ids: [invalidId] })).skipped).toEqual([
      { id: invalidId, reason: expect.stringMatching(/--include-invalid/) },
    ]);
    const again = await r.admin.redrive({ ids: [invalidId], includeInvalid: true });
    expect(again.redriven).toEqual([{ id: invalidId, to: 'queue' }]);
    await until(async () => (await r.telemetry.snapshot()).invalid === 2);
    await until(() => r.admin.listDeadLetters({ kinds: ['invalid'] }).deadLetters.length === 1);
    expect(r.admin.listDeadLetters({ kinds: ['invalid'] }).deadLetters[0]!.id).toBe(invalidId);
  }, 30_000);
});
