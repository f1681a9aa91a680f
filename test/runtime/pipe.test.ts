/**
 * The Pipe's pollers on a real queue (SQLite file): many pollers waiting at once on an empty
 * queue, then a batch through to the answer and the delete.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QueueStore } from '../../src/queue/index.js';
import { PipePoller } from '../../src/runtime/pipe.js';
import { isSqsBatch, sqsRecords } from '../../src/runtime/sqs-batch.js';
import type { ExecutionReply } from '../../src/runtime/execution-host.js';
import { tempDir } from '../support/tmp.js';

const dir = tempDir('gep-pipe-');

describe('PipePoller', () => {
  it('runs 16 pollers without a listener-leak warning, and deletes what the execution did not report as failed', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on('warning', onWarning);
    const store = QueueStore.open(join(dir, 'pipe.sqlite'));
    try {
      const queue = store.queue('events');
      const seen: string[] = [];
      const processing = {
        async execute(input: unknown): Promise<ExecutionReply> {
          const records = isSqsBatch(input as never) ? sqsRecords(input as never) : [];
          for (const r of records) seen.push(r.body);
          // The second record fails: it stays in the queue (hidden until its visibility timeout).
          return {
            ok: true,
            output: {
              batchItemFailures: records
                .filter((r) => r.body === '{"n":2}')
                .map((r) => ({ itemIdentifier: r.messageId })),
            },
          };
        },
      };
      const pipe = new PipePoller(queue, processing, {
        batchSize: 10,
        batchWindowMs: 20,
        pollers: 16,
        region: 'us-east-1',
      });
      pipe.start();
      await new Promise((resolve) => setTimeout(resolve, 50)); // all 16 waiting on the empty queue
      queue.sendBatch([{ body: '{"n":1}' }, { body: '{"n":2}' }, { body: '{"n":3}' }]);
      const deadline = Date.now() + 5_000;
      while (pipe.stats().deleted < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      await pipe.stop();
      expect(seen.sort()).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
      expect(pipe.stats()).toMatchObject({ records: 3, deleted: 2, returned: 1, inFlight: 0 });
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      store.close();
    }
  });
});
