import { join } from 'node:path';
import { register as globalRegistry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { PipelineTelemetry } from '../../src/telemetry/index.js';
import type { ContactCentreSource } from '../../src/telemetry/index.js';
import { tempDir } from '../support/tmp.js';
import { parsePrometheusText, sampleValue } from './prometheus-text.js';
import { SqliteContactCentre } from './sqlite-contact-centre.js';

/** A test clock: milliseconds, moved by hand. */
function manualClock(start = 1_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

const dir = tempDir('gep-telemetry-');
const contactCentre = new SqliteContactCentre(join(dir, 'projection.db'));
afterAll(() => contactCentre.close());
// Two waiting in q-billing, one in q-sales, one answered and ended (AHT 300 s), one abandoned, one active unqueued.
contactCentre.upsert({ id: 'c1', queueId: 'q-billing', queuedAt: 1 });
contactCentre.upsert({ id: 'c2', queueId: 'q-billing', queuedAt: 2 });
contactCentre.upsert({ id: 'c3', queueId: 'q-sales', queuedAt: 3 });
contactCentre.upsert({
  id: 'c4',
  queueId: 'q-sales',
  queuedAt: 4,
  answeredAt: 5,
  endedAt: 9,
  talkMs: 240_000,
  holdMs: 30_000,
  acwMs: 30_000,
});
contactCentre.upsert({ id: 'c5', queueId: 'q-sales', queuedAt: 4, abandoned: true, endedAt: 6 });
contactCentre.upsert({ id: 'c6' });

describe('PipelineTelemetry counters and gauges', () => {
  it('counts every kind of event and reports them in the snapshot', async () => {
    const telemetry = new PipelineTelemetry({ clock: manualClock().now, concurrencyLimit: 8 });
    telemetry.accepted(100);
    telemetry.accepted();
    telemetry.processingStarted(10);
    telemetry.processed(7);
    telemetry.duplicate(2);
    telemetry.invalid();
    telemetry.deadLettered();
    telemetry.failed(3);
    telemetry.retried(2);
    telemetry.throttled(4);
    telemetry.processingFinished(10);
    telemetry.setBacklog(81);
    const s = await telemetry.snapshot();
    expect(s).toMatchObject({
      accepted: 101,
      processed: 7,
      duplicates: 2,
      invalid: 1,
      failed: 3,
      retried: 2,
      deadLettered: 1,
      throttles: 4,
      inFlight: 0,
      backlog: 81,
      concurrencyLimit: 8,
      processorConcurrencyPeak: 10,
      contactCentre: null,
    });
    expect(s.contactCentreError).toBeUndefined();
  });

  it('tracks in-flight work and its peak, and refuses to go below zero', async () => {
    const telemetry = new PipelineTelemetry({ clock: manualClock().now });
    telemetry.processingStarted(5);
    telemetry.processingFinished(2);
    telemetry.processingStarted(4);
    expect(await telemetry.snapshot()).toMatchObject({
      inFlight: 7,
      processorConcurrencyPeak: 7,
      concurrencyLimit: null,
    });
    telemetry.processingFinished(7);
    telemetry.processingStarted(3);
    expect(await telemetry.snapshot()).toMatchObject({ inFlight: 3, processorConcurrencyPeak: 7 });
    expect(() => telemetry.processingFinished(4)).toThrow(/only 3 events are in flight/);
    telemetry.setConcurrencyLimit(16);
    expect((await telemetry.snapshot()).concurrencyLimit).toBe(16);
  });

  it('rejects counts that are not non-negative integers, naming the method', () => {
    const telemetry = new PipelineTelemetry();
    expect(() => telemetry.accepted(-1)).toThrow(
      /PipelineTelemetry\.accepted: expected a non-negative integer count, got -1/,
    );
    expect(() => telemetry.processed(1.5)).toThrow(/processed.*1\.5/);
    expect(() => telemetry.setBacklog(Number.NaN)).toThrow(/setBacklog.*NaN/);
    expect(() => new PipelineTelemetry({ rateWindowSeconds: 0 })).toThrow(/rateWindowSeconds/);
  });
});

describe('PipelineTelemetry rates and uptime (injected clock)', () => {
  it('reports ingest and processed rates over the recent window', async () => {
    const clock = manualClock();
    const telemetry = new PipelineTelemetry({ clock: clock.now, rateWindowSeconds: 5 });
    // 10 s of 2,000 accepted/s and 1,500 processed/s, in 50 ms steps.
    for (let i = 0; i < 200; i++) {
      telemetry.accepted(100);
      telemetry.processed(75);
      clock.advance(50);
    }
    let s = await telemetry.snapshot();
    expect(s.ingestPerSecond).toBeCloseTo(2_000, -1);
    expect(s.eventsPerSecond).toBeCloseTo(1_500, -1);
    expect(s.rateWindowSeconds).toBe(5);
    expect(s.uptimeSeconds).toBe(10);
    // Ingest stops; processing drains at the same pace. After one window ingest reads 0.
    for (let i = 0; i < 120; i++) {
      telemetry.processed(75);
      clock.advance(50);
    }
    s = await telemetry.snapshot();
    expect(s.ingestPerSecond).toBe(0);
    expect(s.eventsPerSecond).toBeCloseTo(1_500, -1);
    expect(s.uptimeSeconds).toBe(16);
  });
});

describe('PipelineTelemetry latency', () => {
  it('reports p50/p95/p99 within 1 % of the exact quantiles of the window', async () => {
    const clock = manualClock();
    const telemetry = new PipelineTelemetry({ clock: clock.now, latencyWindowSeconds: 10 });
    const latencies = Array.from({ length: 10_000 }, (_, i) => 1 + ((i * 7919) % 1000)); // 1…1000 ms, each 10 times
    for (let b = 0; b < 100; b++) telemetry.processed(100, latencies.slice(b * 100, b * 100 + 100));
    const sorted = [...latencies].sort((a, b) => a - b);
    const exact = (q: number): number => sorted[Math.floor(q * (sorted.length - 1))]!;
    const { latencyMs } = await telemetry.snapshot();
    expect(latencyMs.samples).toBe(10_000);
    expect(latencyMs.windowSeconds).toBe(10);
    for (const [q, key] of [
      [0.5, 'p50'],
      [0.95, 'p95'],
      [0.99, 'p99'],
    ] as const) {
      expect(Math.abs(latencyMs[key]! - exact(q)) / exact(q), key).toBeLessThanOrEqual(0.0101);
    }
    clock.advance(11_000);
    expect((await telemetry.snapshot()).latencyMs).toEqual({
      p50: null,
      p95: null,
      p99: null,
      samples: 0,
      windowSeconds: 10,
    });
  });

  it('counts negative latencies (clock skew) as 0 and skips non-finite ones', async () => {
    const telemetry = new PipelineTelemetry({ clock: manualClock().now });
    telemetry.processed(3, [-4, Number.NaN, 0]);
    const { latencyMs } = await telemetry.snapshot();
    expect(latencyMs).toMatchObject({ p50: 0, p99: 0, samples: 2 });
  });
});

describe('PipelineTelemetry contact-centre figures', () => {
  it('reads them through the ContactCentreSource port (a real SQLite table)', async () => {
    const telemetry = new PipelineTelemetry({ contactCentre });
    const { contactCentre: figures } = await telemetry.snapshot();
    expect(figures).toEqual({
      activeConversations: 4,
      waitingByQueue: [
        { queueId: 'q-billing', waiting: 2 },
        { queueId: 'q-sales', waiting: 1 },
      ],
      abandonRate: 0.5,
      averageHandleTimeMs: 300_000,
      conversationsEnded: 2,
    });
  });

  it('still answers with the pipeline figures when the source fails', async () => {
    const failing: ContactCentreSource = {
      contactCentreFigures() {
        throw new Error('projection store is closed');
      },
    };
    const telemetry = new PipelineTelemetry({ contactCentre: failing });
    telemetry.accepted(3);
    const s = await telemetry.snapshot();
    expect(s.accepted).toBe(3);
    expect(s.contactCentre).toBeNull();
    expect(s.contactCentreError).toBe('projection store is closed');
  });
});

describe('PipelineTelemetry Prometheus metrics', () => {
  it('exposes every counter, gauge and the latency histogram with their values', async () => {
    const telemetry = new PipelineTelemetry({ clock: manualClock().now, concurrencyLimit: 12, contactCentre });
    telemetry.accepted(50);
    telemetry.processingStarted(12);
    telemetry.processed(40, [...Array.from({ length: 30 }, () => 4), ...Array.from({ length: 10 }, () => 2_000)]);
    telemetry.processingFinished(9);
    telemetry.duplicate(4);
    telemetry.invalid(2);
    telemetry.deadLettered(3);
    telemetry.failed(5);
    telemetry.retried(4);
    telemetry.throttled(6);
    telemetry.setBacklog(7);

    expect(telemetry.metricsContentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    const families = parsePrometheusText(await telemetry.metrics());
    const expected: [string, 'counter' | 'gauge', number][] = [
      ['genesys_pipeline_events_accepted_total', 'counter', 50],
      ['genesys_pipeline_events_processed_total', 'counter', 40],
      ['genesys_pipeline_events_duplicate_total', 'counter', 4],
      ['genesys_pipeline_events_invalid_total', 'counter', 2],
      ['genesys_pipeline_events_failed_total', 'counter', 5],
      ['genesys_pipeline_events_retried_total', 'counter', 4],
      ['genesys_pipeline_events_dead_lettered_total', 'counter', 3],
      ['genesys_pipeline_lambda_throttles_total', 'counter', 6],
      ['genesys_pipeline_backlog_events', 'gauge', 7],
      ['genesys_pipeline_in_flight_events', 'gauge', 3],
      ['genesys_pipeline_concurrency_limit', 'gauge', 12],
      ['genesys_pipeline_processor_concurrency_peak', 'gauge', 12],
      ['genesys_pipeline_active_conversations', 'gauge', 4],
      ['genesys_pipeline_abandon_ratio', 'gauge', 0.5],
      ['genesys_pipeline_average_handle_time_seconds', 'gauge', 300],
      ['genesys_pipeline_conversations_ended', 'gauge', 2],
      ['genesys_pipeline_contact_centre_source_up', 'gauge', 1],
    ];
    for (const [name, type, value] of expected) {
      const family = families.get(name);
      expect(family?.type, name).toBe(type);
      expect(family?.help.length, `${name} help`).toBeGreaterThan(20);
      expect(sampleValue(families, name), name).toBe(value);
    }
    expect(sampleValue(families, 'genesys_pipeline_queue_waiting_conversations', { queue_id: 'q-billing' })).toBe(2);
    expect(sampleValue(families, 'genesys_pipeline_queue_waiting_conversations', { queue_id: 'q-sales' })).toBe(1);

    const latency = families.get('genesys_pipeline_event_latency_seconds')!;
    expect(latency.type).toBe('histogram');
    expect(sampleValue(families, 'genesys_pipeline_event_latency_seconds_count')).toBe(40);
    expect(sampleValue(families, 'genesys_pipeline_event_latency_seconds_sum')).toBeCloseTo(30 * 0.004 + 10 * 2, 9);
    expect(sampleValue(families, 'genesys_pipeline_event_latency_seconds_bucket', { le: '0.0025' })).toBe(0);
    expect(sampleValue(families, 'genesys_pipeline_event_latency_seconds_bucket', { le: '0.005' })).toBe(30);
    expect(sampleValue(families, 'genesys_pipeline_event_latency_seconds_bucket', { le: '1' })).toBe(30);
    expect(sampleValue(families, 'genesys_pipeline_event_latency_seconds_bucket', { le: '2.5' })).toBe(40);
    expect(sampleValue(families, 'genesys_pipeline_event_latency_seconds_bucket', { le: '+Inf' })).toBe(40);
    // Buckets are cumulative.
    const buckets = latency.samples.filter((s) => s.name.endsWith('_bucket')).map((s) => s.value);
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));

    // Values are read at scrape time: a second scrape sees the new counts.
    telemetry.accepted(5);
    expect(sampleValue(parsePrometheusText(await telemetry.metrics()), 'genesys_pipeline_events_accepted_total')).toBe(
      55,
    );
  });

  it('uses its own registry, not prom-client’s global one, so two instances coexist', async () => {
    const a = new PipelineTelemetry();
    const b = new PipelineTelemetry();
    a.accepted(1);
    b.accepted(2);
    expect(sampleValue(parsePrometheusText(await a.metrics()), 'genesys_pipeline_events_accepted_total')).toBe(1);
    expect(sampleValue(parsePrometheusText(await b.metrics()), 'genesys_pipeline_events_accepted_total')).toBe(2);
    expect(await globalRegistry.metrics()).not.toContain('genesys_pipeline_');
  });

  it('shows undefined contact-centre figures as NaN and a failing source as down', async () => {
    const empty = new SqliteContactCentre(join(dir, 'empty.db'));
    try {
      const families = parsePrometheusText(await new PipelineTelemetry({ contactCentre: empty }).metrics());
      expect(sampleValue(families, 'genesys_pipeline_abandon_ratio')).toBeNaN();
      expect(sampleValue(families, 'genesys_pipeline_average_handle_time_seconds')).toBeNaN();
      expect(sampleValue(families, 'genesys_pipeline_active_conversations')).toBe(0);
      expect(families.get('genesys_pipeline_queue_waiting_conversations')?.samples).toEqual([]);
      expect(sampleValue(families, 'genesys_pipeline_concurrency_limit')).toBeNaN(); // not set yet
    } finally {
      empty.close();
    }
    let calls = 0;
    const failing: ContactCentreSource = {
      contactCentreFigures: async () => {
        calls++;
        throw new Error('down');
      },
    };
    const families = parsePrometheusText(await new PipelineTelemetry({ contactCentre: failing }).metrics());
    expect(sampleValue(families, 'genesys_pipeline_contact_centre_source_up')).toBe(0);
    expect(sampleValue(families, 'genesys_pipeline_active_conversations')).toBeNaN();
    expect(calls).toBe(1); // one read per scrape, shared by every contact-centre metric
  });

  it('has no contact-centre metrics without a source', async () => {
    const text = await new PipelineTelemetry().metrics();
    expect(text).not.toContain('conversations');
    expect(text).not.toContain('contact_centre');
  });

  it('adds the default process metrics on request, with the pipeline prefix', async () => {
    const families = parsePrometheusText(await new PipelineTelemetry({ processMetrics: true }).metrics());
    expect(families.get('genesys_pipeline_process_resident_memory_bytes')?.type).toBe('gauge');
  });
});
