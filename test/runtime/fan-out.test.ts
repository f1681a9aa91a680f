/**
 * The local fan-out end to end (what `run --fan-out-bus NAME --fan-out-rule …` builds): Genesys
 * events put into the runtime's own PutEvents endpoint with the real AWS SDK are processed, and
 * the fan-out bus receives one event per processed event — a rule matching by family writes its
 * events to an NDJSON file, another POSTs presence events to a URL; a Genesys re-send is a
 * duplicate and is not published again; an event whose entry the sink cannot send is
 * dead-lettered for the sink "fan-out" alone, with the reason.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, describe, expect, it } from 'vitest';
import { startRuntime } from '../../src/runtime/index.js';
import type { Runtime } from '../../src/runtime/index.js';
import { LocalFanOut, parseFanOutRule } from '../../src/runtime/fan-out.js';
import { RuntimeOptionsError } from '../../src/runtime/errors.js';
import { generateEvents } from '../../src/simulate/index.js';
import { conversationEvent } from '../support/events.js';
import { listenOnLoopback, readBody } from '../support/http-server.js';
import { tempDir } from '../support/tmp.js';
import { BUS, clientFor, entryOf } from './support.js';

const dir = tempDir('gep-runtime-fan-out-');
let runtime: Runtime | undefined;
let fanOut: LocalFanOut | undefined;
afterAll(async () => {
  await runtime?.stop();
  await fanOut?.close();
});

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const lines = (file: string): Array<{ source: string; 'detail-type': string; detail: { key: string } }> =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { source: string; 'detail-type': string; detail: { key: string } });

describe('run --fan-out-bus: the local fan-out bus', () => {
  it('publishes one event per processed event to the bus, rules deliver by family, duplicates are not published, a failing entry is dead-lettered for the sink', async () => {
    const presence: string[] = [];
    const receiver = await listenOnLoopback(
      createServer((req, res) => {
        void readBody(req).then((body) => {
          presence.push(body);
          res.end();
        });
      }),
    );
    const calls = join(dir, 'calls.ndjson');
    const all = join(dir, 'all.ndjson');
    fanOut = LocalFanOut.create({
      busName: 'contact-centre',
      rules: [
        parseFanOutRule(`{"source":["genesys-event-pipeline"],"detail-type":["conversation"]}=>file:${calls}`),
        parseFanOutRule(`{"detail-type":["user-presence"]}=>${receiver.url}/presence`),
        parseFanOutRule(`{"source":["genesys-event-pipeline"]}=>file:${all}`),
      ],
      // Small enough that the large event below cannot be sent.
      sink: { maxRequestBytes: 8192 },
    });
    runtime = await startRuntime({ dataDir: join(dir, 'data'), port: 0, batchWindowMs: 0 }, { sinks: [fanOut.sink] });
    await fanOut.open(runtime.options.dataDir);
    const r = runtime;

    const generated = [
      ...generateEvents({ conversations: 12, seed: 23, duplicates: 0.1, families: ['conversation', 'user-presence'] }),
    ];
    const large = JSON.stringify(
      conversationEvent('acd.end', { acdOutcome: 'ABANDON', queueId: 'q'.repeat(10_000) }, { source: BUS }),
    );
    const sent = [...generated, large];
    const client = clientFor(r.url);
    const put = async (batch: readonly string[]) => {
      for (let i = 0; i < batch.length; i += 10) {
        const out = await client.send(new PutEventsCommand({ Entries: batch.slice(i, i + 10).map(entryOf) }));
        expect(out.FailedEntryCount).toBe(0);
      }
    };
    await put(sent);
    const settled = async (n: number) => {
      const s = await r.telemetry.snapshot();
      return s.processed + s.duplicates + s.deadLettered === n;
    };
    await until(() => settled(sent.length));
    await fanOut.eventBridge!.drain(10_000);

    const stats = await r.telemetry.snapshot();
    expect(stats.duplicates).toBeGreaterThan(0);
    expect(stats.deadLettered).toBe(1);
    const published = lines(all);
    expect(published).toHaveLength(stats.processed);
    expect(new Set(published.map((e) => e.detail.key)).size).toBe(stats.processed);
    expect(published.every((e) => e.source === 'genesys-event-pipeline')).toBe(true);
    const conversations = lines(calls);
    expect(conversations.length).toBeGreaterThan(0);
    expect(conversations.every((e) => e['detail-type'] === 'conversation')).toBe(true);
    const presenceCount = published.filter((e) => e['detail-type'] === 'user-presence').length;
    expect(presenceCount).toBeGreaterThan(0);
    expect(conversations.length + presenceCount).toBe(published.length);
    expect(presence.map((b) => (JSON.parse(b) as { 'detail-type': string })['detail-type'])).toEqual(
      Array(presenceCount).fill('user-presence'),
    );

    // The large event: processed by the projections, dead-lettered for the fan-out sink alone.
    const dead = r.admin.deadLetters.list({ kinds: ['failed'] });
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ sink: 'fan-out', redrivable: true });
    expect(dead[0]!.reason).toMatch(/fan-out entry is \d+ bytes as EventBridge counts it, over the 8192 bytes/);

    // Genesys re-sends everything: duplicates, nothing published again.
    const before = stats.duplicates;
    await put(generated);
    await until(async () => (await r.telemetry.snapshot()).duplicates >= before + generated.length);
    await fanOut.eventBridge!.drain(10_000);
    expect(lines(all)).toHaveLength(published.length);
    await receiver.close();
  }, 60_000);

  it('refuses a rule that is not PATTERN=>TARGET, an invalid pattern or target, and a bad bus name, listing every problem', () => {
    expect(() => parseFanOutRule('{"source":["x"]}')).toThrow(/A fan-out rule is 'PATTERN=>TARGET'/);
    expect(() =>
      LocalFanOut.create({
        busName: 'default',
        rules: [
          { pattern: '{"source":"not-an-array"}', target: 'file:x.ndjson' },
          { pattern: '{"source":["x"]}', target: 'ftp://example.com' },
        ],
      }),
    ).toThrow(RuntimeOptionsError);
    try {
      LocalFanOut.create({
        busName: 'default',
        rules: [
          { pattern: '{"source":"not-an-array"}', target: 'file:x.ndjson' },
          { pattern: '{"source":["x"]}', target: 'ftp://example.com' },
        ],
      });
    } catch (error) {
      const problems = (error as RuntimeOptionsError).problems;
      expect(problems).toHaveLength(3);
      expect(problems[0]).toMatch(/--fan-out-bus "default"/);
      expect(problems[1]).toMatch(/fan-out rule 1: the pattern is not a valid event pattern/);
      expect(problems[2]).toMatch(
        /fan-out rule 2: target "ftp:\/\/example.com" is neither file:<path> nor an http\(s\):\/\/ URL/,
      );
    }
  });
});
