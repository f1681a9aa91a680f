/**
 * The processing core end to end, locally: 10,000 simulated Genesys events (5% duplicates, 10%
 * out of order, 2% malformed) through the buffered state machine on the local executor, fed in
 * batches the way an SQS event source mapping feeds SQS records (failed records return to the queue and
 * are delivered again), with 10% transient failures injected into the processor. Run with both
 * local executors (the compiled one the runtime uses, and the reference).
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseGenesysEvent } from '../../src/events/index.js';
import type { GenesysEvent } from '../../src/events/index.js';
import {
  createLocalHandlers,
  factOf,
  openSqliteDatabase,
  projectConversation,
  TransientProcessingError,
} from '../../src/processing/index.js';
import type { BatchResponse, ConversationFact, LocalHandlers, Sink } from '../../src/processing/index.js';
import { generateAnnotatedEvents } from '../../src/simulate/index.js';
import type { SimulatedLine } from '../../src/simulate/index.js';
import { buildStateMachineDefinition, createWorkflowExecutor, WORKFLOW_EXECUTORS } from '../../src/workflow/index.js';
import type { JsonValue, WorkflowExecutor } from '../../src/workflow/index.js';
import { tempDir } from '../support/tmp.js';
import { sqsRecord } from '../workflow/support.js';

const EVENTS = 10_000;
const MAX_CONCURRENCY = 10;
const BATCH_SIZE = 100;
const PARALLEL_BATCHES = 3;
const GLOBAL_PROCESSOR_LIMIT = 16;
const MAX_PROCESSING_ATTEMPTS = 9;

/** Deterministic pseudo-random numbers (mulberry32), so a failing run can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fails 10% of the events it sees, transiently (after the projection, before the counting sink). */
class FlakySink implements Sink {
  readonly name = 'flaky';
  injected = 0;
  readonly #next = random(99);
  async handle(): Promise<void> {
    if (this.#next() < 0.1) {
      this.injected++;
      throw new TransientProcessingError('injected: downstream briefly unavailable');
    }
  }
}

/** Counts the calls per event key: the "business effect". */
class CountingSink implements Sink {
  readonly name = 'counting';
  readonly calls = new Map<string, number>();
  async handle(event: GenesysEvent): Promise<void> {
    this.calls.set(event.key, (this.calls.get(event.key) ?? 0) + 1);
  }
}

interface QueuedMessage {
  messageId: string;
  body: string;
  receiveCount: number;
}

describe.each(WORKFLOW_EXECUTORS)(`buffered pipeline, locally: ${EVENTS} simulated events (%s executor)`, (kind) => {
  const lines: SimulatedLine[] = [];
  const flaky = new FlakySink();
  const counting = new CountingSink();
  let local: LocalHandlers;
  let executor: WorkflowExecutor;
  const batchOf = new Map<string, number>();
  const inFlight = new Map<number, number>();
  const peakPerExecution = new Map<number, number>();
  const outputs: BatchResponse[] = [];
  let deliveries = 0;

  beforeAll(async () => {
    for (const line of generateAnnotatedEvents({
      conversations: 1000,
      seed: 2026,
      duplicates: 0.05,
      outOfOrder: 0.1,
      malformed: 0.02,
    })) {
      lines.push(line);
      if (lines.length === EVENTS) break;
    }
    expect(lines).toHaveLength(EVENTS);

    const db = openSqliteDatabase(join(tempDir('gep-pipeline-'), 'pipeline.db'));
    local = createLocalHandlers({
      db,
      sinks: [flaky, counting],
      maxProcessingAttempts: MAX_PROCESSING_ATTEMPTS,
      // Measures how many Process invocations of each execution run at once.
      wrapProcessor: (processor) => ({
        async process(request, context) {
          const batch = batchOf.get(request.messageId)!;
          const now = (inFlight.get(batch) ?? 0) + 1;
          inFlight.set(batch, now);
          peakPerExecution.set(batch, Math.max(peakPerExecution.get(batch) ?? 0, now));
          try {
            return await processor.process(request, context);
          } finally {
            inFlight.set(batch, inFlight.get(batch)! - 1);
          }
        },
        deliver: (request, sink) => processor.deliver(request, sink),
      }),
    });
    executor = createWorkflowExecutor(
      kind,
      buildStateMachineDefinition({ mode: 'buffered', maxConcurrency: MAX_CONCURRENCY }),
      {
        functions: local.functions,
        concurrency: { ProcessorFunctionArn: { limit: GLOBAL_PROCESSOR_LIMIT } },
        retryPauseMs: 1,
      },
    );

    // The queue and the Pipe: batches of BATCH_SIZE, PARALLEL_BATCHES executions at a time;
    // records listed in batchItemFailures go back to the queue with one more receive.
    let queue: QueuedMessage[] = lines.map((l, i) => ({ messageId: `msg-${i}`, body: l.line, receiveCount: 1 }));
    let batchNumber = 0;
    while (queue.length) {
      const round = queue;
      queue = [];
      const batches: QueuedMessage[][] = [];
      for (let i = 0; i < round.length; i += BATCH_SIZE) batches.push(round.slice(i, i + BATCH_SIZE));
      for (let i = 0; i < batches.length; i += PARALLEL_BATCHES) {
        const group = batches.slice(i, i + PARALLEL_BATCHES);
        const results = await Promise.all(
          group.map((batch) => {
            const id = batchNumber++;
            for (const m of batch) batchOf.set(m.messageId, id);
            deliveries += batch.length;
            const records = batch.map((m) =>
              sqsRecord(m.body, { messageId: m.messageId, receiveCount: m.receiveCount }),
            );
            return executor.execute(records as unknown as JsonValue) as Promise<unknown> as Promise<BatchResponse>;
          }),
        );
        results.forEach((output, g) => {
          outputs.push(output);
          const failed = new Set(output.batchItemFailures.map((f) => f.itemIdentifier));
          for (const m of group[g]!)
            if (failed.has(m.messageId)) queue.push({ ...m, receiveCount: m.receiveCount + 1 });
        });
      }
    }
  }, 120_000);

  /** The clean events, de-duplicated by key, by conversation. */
  function reference() {
    const facts = new Map<string, ConversationFact>();
    for (const { line, fault } of lines) {
      if (fault === 'malformed' || fault === 'oversized') continue;
      const parsed = parseGenesysEvent(line);
      if (!parsed.ok) throw new Error(`a ${fault ?? 'clean'} simulated line did not parse`);
      if (parsed.event.kind === 'conversation') facts.set(parsed.event.key, factOf(parsed.event));
    }
    const byConversation = new Map<string, ConversationFact[]>();
    for (const fact of facts.values())
      byConversation.set(fact.conversationId, [...(byConversation.get(fact.conversationId) ?? []), fact]);
    return { keys: new Set(facts.keys()), byConversation };
  }

  it('processes every valid event exactly once: one idempotency record and one sink call per distinct event', () => {
    const { keys } = reference();
    const valid = lines.filter((l) => l.fault !== 'malformed' && l.fault !== 'oversized').length;
    expect(flaky.injected).toBeGreaterThan(EVENTS * 0.05); // the injected failures did happen (about 10% of attempts)
    expect(local.idempotency.countByStatus()).toEqual({ COMPLETED: keys.size });
    expect(counting.calls.size).toBe(keys.size);
    expect([...counting.calls.values()].every((n) => n === 1)).toBe(true);
    const totals = outputs.reduce(
      (t, o) => ({ processed: t.processed + o.processed, duplicates: t.duplicates + o.duplicates }),
      { processed: 0, duplicates: 0 },
    );
    expect(totals.processed).toBe(keys.size);
    // Every valid line beyond the first of its key is a duplicate (simulated re-deliveries).
    expect(totals.duplicates).toBe(valid - keys.size);
    expect(lines.filter((l) => l.fault === 'duplicate').length).toBe(totals.duplicates);
  });

  it('dead-letters every malformed event with its problems, and nothing else', async () => {
    const malformed = lines.filter((l) => l.fault === 'malformed');
    expect(malformed.length).toBeGreaterThan(EVENTS * 0.01);
    expect(outputs.reduce((n, o) => n + o.invalid, 0)).toBe(malformed.length);
    const entries = await local.deadLetters.list({ limit: 100_000 });
    expect(
      entries.every(
        (e) => e.stage === 'validate' && e.problems!.length > 0 && e.reason.startsWith('Invalid Genesys event'),
      ),
    ).toBe(true);
    expect(new Set(entries.map((e) => e.body))).toEqual(new Set(malformed.map((l) => l.line)));
  });

  it('never runs more than MaxConcurrency Process invocations in one execution (and reaches it)', () => {
    const peaks = [...peakPerExecution.values()];
    expect(Math.max(...peaks)).toBe(MAX_CONCURRENCY);
    expect(executor.stats().functions.ProcessorFunctionArn!.peakInFlight).toBeLessThanOrEqual(GLOBAL_PROCESSOR_LIMIT);
  });

  it('retries transient failures inside the execution and hands the rest back to the queue, losing nothing', () => {
    expect(deliveries).toBeGreaterThanOrEqual(EVENTS);
    expect(outputs.reduce((n, o) => n + o.failed, 0)).toBe(deliveries - EVENTS);
  });

  it('every conversation projection equals the fold of the clean, de-duplicated events', async () => {
    const { byConversation } = reference();
    expect(byConversation.size).toBeGreaterThan(300);
    for (const [id, facts] of byConversation)
      expect(await local.conversations.get(id), id).toEqual(projectConversation(facts));
  });
});
