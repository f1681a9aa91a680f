/**
 * `genesys-pipeline dlq list|show|redrive` as child processes: through the admin endpoint of a
 * running runtime, and directly on the database when none runs.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateEvents } from '../../src/simulate/index.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { readDatabase, sendAll, startRuntimeProcess, waitForSettledStats } from '../runtime/support.js';

const dir = tempDir('gep-cli-dlq-');

describe('genesys-pipeline dlq', () => {
  it('lists, shows and redrives dead letters, with and without a running runtime', async () => {
    const dataDir = join(dir, 'data');
    const lines = [...generateEvents({ conversations: 40, seed: 3, malformed: 0.1 })];
    const runtime = await startRuntimeProcess(dataDir, ['--batch-window-ms', '0']);
    let invalid: number;
    try {
      const sent = await sendAll(lines, () => runtime.url);
      const stats = await waitForSettledStats<{
        invalid: number;
        processed: number;
        duplicates: number;
        inFlight: number;
        backlog: number;
      }>(
        runtime.url,
        (s) => s.backlog === 0 && s.inFlight === 0 && s.processed + s.invalid >= sent.accepted.length - 5,
      );
      invalid = stats.invalid;
      expect(invalid).toBeGreaterThan(0);

      const list = await runCli(['dlq', 'list', '--data-dir', dataDir, '--json']);
      expect(list.code).toBe(0);
      const listing = JSON.parse(list.stdout) as {
        deadLetters: Array<{ id: string; kind: string; reason: string }>;
        counts: Record<string, number>;
      };
      expect(listing.counts.invalid).toBe(invalid);
      expect(
        listing.deadLetters.every((d) => d.kind === 'invalid' && d.reason.startsWith('Invalid Genesys event')),
      ).toBe(true);

      const text = await runCli(['dlq', 'list', '--data-dir', dataDir]);
      expect(text.stdout).toContain(`Dead letters: ${invalid} invalid, 0 failed, 0 queue, 0 target, 0 dropped.`);

      const id = listing.deadLetters[0]!.id;
      const show = await runCli(['dlq', 'show', id, '--data-dir', dataDir]);
      expect(show.code).toBe(0);
      expect(show.stdout).toContain(id);
      expect(show.stdout).toContain('event:');

      const missing = await runCli(['dlq', 'show', 'failed/nope', '--data-dir', dataDir]);
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toMatch(/No dead letter failed\/nope/);

      const redrive = await runCli(['dlq', 'redrive', '--data-dir', dataDir]);
      expect(redrive.code).toBe(0);
      expect(redrive.stdout).toContain(`Redrove 0 dead letter(s), skipped ${invalid}`);
      expect(redrive.stdout).toMatch(/--include-invalid/);
    } finally {
      runtime.child.kill('SIGTERM');
      await runtime.exited;
    }

    // No runtime: the commands open the database themselves.
    const offline = await runCli(['dlq', 'list', '--data-dir', dataDir, '--json']);
    expect(offline.code).toBe(0);
    expect((JSON.parse(offline.stdout) as { counts: { invalid: number } }).counts.invalid).toBe(invalid);
    const listing = JSON.parse(offline.stdout) as { deadLetters: Array<{ id: string }> };
    const one = listing.deadLetters[0]!.id;
    const redriven = await runCli(['dlq', 'redrive', one, '--include-invalid', '--data-dir', dataDir]);
    expect(redriven.code).toBe(0);
    expect(redriven.stdout).toContain(`${one} → event queue`);
    const db = readDatabase(dataDir);
    expect(db.queued).toBe(1); // waits for the next run
    expect(db.deadLetters.filter((d) => d.stage === 'validate')).toHaveLength(invalid - 1);

    const nowhere = await runCli(['dlq', 'list', '--data-dir', join(dir, 'empty')]);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toMatch(/No pipeline in/);
  }, 90_000);
});
