/**
 * The processing core on one machine: simulated events through the buffered state machine on the
 * local executor (SQLite stores), in Pipe-like batches; and the projection fold alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseGenesysEvent } from '../../src/events/index.js';
import { createLocalHandlers, factOf, openProcessingDatabase, projectConversation } from '../../src/processing/index.js';
import type { ConversationFact } from '../../src/processing/index.js';
import { generateEvents } from '../../src/simulate/index.js';
import { buildStateMachineDefinition, LocalWorkflowExecutor } from '../../src/workflow/index.js';
import type { JsonValue } from '../../src/workflow/index.js';
import { rate, sampleRss, timed } from '../harness.js';
import type { BenchResult, BenchSuite } from '../harness.js';

const CONVERSATIONS = 500;

async function pipeline(batchSize: number, parallel: number): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'gep-bench-processing-'));
  try {
    const lines = [...generateEvents({ conversations: CONVERSATIONS, seed: 7, duplicates: 0.05, outOfOrder: 0.1, malformed: 0.02 })];
    const local = createLocalHandlers({ db: openProcessingDatabase(join(dir, 'bench.db')) });
    const executor = new LocalWorkflowExecutor(buildStateMachineDefinition({ mode: 'buffered', maxConcurrency: 10 }), { functions: local.functions });
    const batches: JsonValue[] = [];
    for (let i = 0; i < lines.length; i += batchSize) {
      batches.push(lines.slice(i, i + batchSize).map((body, j) => ({ messageId: `m-${i + j}`, body, attributes: { ApproximateReceiveCount: '1' } })) as unknown as JsonValue);
    }
    const rss = sampleRss();
    const { seconds } = await timed(async () => {
      for (let i = 0; i < batches.length; i += parallel) await Promise.all(batches.slice(i, i + parallel).map((b) => executor.execute(b)));
    });
    return { name: `local buffered workflow, batch ${batchSize} × ${parallel} parallel`, events: lines.length, seconds, eventsPerSecond: rate(lines.length, seconds), peakRssBytes: rss.stop(), details: { conversations: CONVERSATIONS, maxConcurrency: 10 } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function fold(): BenchResult {
  const byConversation = new Map<string, ConversationFact[]>();
  for (const line of generateEvents({ conversations: CONVERSATIONS, seed: 7 })) {
    const parsed = parseGenesysEvent(line);
    if (parsed.ok && parsed.event.kind === 'conversation') {
      const fact = factOf(parsed.event);
      byConversation.set(fact.conversationId, [...(byConversation.get(fact.conversationId) ?? []), fact]);
    }
  }
  const events = [...byConversation.values()].reduce((n, f) => n + f.length, 0);
  const start = process.hrtime.bigint();
  for (const facts of byConversation.values()) projectConversation(facts);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { name: 'projection fold (whole conversations)', events, seconds, eventsPerSecond: rate(events, seconds) };
}

const suite: BenchSuite = {
  name: 'processing',
  description: 'validator → idempotent processor → conversation projection, locally on SQLite, through the state machine',
  async run() {
    return [await pipeline(10, 1), await pipeline(100, 3), fold()];
  },
};

export default suite;
