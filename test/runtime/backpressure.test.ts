/**
 * Backpressure through the real runtime and the real AWS SDK: past `--max-backlog` PutEvents
 * answers `ThrottlingException` (HTTP 400, AWS JSON 1.1 — what an SDK client with `maxAttempts: 1`
 * sees), `/api/stats` says so, and once the backlog has drained below its resume level it accepts
 * again; the simulator's sender rides through a throttle with backoff; every acknowledged event
 * is processed exactly once. Below `--min-free-disk-mb` it throttles too.
 */
import { join } from 'node:path';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterEach, describe, expect, it } from 'vitest';
import { startRuntime } from '../../src/runtime/index.js';
import type { Runtime } from '../../src/runtime/index.js';
import { generateEvents, sendEvents } from '../../src/simulate/index.js';
import type { PipelineStats } from '../../src/telemetry/index.js';
import { FUNCTION_PLACEHOLDERS } from '../../src/workflow/index.js';
import { tempDir } from '../support/tmp.js';
import { clientFor, entryOf, expectExactlyOnce, getJson, reference } from './support.js';

const dir = tempDir('gep-runtime-backpressure-');
const lines = [...generateEvents({ conversations: 12, seed: 11 })];
let runtime: Runtime | undefined;
afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
});

type Thrown = Error & { $metadata?: { httpStatusCode?: number } };

describe('backpressure: ThrottlingException past a threshold', () => {
  it('throttles at --max-backlog, accepts again once drained; the sender retries; nothing acknowledged is lost', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const dataDir = join(dir, 'backlog');
    runtime = await startRuntime(
      { dataDir, port: 0, batchWindowMs: 0, admission: { maxBacklog: 30, minFreeDiskBytes: 0 } },
      {
        // Processing waits for the gate: the backlog builds up.
        functionOverrides: (f) => ({
          ...f,
          [FUNCTION_PLACEHOLDERS.processor]: async (payload) => {
            await gate;
            return f[FUNCTION_PLACEHOLDERS.processor]!(payload);
          },
        }),
      },
    );
    const r = runtime;
    const client = clientFor(r.url); // maxAttempts 1: the SDK shows the first answer
    const accepted: string[] = [];
    let next = 0;
    let throttled: Thrown | undefined;
    try {
      while (!throttled && next < 100) {
        const batch = lines.slice(next, next + 10);
        try {
          const out = await client.send(new PutEventsCommand({ Entries: batch.map(entryOf) }));
          expect(out.FailedEntryCount).toBe(0);
          accepted.push(...batch);
          next += 10;
        } catch (error) {
          throttled = error as Thrown;
        }
      }
      expect(throttled?.name).toBe('ThrottlingException');
      expect(throttled?.$metadata?.httpStatusCode).toBe(400);
      expect(throttled?.message).toMatch(/events wait to be processed, the limit is 30 \(--max-backlog\)/);
      expect(accepted.length).toBeGreaterThanOrEqual(30);
      expect(accepted.length).toBeLessThanOrEqual(50);
      const stats = (await getJson<PipelineStats>(`${r.url}/api/stats`)).body;
      expect(stats.admission).toMatchObject({
        state: 'throttling',
        reason: 'backlog',
        maxBacklog: 30,
        resumeBacklog: 24,
      });
      expect(stats.admission!.throttledRequests).toBeGreaterThanOrEqual(1);

      // The simulator's sender, throttled as a whole, backs off and sends again; the gate opens meanwhile.
      const rest = lines.slice(next, lines.length - 10);
      const sending = sendEvents(rest, { endpoint: r.url, client, concurrency: 2 });
      setTimeout(release, 500);
      const summary = await sending;
      expect(summary).toMatchObject({ lines: rest.length, accepted: rest.length, failed: 0 });
      expect(summary.throttled).toBeGreaterThanOrEqual(1);
      accepted.push(...rest);

      // Drained: the sampled backlog is back to 0 and PutEvents accepts at once.
      const deadline = Date.now() + 15_000;
      let admission = (await r.telemetry.snapshot()).admission!;
      while ((admission.state !== 'accepting' || admission.backlog > 0) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        admission = (await r.telemetry.snapshot()).admission!;
      }
      expect(admission).toMatchObject({ state: 'accepting', backlog: 0 });
      const last = lines.slice(lines.length - 10);
      const out = await client.send(new PutEventsCommand({ Entries: last.map(entryOf) }));
      expect(out.FailedEntryCount).toBe(0);
      accepted.push(...last);
      const until = Date.now() + 15_000;
      while ((await r.telemetry.snapshot()).admission!.backlog > 0 && Date.now() < until)
        await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      release();
      client.destroy();
    }
    await r.stop();
    runtime = undefined;
    expect(accepted.length).toBe(lines.length);
    expectExactlyOnce(dataDir, reference(accepted), expect);
  });

  it('throttles below --min-free-disk-mb, with the reason on /api/stats', async () => {
    runtime = await startRuntime({
      dataDir: join(dir, 'disk'),
      port: 0,
      admission: { minFreeDiskBytes: Number.MAX_SAFE_INTEGER },
    });
    const client = clientFor(runtime.url);
    try {
      const error = await client.send(new PutEventsCommand({ Entries: [entryOf(lines[0]!)] })).then(
        () => undefined,
        (e: unknown) => e as Thrown,
      );
      expect(error?.name).toBe('ThrottlingException');
      expect(error?.$metadata?.httpStatusCode).toBe(400);
      expect(error?.message).toMatch(/MiB free, below the minimum .* \(--min-free-disk-mb\).*free disk space/);
      const stats = (await getJson<PipelineStats>(`${runtime.url}/api/stats`)).body;
      expect(stats.admission).toMatchObject({ state: 'throttling', reason: 'disk', throttledRequests: 1 });
      expect(stats.admission!.freeDiskBytes).toBeGreaterThan(0);
      expect(stats.accepted).toBe(0);
    } finally {
      client.destroy();
    }
  });
});
