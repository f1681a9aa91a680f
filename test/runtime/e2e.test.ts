/**
 * The runtime end to end, as a user runs it: `genesys-pipeline run` in a child process on a temp
 * data dir and port 0; the real AWS SDK sends simulated events (duplicates, out-of-order,
 * malformed ones) through PutEvents; the stats and every projection must equal the reference
 * computed here from the clean, de-duplicated events. Then SIGTERM: it drains and exits 0.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateEvents } from '../../src/simulate/index.js';
import { tempDir } from '../support/tmp.js';
import { getJson, readDatabase, reference, sendAll, startRuntimeProcess, waitForStats } from './support.js';

const dir = tempDir('gep-runtime-e2e-');

interface Stats extends Record<string, unknown> {
  accepted: number;
  processed: number;
  duplicates: number;
  invalid: number;
  deadLettered: number;
  backlog: number;
  inFlight: number;
  peakConcurrency: number;
  concurrencyLimit: number;
  contactCentre: { activeConversations: number; conversationsEnded: number } | null;
}

async function runMode(mode: 'buffered' | 'direct', conversations: number, executor?: 'reference'): Promise<void> {
  const dataDir = join(dir, `${mode}-${executor ?? 'fast'}`);
  const lines = [
    ...generateEvents({
      conversations,
      seed: mode === 'buffered' ? 11 : 12,
      duplicates: 0.05,
      outOfOrder: 0.1,
      malformed: 0.03,
    }),
  ];
  const runtime = await startRuntimeProcess(dataDir, [
    '--mode',
    mode,
    '--concurrency',
    '4',
    '--batch-window-ms',
    '20',
    ...(executor ? ['--executor', executor] : []),
  ]);
  try {
    const sent = await sendAll(lines, () => runtime.url);
    expect(sent.retriedRequests).toBe(0);
    const ref = reference(sent.accepted);
    // The simulator's malformed lines include some PutEvents itself rejects (no detail, detail not an object).
    expect(sent.rejected.every((r) => ['MalformedDetail', 'InvalidArgument'].includes(r.code))).toBe(true);
    expect(ref.invalid).toBeGreaterThan(0);
    expect(ref.valid - ref.keys.size).toBeGreaterThan(0);

    const routed = ref.valid + ref.invalid;
    const stats = await waitForStats<Stats>(
      runtime.url,
      (s) => s.processed + s.duplicates + s.invalid >= routed && s.inFlight === 0,
    );
    expect(stats.accepted).toBe(sent.accepted.length);
    expect(stats.processed).toBe(ref.keys.size);
    expect(stats.duplicates).toBe(ref.valid - ref.keys.size);
    expect(stats.invalid).toBe(ref.invalid);
    expect(stats.deadLettered).toBe(ref.invalid);
    expect(stats.peakConcurrency).toBeGreaterThan(0);
    expect(stats.peakConcurrency).toBeLessThanOrEqual(4);
    expect(stats.concurrencyLimit).toBe(4);

    // Every projection, through the HTTP API.
    for (const [id, expected] of ref.projections) {
      const { status, body } = await getJson<{ names: unknown }>(`${runtime.url}/api/conversations/${id}`);
      expect(status).toBe(200);
      // The projection as stored, and beside it the names the directory knows (docs/directory.md).
      const { names, ...projection } = body;
      expect(projection).toEqual(JSON.parse(JSON.stringify(expected)));
      expect(names).toEqual({ queues: expect.any(Object), users: expect.any(Object), wrapupCodes: expect.any(Object) });
    }
    const listed = await getJson<{ count: number }>(`${runtime.url}/api/conversations?limit=1000`);
    expect(listed.body.count).toBe(Math.min(1000, ref.projections.size));
    const ended = [...ref.projections.values()].filter((p) => p.state === 'ended').length;
    expect(stats.contactCentre?.conversationsEnded).toBe(ended);
    expect(stats.contactCentre?.activeConversations).toBe(ref.projections.size - ended);

    // Graceful shutdown: SIGTERM drains and exits 0, the lock is released.
    runtime.child.kill('SIGTERM');
    expect(await runtime.exited).toEqual({ code: 0, signal: null });
    expect(runtime.stderr()).toContain('Stopped');
    expect(existsSync(join(dataDir, 'runtime.lock'))).toBe(false);

    // On disk: one completed idempotency record per distinct event, nothing in progress or left queued.
    const db = readDatabase(dataDir);
    expect(db.completedKeys).toEqual(ref.recordIds);
    expect(db.inProgress).toBe(0);
    expect(db.queued).toBe(0);
    expect(db.deadLetters.filter((d) => d.stage === 'validate')).toHaveLength(ref.invalid);
    expect(db.projections.size).toBe(ref.projections.size);
  } finally {
    runtime.child.kill('SIGKILL');
  }
}

describe('genesys-pipeline run, end to end with the AWS SDK', () => {
  it('buffered mode: stats and every projection equal the reference; SIGTERM drains and exits 0', async () => {
    await runMode('buffered', 250);
  }, 120_000);

  it('direct mode: one execution per event, the same results', async () => {
    await runMode('direct', 120);
  }, 120_000);

  it('--executor reference (aws-local-stepfunctions): the same results', async () => {
    await runMode('buffered', 100, 'reference');
  }, 120_000);
});
