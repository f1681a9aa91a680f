/**
 * The cost of telemetry on the runtime's hot path: what the runtime calls per batch of events
 * (accepted, started, processed with latencies, finished), the latency sketch alone, and the
 * read side (one `/api/stats` snapshot and one Prometheus scrape).
 */
import type { BenchResult, BenchSuite } from '../harness.js';
import { rate, sampleRss, timed } from '../harness.js';
import { PipelineTelemetry } from '../../src/telemetry/index.js';
import { LogHistogram } from '../../src/telemetry/log-histogram.js';

const EVENTS = 2_000_000;
const BATCH = 10;

/** Latencies shaped like a pipeline's: mostly a few ms, a tail of hundreds. */
function latencies(count: number): Float64Array {
  const values = new Float64Array(count);
  let seed = 12345;
  for (let i = 0; i < count; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const u = seed / 2 ** 31;
    values[i] = u < 0.98 ? 2 + u * 8 : 100 + u * 400;
  }
  return values;
}

async function hotPath(name: string, withLatencies: boolean): Promise<BenchResult> {
  const telemetry = new PipelineTelemetry({ concurrencyLimit: 32 });
  const lat = latencies(BATCH * 1000);
  const rss = sampleRss();
  const { seconds } = await timed(() => {
    for (let i = 0, b = 0; i < EVENTS; i += BATCH, b = (b + 1) % 1000) {
      telemetry.accepted(BATCH);
      telemetry.processingStarted(BATCH);
      telemetry.processed(BATCH, withLatencies ? lat.subarray(b * BATCH, b * BATCH + BATCH) : []);
      telemetry.processingFinished(BATCH);
      if (b === 0) telemetry.setBacklog(i % 5000);
    }
  });
  return {
    name,
    events: EVENTS,
    seconds,
    eventsPerSecond: rate(EVENTS, seconds),
    peakRssBytes: rss.stop(),
    details: { batch: BATCH, nanosecondsPerEvent: Math.round((seconds * 1e9) / EVENTS) },
  };
}

const suite: BenchSuite = {
  name: 'telemetry',
  description: 'PipelineTelemetry hot path per event, latency sketch, snapshot and scrape cost',
  async run() {
    const results: BenchResult[] = [];
    results.push(await hotPath('telemetry: accept+process, with latency', true));
    results.push(await hotPath('telemetry: accept+process, no latency', false));

    const sketch = new LogHistogram();
    const lat = latencies(EVENTS);
    const { seconds: sketchSeconds } = await timed(() => {
      for (let i = 0; i < lat.length; i++) sketch.record(lat[i]!);
    });
    results.push({
      name: 'LogHistogram.record',
      events: EVENTS,
      seconds: sketchSeconds,
      eventsPerSecond: rate(EVENTS, sketchSeconds),
      details: { nanosecondsPerValue: Math.round((sketchSeconds * 1e9) / EVENTS) },
    });

    const telemetry = new PipelineTelemetry({ concurrencyLimit: 32 });
    for (let b = 0; b < 1000; b++) telemetry.processed(100, lat.subarray(b * 100, b * 100 + 100));
    const reads = 2_000;
    const { seconds: snapSeconds } = await timed(async () => {
      for (let i = 0; i < reads; i++) await telemetry.snapshot();
    });
    const { seconds: scrapeSeconds } = await timed(async () => {
      for (let i = 0; i < reads / 10; i++) await telemetry.metrics();
    });
    results.push({
      name: 'telemetry: snapshot() and metrics()',
      details: {
        snapshotMicroseconds: Math.round((snapSeconds * 1e6) / reads),
        scrapeMicroseconds: Math.round((scrapeSeconds * 1e6) / (reads / 10)),
      },
    });
    return results;
  },
};

export default suite;
