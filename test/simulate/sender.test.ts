/**
 * The PutEvents sender against a real HTTP server speaking the EventBridge API, through the real
 * AWS SDK client: batching, entry conversion, per-entry failures, retries, pacing, errors.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SendError, generateAnnotatedEvents, sendEvents, toPutEventsEntry } from '../../src/simulate/index.js';
import { putEventsEntrySize } from '../../src/eventbridge/put-events.js';
import type { SendFailure, SimulatedLine } from '../../src/simulate/index.js';
import type { Clock } from '../../src/simulate/pacer.js';
import { startPutEventsServer } from './put-events-server.js';
import type { PutEventsServer } from './put-events-server.js';

const BUS = 'aws.partner/genesys.com/cloud/a3c1e4b2-6f0d-4e8a-9b7c-2d5f8e1a0c93/genesys-event-pipeline';
/** Malformed lines the PutEvents API itself refuses; the others reach the bus (and the pipeline's validator). */
const REFUSED_BY_API = new Set(['truncated-json', 'missing-detail', 'detail-as-string', 'batch-array']);

let server: PutEventsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('sendEvents', () => {
  it('puts every event on the partner bus, ≤ 10 entries and ≤ 256 KiB per call, and reports exactly the entries the endpoint rejected', async () => {
    // The 256 KiB request limit of the local bus (and of EventBridge before 2026): oversized events are refused.
    server = await startPutEventsServer({ maxRequestBytes: 256 * 1024 });
    const lines: SimulatedLine[] = [
      ...generateAnnotatedEvents({ conversations: 150, seed: 8, malformed: 0.08, oversized: 0.01, duplicates: 0.03 }),
    ];
    const failures: SendFailure[] = [];
    const summary = await sendEvents(
      lines.map((l) => l.line),
      { endpoint: server.url, eventBusName: BUS, onFailure: (f) => failures.push(f) },
    );

    const expectedRejected = lines
      .map((l, i) => ({ ...l, lineNumber: i + 1 }))
      .filter((l) => l.fault === 'oversized' || (l.fault === 'malformed' && REFUSED_BY_API.has(l.malformation!)));
    expect(expectedRejected.some((l) => l.fault === 'oversized')).toBe(true);
    expect(summary.lines).toBe(lines.length);
    expect(summary.failed).toBe(expectedRejected.length);
    expect(summary.accepted).toBe(lines.length - expectedRejected.length);
    expect(server.accepted).toHaveLength(summary.accepted);
    expect(failures.map((f) => f.line).sort((a, b) => a - b)).toEqual(expectedRejected.map((l) => l.lineNumber));
    expect(summary.failures).toEqual([...failures].sort((a, b) => a.line - b.line).slice(0, 100));

    const codeOf = (l: (typeof expectedRejected)[number]) =>
      l.fault === 'oversized'
        ? 'ValidationException'
        : l.malformation === 'missing-detail'
          ? 'InvalidArgument'
          : 'MalformedDetail';
    const expectedCodes: Record<string, number> = {};
    for (const l of expectedRejected) expectedCodes[codeOf(l)] = (expectedCodes[codeOf(l)] ?? 0) + 1;
    expect(summary.failuresByCode).toEqual(expectedCodes);
    const missingDetail = failures.find((f) => f.errorCode === 'InvalidArgument');
    if (missingDetail) {
      expect(missingDetail.errorMessage).toBe('Parameter Detail is not valid. Reason: Detail is a required argument.');
      expect(missingDetail.note).toContain('no "detail"');
    }

    for (const request of server.requests) {
      expect(request.entries).toBeLessThanOrEqual(10);
      if (request.entries > 1) expect(request.bytes).toBeLessThanOrEqual(256 * 1024);
      // Signed with SigV4 (dummy credentials for a loopback endpoint).
      expect(request.headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=local\/\d{8}\/us-east-1\/events\/aws4_request/,
      );
    }
    expect(summary.requests).toBe(server.requests.length);
    expect(summary.requests).toBeLessThan(lines.length / 5);
  });

  it('converts each event to the entry a partner event source puts: Source, DetailType, Detail, Time, Resources, EventBusName', async () => {
    server = await startPutEventsServer();
    const lines = [...generateAnnotatedEvents({ conversations: 20, seed: 2 })].map((l) => l.line);
    const summary = await sendEvents(lines, { endpoint: server.url });
    expect(summary.failed).toBe(0);
    const received = new Map(server.accepted.map((e) => [e.Detail!, e]));
    for (const line of lines) {
      const event = JSON.parse(line) as {
        source: string;
        'detail-type': string;
        time: string;
        detail: unknown;
        resources: string[];
      };
      const entry = received.get(JSON.stringify(event.detail))!;
      expect(entry).toBeDefined();
      expect(entry.Source).toBe(event.source);
      expect(entry.DetailType).toBe(event['detail-type']);
      expect(JSON.parse(entry.Detail!)).toEqual(event.detail);
      expect(entry.Time).toBe(Date.parse(event.time) / 1000);
      expect(entry.Resources).toEqual([]);
      // Without an explicit bus name, the partner bus: named as the event's partner source.
      expect(entry.EventBusName).toBe(event.source);
    }
  });

  it('retries entries the endpoint throttles, then succeeds', async () => {
    let n = 0;
    server = await startPutEventsServer({ throttle: () => n++ % 4 === 0 });
    const lines = [...generateAnnotatedEvents({ conversations: 30, seed: 6 })].map((l) => l.line);
    const summary = await sendEvents(lines, { endpoint: server.url, concurrency: 2 });
    expect(summary.failed).toBe(0);
    expect(summary.accepted).toBe(lines.length);
    expect(summary.retries).toBeGreaterThan(lines.length / 5);
    expect(new Set(server.accepted.map((e) => e.Detail)).size).toBe(lines.length);
  });

  it('reports a throttled entry as failed once its attempts are used up', async () => {
    server = await startPutEventsServer({ throttle: () => true });
    const lines = [...generateAnnotatedEvents({ conversations: 2, seed: 6 })].map((l) => l.line);
    const summary = await sendEvents(lines, { endpoint: server.url, maxAttempts: 1 });
    expect(summary.failed).toBe(lines.length);
    expect(summary.failuresByCode).toEqual({ ThrottlingException: lines.length });
  });

  it('paces to the requested rate (virtual clock)', async () => {
    server = await startPutEventsServer();
    let now = 0;
    let slept = 0;
    const clock: Clock = { now: () => now, sleep: async (ms) => void ((now += ms), (slept += ms)) };
    const lines = [...generateAnnotatedEvents({ conversations: 10, seed: 1 })].map((l) => l.line);
    const summary = await sendEvents(lines, { endpoint: server.url, rate: 50, clock });
    expect(summary.accepted).toBe(lines.length);
    // n events at 50/s: the last one is due (n − 1) / 50 s after the first.
    expect(slept).toBeGreaterThanOrEqual(((lines.length - 1) / 50) * 1000 - 1);
    expect(slept).toBeLessThan(((lines.length - 1) / 50) * 1000 + 3000);
    // Paced events go out as they come due, in small calls.
    expect(server.requests.length).toBeGreaterThan(lines.length / 2);
  });

  it('fails with a clear error when nothing listens at the endpoint', async () => {
    server = await startPutEventsServer();
    const url = server.url;
    await server.close();
    server = undefined;
    const lines = [...generateAnnotatedEvents({ conversations: 3, seed: 1 })].map((l) => l.line);
    const error = await sendEvents(lines, { endpoint: url }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SendError);
    expect((error as SendError).message).toContain(`Cannot reach the PutEvents endpoint ${url}`);
    await expect(sendEvents(lines, { endpoint: 'not a url' })).rejects.toThrow(/Invalid endpoint URL "not a url"/);
  });
});

describe('toPutEventsEntry', () => {
  it('sizes entries as EventBridge does', () => {
    const entry = { Source: 'ab', DetailType: 'cd', Detail: '{"é":1}', Resources: ['r1'], Time: new Date(0) };
    expect(putEventsEntrySize(entry)).toBe(14 + 2 + 2 + Buffer.byteLength('{"é":1}') + 2);
  });

  it('sends what it can of lines that are not events', () => {
    const truncated = toPutEventsEntry(
      '{"version":"0","detail-type":"v2.x.{id}.y","source":"aws.partner/genesys.com/cloud/o/s","detail":{"topicN',
      { eventBusName: BUS },
    );
    expect(truncated.entry).toMatchObject({
      Source: 'aws.partner/genesys.com/cloud/o/s',
      DetailType: 'v2.x.{id}.y',
      EventBusName: BUS,
    });
    expect(truncated.entry.Detail).toContain('"topicN');
    expect(truncated.note).toMatch(/not valid JSON/);
    const noDetail = toPutEventsEntry('{"source":"s","detail-type":"t","time":"2026-01-01T12:00:00Z"}');
    expect(noDetail.entry.Detail).toBeUndefined();
    expect(noDetail.entry.Time).toEqual(new Date('2026-01-01T12:00:00Z'));
    expect(noDetail.note).toBe('no "detail"');
    const array = toPutEventsEntry('[1,2]', { fallbackSource: 'src' });
    expect(array.entry).toMatchObject({ Source: 'src', Detail: '[1,2]' });
  });
});
