/**
 * The latency split in `/api/stats` (`latencySplitMs`): queued, batching and processing stages
 * whose means add up to the mean accept → processed latency, their quantiles, the PutEvents →
 * stored wait, over the latency window; and the runtime's instrumentation measuring them from a
 * message's accept, receive and batch-start times.
 */
import { describe, expect, it } from 'vitest';
import { FUNCTION_PLACEHOLDERS } from '../../src/workflow/index.js';
import { LATENCY_STAGES, PipelineTelemetry } from '../../src/telemetry/index.js';
import { instrumentFunctions } from '../../src/runtime/instrumentation.js';

function manualClock(start = 1_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('latency split', () => {
  it('reports each stage’s mean and quantiles; the means add up to the total', async () => {
    const clock = manualClock();
    const telemetry = new PipelineTelemetry({ clock: clock.now });
    telemetry.setBatchWindow(1000);
    expect(LATENCY_STAGES).toEqual(['queued', 'batching', 'processing']);
    // 1,000 events: queued 0–9 ms, batching 100–1,099 ms (the window), processing 20–39 ms.
    const stages: number[] = [];
    const latencies: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const s = [i % 10, 100 + ((i * 7) % 1000), 20 + (i % 20)];
      stages.push(...s);
      latencies.push(s[0]! + s[1]! + s[2]!);
    }
    telemetry.processed(1000, latencies, stages);
    telemetry.accepted(10, 12.5);
    telemetry.accepted(30, 4);
    const split = (await telemetry.snapshot()).latencySplitMs;
    expect(split.samples).toBe(1000);
    expect(split.windowSeconds).toBe(10);
    expect(split.batchWindowMs).toBe(1000);
    expect(split.queued.mean).toBe(4.5);
    expect(split.batching.mean).toBe(600); // mean of 100…1,099
    expect(split.processing.mean).toBe(29.5);
    expect(split.totalMean).toBe(634);
    expect(split.batching.p50).toBeGreaterThan(590);
    expect(split.batching.p50).toBeLessThan(610);
    expect(split.batching.p99).toBeGreaterThan(1080);
    // PutEvents → stored, per accepted event: (10 × 12.5 + 30 × 4) / 40.
    expect(split.stored).toMatchObject({ samples: 40, mean: 6.13 });

    clock.advance(11_000);
    const empty = (await telemetry.snapshot()).latencySplitMs;
    expect(empty).toMatchObject({ samples: 0, totalMean: null, batchWindowMs: 1000 });
    expect(empty.batching).toEqual({ mean: null, p50: null, p95: null, p99: null });
  });

  it('is measured by the runtime’s instrumentation from accept, receive and batch-start times', async () => {
    let now = 10_000;
    const received: Array<{ count: number; latencies: number[]; stages: number[] }> = [];
    const sink = {
      processingStarted() {},
      processingFinished() {},
      processed(count: number, latencies?: ArrayLike<number>, stages?: ArrayLike<number>) {
        received.push({ count, latencies: Array.from(latencies ?? []), stages: Array.from(stages ?? []) });
      },
      duplicate() {},
      invalid() {},
      failed() {},
      retried() {},
      throttled() {},
      deadLettered() {},
    };
    const { functions, messages } = instrumentFunctions(
      { [FUNCTION_PLACEHOLDERS.processor]: async () => ({ status: 'processed' }) },
      sink,
      () => now,
    );
    messages.set('m1', { acceptedAt: 9_000, receivedAt: 9_100, dispatchedAt: 9_600, attempts: 0 });
    messages.set('m2', { acceptedAt: 9_500, attempts: 0 }); // direct mode: no queue, no batch
    await functions[FUNCTION_PLACEHOLDERS.processor]!({ messageId: 'm1' });
    now = 10_500;
    await functions[FUNCTION_PLACEHOLDERS.processor]!({ messageId: 'm2' });
    expect(received).toEqual([
      { count: 1, latencies: [1_000], stages: [100, 500, 400] },
      { count: 1, latencies: [1_000], stages: [] },
    ]);
  });
});
