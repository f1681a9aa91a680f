/**
 * `genesys-pipeline replay` as a child process against a running runtime: the archived events of
 * the window go through the rule again, and idempotency makes them duplicates — nothing is
 * applied twice.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateEvents } from '../../src/simulate/index.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { getJson, reference, sendAll, startRuntimeProcess, waitForStats } from '../runtime/support.js';

const dir = tempDir('gep-cli-replay-');

interface Stats extends Record<string, unknown> {
  processed: number;
  duplicates: number;
  inFlight: number;
  backlog: number;
}

describe('genesys-pipeline replay', () => {
  it('re-delivers the archived window; every replayed event is a duplicate, projections unchanged', async () => {
    const dataDir = join(dir, 'data');
    // Events of 2026-01-01 12:00–12:10 (simulated time), then a window that holds part of them.
    const lines = [...generateEvents({ conversations: 60, seed: 8 })];
    const runtime = await startRuntimeProcess(dataDir, ['--batch-window-ms', '0']);
    try {
      const sent = await sendAll(lines, () => runtime.url);
      const ref = reference(sent.accepted);
      await waitForStats<Stats>(runtime.url, (s) => s.processed === ref.keys.size && s.inFlight === 0);
      const conversation = [...ref.projections.keys()][0]!;
      const before = (await getJson(`${runtime.url}/api/conversations/${conversation}`)).body;

      const from = '2026-01-01T12:00:00Z';
      const to = '2026-01-01T12:05:00Z';
      const inWindow = sent.accepted.filter((l) => {
        const t = Date.parse((JSON.parse(l) as { time: string }).time);
        return t >= Date.parse(from) && t < Date.parse(to);
      }).length;
      expect(inWindow).toBeGreaterThan(0);
      expect(inWindow).toBeLessThan(sent.accepted.length);

      const replay = await runCli(['replay', '--from', from, '--to', to, '--data-dir', dataDir, '--json']);
      expect(replay.code, replay.stderr).toBe(0);
      const result = JSON.parse(replay.stdout) as { EventsReplayed: number; State: string };
      expect(result).toMatchObject({ State: 'COMPLETED', EventsReplayed: inWindow });

      const after = await waitForStats<Stats>(
        runtime.url,
        (s) => s.duplicates === inWindow && s.inFlight === 0 && s.backlog === 0,
      );
      expect(after.processed).toBe(ref.keys.size);
      expect((await getJson(`${runtime.url}/api/conversations/${conversation}`)).body).toEqual(before);

      const bad = await runCli(['replay', '--from', to, '--to', from, '--data-dir', dataDir]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/must be before/);
    } finally {
      runtime.child.kill('SIGTERM');
      await runtime.exited;
    }
  }, 90_000);
});
