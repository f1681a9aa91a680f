/**
 * The processing side on its worker thread (`WorkerExecutions`) and on the calling thread
 * (`InlineExecutions`): the same answers and the same effects; an answer only once its effects
 * are committed (another connection sees them the moment it arrives); outcome reports with the
 * real peak concurrency; conditional removal of dead letters; clear failures when the thread
 * cannot start or dies.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ProcessingUnavailableError } from '../../src/runtime/errors.js';
import { InlineExecutions, WorkerExecutions } from '../../src/runtime/executions.js';
import type { Executions } from '../../src/runtime/executions.js';
import { ExecutionHost } from '../../src/runtime/execution-host.js';
import type { ExecutionSettings } from '../../src/runtime/execution-host.js';
import type { OutcomeSink } from '../../src/runtime/index.js';
import { generateEvents } from '../../src/simulate/index.js';
import type { JsonValue } from '../../src/workflow/index.js';
import { packSqsBatch, sqsRecords } from '../../src/runtime/sqs-batch.js';
import type { ReceivedMessage } from '../../src/queue/index.js';
import { tempDir } from '../support/tmp.js';

const dir = tempDir('gep-runtime-processing-');

function settings(dataDir: string): ExecutionSettings {
  return {
    dataDir,
    mode: 'buffered',
    lambdaConcurrencyLimit: undefined,
    maxConcurrency: 3,
    maxProcessingAttempts: 9,
    executor: 'fast',
    retryPauseMs: 0,
    commitIntervalMs: 5,
    cacheConversations: 100,
  };
}

/** An outcome sink that counts, and checks the in-flight count never goes negative. */
function recorder(): OutcomeSink & {
  counts: Record<string, number>;
  inFlight: number;
  peak: number;
  latencies: number[];
} {
  const r = {
    counts: {} as Record<string, number>,
    inFlight: 0,
    peak: 0,
    latencies: [] as number[],
    add(name: string, n = 1) {
      r.counts[name] = (r.counts[name] ?? 0) + n;
    },
    processingStarted(n = 1) {
      r.inFlight += n;
      r.peak = Math.max(r.peak, r.inFlight);
    },
    processingFinished(n = 1) {
      r.inFlight -= n;
      if (r.inFlight < 0) throw new Error('in flight below zero');
    },
    processed(n: number, latencies?: ArrayLike<number>) {
      r.add('processed', n);
      for (const l of Array.from(latencies ?? [])) r.latencies.push(l);
    },
    duplicate: (n = 1) => r.add('duplicate', n),
    invalid: (n = 1) => r.add('invalid', n),
    failed: (n = 1) => r.add('failed', n),
    retried: (n = 1) => r.add('retried', n),
    deadLettered: (n = 1) => r.add('deadLettered', n),
    throttled: (n = 1) => r.add('throttled', n),
  };
  return r;
}

/** A Pipe batch: 30 simulated events, one of them twice, and one that is not a Genesys event. */
function batch(): { records: JsonValue; starts: Array<{ id: string; acceptedAt: number }> } {
  const lines = [...generateEvents({ conversations: 5, seed: 11 })].slice(0, 30);
  const bodies = [...lines, lines[3]!, JSON.stringify({ hello: 'world' })];
  const acceptedAt = Date.now() - 50;
  const records = bodies.map((body, i) => ({
    messageId: `m-${i}`,
    receiptHandle: `h-${i}`,
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(acceptedAt) },
    messageAttributes: {},
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:genesys-events',
    awsRegion: 'us-east-1',
  }));
  return { records: records as unknown as JsonValue, starts: records.map((r) => ({ id: r.messageId, acceptedAt })) };
}

function committed(dataDir: string): {
  completed: number;
  deadLetters: Array<{ id: string; dead_lettered_at: string }>;
  conversations: number;
} {
  const db = new Database(join(dataDir, 'processing.sqlite'), { readonly: true });
  try {
    return {
      completed: db.prepare("SELECT count(*) FROM idempotency WHERE status = 'COMPLETED'").pluck().get() as number,
      deadLetters: db.prepare('SELECT id, dead_lettered_at FROM dead_letters').all() as Array<{
        id: string;
        dead_lettered_at: string;
      }>,
      conversations: db.prepare('SELECT count(*) FROM conversations').pluck().get() as number,
    };
  } finally {
    db.close();
  }
}

async function runBatch(processing: Executions, dataDir: string, outcomes: ReturnType<typeof recorder>) {
  const { records, starts } = batch();
  const reply = await processing.execute(records, starts);
  // Read before anything else happens: the answer comes after the commit.
  const onDisk = committed(dataDir);
  return { reply, onDisk, outcomes };
}

describe('the processing side', () => {
  it('on its worker thread: answers after the commit, reports outcomes and the real peak, removes dead letters only if unchanged', async () => {
    const dataDir = join(dir, 'worker');
    const outcomes = recorder();
    const processing = await WorkerExecutions.start(settings(dataDir), outcomes);
    expect(processing.thread).toBe('worker');
    try {
      const { reply, onDisk } = await runBatch(processing, dataDir, outcomes);
      expect(reply).toEqual({ ok: true, output: expect.objectContaining({ batchItemFailures: [] }) });
      expect(onDisk.completed).toBe(30);
      expect(onDisk.deadLetters).toHaveLength(1);
      // The counts arrive with the answer.
      expect(outcomes.counts).toMatchObject({ processed: 30, duplicate: 1, invalid: 1, deadLettered: 1 });
      expect(outcomes.inFlight).toBe(0);
      expect(outcomes.peak).toBeGreaterThan(0);
      expect(outcomes.peak).toBeLessThanOrEqual(3);
      expect(outcomes.latencies).toHaveLength(30);
      expect(Math.min(...outcomes.latencies)).toBeGreaterThanOrEqual(50);

      const [letter] = onDisk.deadLetters;
      expect(await processing.removeDeadLetters([{ id: letter!.id, deadLetteredAt: '2000-01-01T00:00:00.000Z' }])).toBe(
        0,
      ); // changed since read: kept
      expect(await processing.removeDeadLetters([{ id: letter!.id, deadLetteredAt: letter!.dead_lettered_at }])).toBe(
        1,
      );
      expect(committed(dataDir).deadLetters).toHaveLength(0);

      // A redrive to one sink crosses the thread: the projections take the event again (idempotent
      // per event); a sink the thread does not have is an answer, not a crash.
      const event = JSON.parse([...generateEvents({ conversations: 1, seed: 3 })][0]!) as JsonValue;
      expect(await processing.deliverToSink({ sink: 'projections', messageId: 'r1', event })).toEqual({
        ok: true,
        status: 'processed',
      });
      expect(await processing.deliverToSink({ sink: 'crm', messageId: 'r2', event })).toMatchObject({
        ok: false,
        error: 'ProcessorConfigError',
        message: expect.stringMatching(/No sink is named "crm"; this processor's sinks are "projections"/),
      });
    } finally {
      await processing.close();
    }
    // Closed: the final commit is made, and the thread is gone.
    await expect(processing.removeDeadLetters([])).rejects.toThrow(ProcessingUnavailableError);
  });

  it('on the calling thread: the same answer and the same effects', async () => {
    const workerDir = join(dir, 'same-worker');
    const inlineDir = join(dir, 'same-inline');
    const w = await WorkerExecutions.start(settings(workerDir), recorder());
    const i = InlineExecutions.open(settings(inlineDir), recorder());
    try {
      const a = await runBatch(w, workerDir, recorder());
      const b = await runBatch(i, inlineDir, recorder());
      expect(b.reply).toEqual(a.reply);
      expect({ ...b.onDisk, deadLetters: b.onDisk.deadLetters.map((d) => d.id) }).toEqual({
        ...a.onDisk,
        deadLetters: a.onDisk.deadLetters.map((d) => d.id),
      });
    } finally {
      await w.close();
      await i.close();
    }
  });

  it('takes a Pipe batch as columns: the same answer and effects as for its records', async () => {
    const recordsDir = join(dir, 'as-records');
    const packedDir = join(dir, 'as-batch');
    const a = await WorkerExecutions.start(settings(recordsDir), recorder());
    const packedOutcomes = recorder();
    const b = await WorkerExecutions.start(settings(packedDir), packedOutcomes);
    try {
      const { records, starts } = batch();
      const received = (
        records as unknown as Array<{
          messageId: string;
          receiptHandle: string;
          body: string;
          attributes: Record<string, string>;
        }>
      ).map((r) => ({
        messageId: r.messageId,
        receiptHandle: r.receiptHandle,
        body: r.body,
        attributes: { ...r.attributes, ApproximateFirstReceiveTimestamp: r.attributes.SentTimestamp! },
        messageAttributes: {},
      })) as unknown as ReceivedMessage[];
      const viaRecords = await a.execute(
        sqsRecords(
          packSqsBatch(received, 'arn:aws:sqs:us-east-1:123456789012:genesys-events', 'us-east-1'),
        ) as unknown as JsonValue,
        starts,
      );
      const viaBatch = await b.execute(
        packSqsBatch(received, 'arn:aws:sqs:us-east-1:123456789012:genesys-events', 'us-east-1'),
      );
      expect(viaBatch).toEqual(viaRecords);
      expect(committed(packedDir)).toMatchObject({
        completed: committed(recordsDir).completed,
        conversations: committed(recordsDir).conversations,
      });
      expect(packedOutcomes.latencies).toHaveLength(30); // the starts come from the batch's SentTimestamps
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('fails to start with the reason when its database cannot be opened', async () => {
    const notADir = join(dir, 'a-file');
    writeFileSync(notADir, 'not a directory');
    const started = WorkerExecutions.start(settings(notADir), recorder());
    await expect(started).rejects.toThrow(ProcessingUnavailableError);
    await expect(started).rejects.toThrow(/processing/i);
  });

  it('when the thread dies: onFatal is told once, executions answer with a failure, the in-flight count returns to zero', async () => {
    const dataDir = join(dir, 'dies');
    const outcomes = recorder();
    const fatal: Error[] = [];
    const processing = await WorkerExecutions.start(settings(dataDir), outcomes, { fatal: (e) => fatal.push(e) });
    await (processing as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await new Promise((r) => setTimeout(r, 20));
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toBeInstanceOf(ProcessingUnavailableError);
    const { records, starts } = batch();
    expect(await processing.execute(records, starts)).toMatchObject({ ok: false, error: 'ProcessingUnavailableError' });
    expect(outcomes.inFlight).toBe(0);
    await processing.close();
  });

  it('a background purge that fails is reported as a warning, not thrown (a worker would die of it)', () => {
    const warnings: string[] = [];
    const host = ExecutionHost.open(settings(join(dir, 'purge')), recorder(), {}, (m) => warnings.push(m));
    expect(host.purgeExpired()).toBe(0);
    expect(warnings).toEqual([]);
    host.database.close(); // the next purge cannot run
    expect(host.purgeExpired()).toBe(0);
    expect(warnings).toEqual([
      expect.stringMatching(/^Purging expired idempotency records failed \(the next purge tries again\): .*not open/),
    ]);
  });
});
