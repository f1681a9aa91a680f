/**
 * The bound and Lambda throttling in the running pipeline (in-process runtime, real SQLite, the
 * compiled executor, the processing thread), with 100,000 simulated Genesys events; then, at a
 * smaller scale, with a sink that waits a millisecond per event standing for a Lambda's duration
 * (without it the local processor finishes an event before another execution's events even
 * start, so only one Map's worth ever runs at once).
 *
 * - pollers E × the Map's MaxConcurrency M bound the processor, at any backlog;
 * - with a local Lambda limit L below E × M, invocations beyond L fail as Lambda throttles them
 *   (`Lambda.TooManyRequestsException`), the state machine retries them, and what outlasts the
 *   retries goes back to the queue: every event is still processed exactly once, and nothing is
 *   dead-lettered for throttling;
 * - with L ≥ E × M, nothing is ever throttled.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseGenesysEvent } from '../../src/events/index.js';
import type { Sink } from '../../src/processing/index.js';
import { startRuntime } from '../../src/runtime/index.js';
import type { Runtime } from '../../src/runtime/index.js';
import { generateEvents } from '../../src/simulate/index.js';
import { tempDir } from '../support/tmp.js';
import { entryOf } from './support.js';

const EVENTS = 100_000;
const E = 4;
const M = 10;

const lines: string[] = [];
for (const line of generateEvents({ conversations: 20_000, seed: 14 })) {
  lines.push(line);
  if (lines.length === EVENTS) break;
}
/** The distinct event keys among the first `n` lines (all lines parse). */
function distinctKeys(n: number): number {
  const keys = new Set<string>();
  for (const line of lines.slice(0, n)) {
    const parsed = parseGenesysEvent(line);
    if (!parsed.ok) throw new Error('a simulated line did not parse');
    keys.add(parsed.event.key);
  }
  return keys.size;
}
const keys = { size: distinctKeys(EVENTS) };

let runtime: Runtime | undefined;
afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
});

/** A millisecond per event, like a function's duration. */
const latency: Sink = { name: 'latency', handle: () => new Promise((resolve) => setTimeout(resolve, 1)) };

async function run(name: string, lambdaConcurrencyLimit: number, options: { slow?: boolean; events?: number } = {}) {
  const events = options.events ?? EVENTS;
  const distinct = events === EVENTS ? keys.size : distinctKeys(events);
  const r = await startRuntime(
    {
      dataDir: join(tempDir('gep-bound-'), name),
      port: 0,
      pollers: E,
      maxConcurrency: M,
      lambdaConcurrencyLimit,
      batchSize: 100,
      batchWindowMs: 0,
      // A retry pause of a few milliseconds, and a handed-back event visible again after 2 s.
      retryPauseMs: 5,
      visibilityTimeoutMs: 2000,
      archiveRetentionDays: false,
    },
    options.slow ? { sinks: [latency] } : {},
  );
  runtime = r;
  const entries = lines.slice(0, events).map((l) => ({ ...entryOf(l), Time: undefined }));
  const calls: Array<Promise<unknown>> = [];
  for (let i = 0; i < entries.length; i += 10) {
    calls.push(
      r.pipeline.eventBridge.putEvents({ Entries: entries.slice(i, i + 10) as never }).then((out) => {
        if (out.FailedEntryCount !== 0) throw new Error('PutEvents refused an entry');
      }),
    );
    if (calls.length === 64) await Promise.all(calls.splice(0));
  }
  await Promise.all(calls);
  const deadline = Date.now() + 240_000;
  for (;;) {
    const s = await r.telemetry.snapshot();
    if (s.processed >= distinct && s.inFlight === 0 && r.pipeline.eventQueue.stats().total === 0) break;
    if (Date.now() > deadline) throw new Error(`timed out: ${JSON.stringify(s)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // The counts after the last answer reached the main thread.
  await new Promise((resolve) => setTimeout(resolve, 100));
  return { r, stats: await r.telemetry.snapshot(), distinct };
}

describe(`the bound E × M = ${E * M}, with ${EVENTS.toLocaleString('en-US')} events`, () => {
  it('L below E × M: invocations beyond L are throttled and handed back, every event is processed exactly once, nothing is dead-lettered', async () => {
    const { r, stats } = await run('throttled', 5);
    expect(stats.accepted).toBe(EVENTS);
    expect(stats.throttles).toBeGreaterThan(1000);
    // Exactly once in effect: every event processed, one idempotency record each.
    expect(stats.processed).toBe(keys.size);
    expect(stats.deadLettered).toBe(0);
    expect(r.pipeline.eventQueueDlq.stats().total).toBe(0);
    expect(r.pipeline.eventQueue.stats().total).toBe(0);
    expect(r.admin.listDeadLetters({}).deadLetters).toEqual([]);
    expect(stats.processorConcurrencyPeak).toBeLessThanOrEqual(5);
    expect(stats.concurrencyLimit).toBe(E * M);
  }, 300_000);

  it('L ≥ E × M: nothing is throttled, and the processor never exceeds E × M', async () => {
    const { r, stats } = await run('unthrottled', E * M);
    expect(stats.throttles).toBe(0);
    expect(stats.processed).toBe(keys.size);
    expect(stats.deadLettered).toBe(0);
    expect(r.pipeline.eventQueueDlq.stats().total).toBe(0);
    expect(stats.processorConcurrencyPeak).toBeGreaterThan(0);
    expect(stats.processorConcurrencyPeak).toBeLessThanOrEqual(E * M);
  }, 300_000);
});

describe('with a function duration, several executions run at once', () => {
  it('the processor reaches beyond one Map, never beyond E × M; L between them throttles, and still every event is processed once', async () => {
    const unlimited = await run('slow', E * M, { slow: true, events: 5_000 });
    expect(unlimited.stats.throttles).toBe(0);
    expect(unlimited.stats.processorConcurrencyPeak).toBeGreaterThan(M);
    expect(unlimited.stats.processorConcurrencyPeak).toBeLessThanOrEqual(E * M);
    await runtime?.stop();
    runtime = undefined;

    const limited = await run('slow-throttled', 15, { slow: true, events: 5_000 });
    expect(limited.stats.throttles).toBeGreaterThan(0);
    expect(limited.stats.processed).toBe(limited.distinct);
    expect(limited.stats.deadLettered).toBe(0);
    expect(limited.stats.processorConcurrencyPeak).toBeLessThanOrEqual(15);
  }, 300_000);
});
