/**
 * The batch starter: chunks under the 256 KiB execution input run one after another, the time
 * check, what goes back to the queue, oversized records — and the outcome sizes: the output of
 * an execution stays far below the 262,144-byte payload limit even when every event of a full
 * batch of maximum-size events fails. Executions run the real buffered definition on the local
 * executor with the real handlers (SQLite).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createBatchStarter,
  createLocalHandlers,
  MAX_EXECUTION_INPUT_BYTES,
  openSqliteDatabase,
  TransientProcessingError,
} from '../../src/processing/index.js';
import type { ExecutionRunner, Sink } from '../../src/processing/index.js';
import {
  buildStateMachineDefinition,
  FastWorkflowExecutor,
  FUNCTION_PLACEHOLDERS as F,
  WorkflowExecutionError,
} from '../../src/workflow/index.js';
import type { JsonValue } from '../../src/workflow/index.js';
import { tempDir } from '../support/tmp.js';
import { eventLine, MemoryDeadLetterStore, sleep, sqsRecord } from '../workflow/support.js';
import { chunkRecords, executionRecord } from '../../src/processing/batch-starter.js';

/** A valid Genesys event of about `bytes` bytes (an undeclared field of the event body pads it). */
function paddedEvent(i: number, bytes: number): string {
  const event = JSON.parse(eventLine(i)) as { detail: { eventBody: Record<string, unknown> } };
  const base = JSON.stringify(event).length;
  event.detail.eventBody.padding = 'p'.repeat(Math.max(0, bytes - base - 14));
  return JSON.stringify(event);
}

/** The buffered definition on the local executor as an ExecutionRunner, recording every input and output. */
function localRunner(options: { maxConcurrency?: number; failingSink?: boolean } = {}) {
  const db = openSqliteDatabase(join(tempDir('gep-starter-'), 'processing.sqlite'));
  const failing: Sink = {
    name: 'failing',
    async handle() {
      // A downstream failure with a very long message: what leaves the processor must stay short.
      throw new TransientProcessingError(`CRM unavailable: ${'x'.repeat(100_000)}`);
    },
  };
  const local = createLocalHandlers({
    db,
    maxProcessingAttempts: 9,
    ...(options.failingSink ? { sinks: [failing] } : {}),
  });
  let inMap = 0;
  let peak = 0;
  const processor = local.functions[F.processor]!;
  const sizes = { inputs: [] as number[], outputs: [] as number[], mapOutputs: [] as number[] };
  const executor = new FastWorkflowExecutor(
    buildStateMachineDefinition({ mode: 'buffered', maxConcurrency: options.maxConcurrency ?? 5 }),
    {
      retryPauseMs: 0,
      functions: {
        ...local.functions,
        [F.processor]: async (payload) => {
          peak = Math.max(peak, ++inMap);
          try {
            await sleep(1);
            return await processor(payload);
          } finally {
            inMap--;
          }
        },
        [F.batchReporter]: async (payload) => {
          // The reporter's input is the Map's output (with the invalid count): the largest state data.
          sizes.mapOutputs.push(Buffer.byteLength(JSON.stringify(payload)));
          return local.functions[F.batchReporter]!(payload);
        },
      },
    },
  );
  const runner: ExecutionRunner = {
    async run(input) {
      sizes.inputs.push(Buffer.byteLength(input));
      try {
        const output = JSON.stringify(await executor.execute(JSON.parse(input) as JsonValue));
        sizes.outputs.push(Buffer.byteLength(output));
        return { status: 'SUCCEEDED', output };
      } catch (error) {
        if (!(error instanceof WorkflowExecutionError)) throw error;
        return { status: 'FAILED', error: error.error, cause: error.cause };
      }
    },
  };
  return { runner, local, sizes, peak: () => peak };
}

const plenty = () => 600_000;

describe('chunkRecords', () => {
  it('keeps order, stays under the limit, and sets aside a record too large alone', () => {
    const records = [100, 200, 300, 50, 900, 10].map((n, i) => ({ messageId: `m${i}`, body: 'b'.repeat(n) }));
    const { chunks, oversized } = chunkRecords(records, 700);
    expect(oversized.map((o) => o.record.messageId)).toEqual(['m4']);
    expect(chunks.flatMap((c) => c.records.map((r) => r.messageId))).toEqual(['m0', 'm1', 'm2', 'm3', 'm5']);
    for (const c of chunks) {
      expect(Buffer.byteLength(c.json)).toBeLessThanOrEqual(700);
      expect(JSON.parse(c.json)).toEqual(c.records);
    }
    expect(chunks.length).toBeGreaterThan(1);
  });

  it('passes on what the workflow reads, not the receipt handle, MD5 or ARN', () => {
    const record = sqsRecord(eventLine(1), { receiveCount: 3 });
    expect(executionRecord(record)).toEqual({
      messageId: record.messageId,
      body: record.body,
      attributes: {
        ApproximateReceiveCount: '3',
        SentTimestamp: record.attributes.SentTimestamp,
        ApproximateFirstReceiveTimestamp: record.attributes.ApproximateFirstReceiveTimestamp,
      },
    });
  });
});

describe('batch starter', () => {
  it('runs a batch too large for one execution as chunks under 256 KiB, one after another: the Map bound holds', async () => {
    const { runner, local, sizes, peak } = localRunner({ maxConcurrency: 5 });
    const deadLetters = new MemoryDeadLetterStore();
    const starter = createBatchStarter({ runner, executionBudgetMs: 1000, deadLetters });
    const records = Array.from({ length: 40 }, (_, i) => sqsRecord(paddedEvent(i, 20_000)));
    const result = await starter.start(records, plenty);
    expect(result).toMatchObject({ batchItemFailures: [], reported: 0, unprocessed: 0, oversized: 0 });
    expect(result.executions).toBeGreaterThanOrEqual(4);
    expect(sizes.inputs.every((n) => n <= MAX_EXECUTION_INPUT_BYTES)).toBe(true);
    expect(local.idempotency.countByStatus()).toEqual({ COMPLETED: 40 });
    expect(peak()).toBe(5);
  });

  it('full batch of maximum-size events that all fail: every execution output stays far below 262,144 bytes', async () => {
    // 25 events of ~250 KB (EventBridge allows 256 KB): one execution each.
    const big = localRunner({ failingSink: true });
    const starter = createBatchStarter({
      runner: big.runner,
      executionBudgetMs: 1000,
      deadLetters: new MemoryDeadLetterStore(),
    });
    const records = Array.from({ length: 25 }, (_, i) => sqsRecord(paddedEvent(100 + i, 250_000)));
    const result = await starter.start(records, plenty);
    expect(result.executions).toBe(25);
    expect(result.batchItemFailures).toHaveLength(25); // all failed, all handed back, none lost
    expect(Math.max(...big.sizes.inputs)).toBeGreaterThan(250_000);
    expect(Math.max(...big.sizes.outputs)).toBeLessThan(1_000);
    expect(Math.max(...big.sizes.mapOutputs)).toBeLessThan(1_000);

    // As many events as one execution takes (~2 KB each), all failing with a 100 KB error message.
    const many = localRunner({ failingSink: true, maxConcurrency: 40 });
    const manyStarter = createBatchStarter({
      runner: many.runner,
      executionBudgetMs: 1000,
      deadLetters: new MemoryDeadLetterStore(),
    });
    const small = Array.from({ length: 100 }, (_, i) => sqsRecord(paddedEvent(1000 + i, 2_000)));
    const out = await manyStarter.start(small, plenty);
    expect(out.executions).toBe(1);
    expect(out.batchItemFailures).toHaveLength(100);
    const [mapOutput] = many.sizes.mapOutputs;
    // Per event: its id, the error name and a cause of about 250 characters — not the event, not the 100 KB message.
    expect(mapOutput! / 100).toBeLessThan(400);
    expect(mapOutput!).toBeLessThan(262_144 / 5);
    expect(many.sizes.outputs[0]!).toBeLessThan(100 * 80);
  }, 60_000);

  it('hands back what the execution reports, every record of an execution that failed, and the rest when a start fails', async () => {
    const records = Array.from({ length: 6 }, (_, i) => sqsRecord(eventLine(200 + i)));
    const ids = records.map((r) => r.messageId);
    const inputs: string[][] = [];
    const outcomes = [
      {
        status: 'SUCCEEDED',
        output: JSON.stringify({ batchItemFailures: [{ itemIdentifier: ids[0] }, { itemIdentifier: 'not-mine' }] }),
      },
      { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'too slow' },
    ];
    const runner: ExecutionRunner = {
      async run(input) {
        inputs.push((JSON.parse(input) as Array<{ messageId: string }>).map((r) => r.messageId));
        const next = outcomes.shift();
        if (!next) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        return next;
      },
    };
    // Small chunks: two records each.
    const starter = createBatchStarter({
      runner,
      executionBudgetMs: 1000,
      deadLetters: new MemoryDeadLetterStore(),
      maxInputBytes: Buffer.byteLength(JSON.stringify(records.slice(0, 2).map(executionRecord))) + 2,
    });
    const result = await starter.start(records, plenty);
    expect(inputs).toEqual([ids.slice(0, 2), ids.slice(2, 4), ids.slice(4, 6)]);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([ids[0], ids[2], ids[3], ids[4], ids[5]]);
    expect(result).toMatchObject({ executions: 2, reported: 1, unprocessed: 4 });
  });

  it('starts no execution it has no time for: the rest goes back to the queue', async () => {
    let runs = 0;
    const runner: ExecutionRunner = {
      async run() {
        runs++;
        return { status: 'SUCCEEDED', output: '{"batchItemFailures":[]}' };
      },
    };
    const starter = createBatchStarter({
      runner,
      executionBudgetMs: 240_000,
      deadLetters: new MemoryDeadLetterStore(),
    });
    const records = [sqsRecord(eventLine(300)), sqsRecord(eventLine(301))];
    const result = await starter.start(records, () => 239_000);
    expect(runs).toBe(0);
    expect(result.batchItemFailures).toHaveLength(2);
    expect(result.unprocessed).toBe(2);
  });

  it('dead-letters a record that no execution can take, with the reason, and processes the rest', async () => {
    const { runner } = localRunner();
    const deadLetters = new MemoryDeadLetterStore();
    const starter = createBatchStarter({ runner, executionBudgetMs: 1000, deadLetters });
    const huge = sqsRecord(`{"too":"${'"'.repeat(140_000)}"}`); // escaping doubles it beyond 256 KiB
    const records = [sqsRecord(eventLine(400)), huge];
    const result = await starter.start(records, plenty);
    expect(result).toMatchObject({ oversized: 1, batchItemFailures: [], executions: 1 });
    const [entry] = await deadLetters.list();
    expect(entry).toMatchObject({ stage: 'validate', messageId: huge.messageId });
    expect(entry!.reason).toMatch(/more than the 262144 bytes a Step Functions execution accepts/);
  });
});
