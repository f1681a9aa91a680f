/**
 * `genesys-pipeline run` as a child process: the built-in simulator (`--simulate`) feeds the
 * pipeline through its own PutEvents API; the token comes from the environment; a second `run`
 * on the same data dir fails with a clear message; SIGINT stops it gracefully; `--fan-out-bus`
 * with a `--fan-out-rule` writes every processed event to the rule's file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { getJson, startRuntimeProcess, waitForSettledStats, waitForStats } from '../runtime/support.js';

const dir = tempDir('gep-cli-run-');
const TOKEN = 'cli-run-test-token-8d1e4a';

describe('genesys-pipeline run', () => {
  it('--simulate processes simulated events; the token from $GENESYS_PIPELINE_TOKEN guards every route; a second run on the data dir is refused', async () => {
    const dataDir = join(dir, 'sim');
    const runtime = await startRuntimeProcess(dataDir, ['--simulate', '--rate', '400', '--duration', '2'], {
      GENESYS_PIPELINE_TOKEN: TOKEN,
    });
    try {
      expect(runtime.stdout()).toContain('Dashboard:');
      expect(runtime.stdout()).not.toContain(TOKEN); // the token is never printed
      expect((await getJson(`${runtime.url}/api/stats`)).status).toBe(401);
      const stats = await waitForStats<{ processed: number; accepted: number }>(
        runtime.url,
        (s) => s.processed >= 300,
        30_000,
        TOKEN,
      );
      expect(stats.accepted).toBeGreaterThanOrEqual(stats.processed);

      const second = await runCli(['run', '--data-dir', dataDir, '--port', '0']);
      expect(second.code).toBe(2);
      expect(second.stderr).toMatch(
        new RegExp(`in use by another genesys-pipeline process \\(PID ${runtime.child.pid}`),
      );

      runtime.child.kill('SIGINT');
      expect(await runtime.exited).toEqual({ code: 0, signal: null });
      expect(runtime.stderr()).toMatch(/SIGINT: stopping/);
      expect(runtime.stdout() + runtime.stderr()).not.toContain(TOKEN);
    } finally {
      runtime.child.kill('SIGKILL');
    }
  }, 60_000);

  it('refuses a non-loopback address without a token, and bad options, with exit 2', async () => {
    const exposed = await runCli(['run', '--data-dir', join(dir, 'x'), '--host', '0.0.0.0', '--port', '0'], {
      env: { ...process.env, GENESYS_PIPELINE_TOKEN: '' },
    });
    expect(exposed.code).toBe(2);
    expect(exposed.stderr).toMatch(/give a token/);
    const bad = await runCli(['run', '--data-dir', join(dir, 'y'), '--topics', 'custmer.start']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Unknown topic "custmer.start"/);
    // A lake directory that cannot be written stops the start, before anything runs.
    const notADir = join(dir, 'a-file');
    writeFileSync(notADir, 'a file, not a directory');
    const lake = await runCli([
      'run',
      '--data-dir',
      join(dir, 'z'),
      '--port',
      '0',
      '--lake-dir',
      join(notADir, 'lake'),
    ]);
    expect(lake.code).toBe(2);
    expect(lake.stderr).toMatch(/The lake directory .*a-file\/lake cannot be created \(ENOTDIR\)/);
    expect(lake.stderr).toMatch(/Give --lake-dir a directory this user can create and write/);
  }, 45_000);

  it('--fan-out-bus with a rule writing to a file: one line per processed event, complete after SIGINT', async () => {
    const dataDir = join(dir, 'fan-out');
    const out = join(dir, 'fan-out.ndjson');
    const runtime = await startRuntimeProcess(dataDir, [
      '--simulate',
      '--rate',
      '300',
      '--duration',
      '1',
      '--fan-out-bus',
      'contact-centre',
      '--fan-out-rule',
      `{"source":["genesys-event-pipeline"]}=>file:${out}`,
    ]);
    try {
      expect(runtime.stdout()).toMatch(/Fan-out: +every processed event to bus contact-centre/);
      type Stats = { accepted: number; processed: number; duplicates: number; deadLettered: number; backlog: number };
      const settled = (s: Stats) => s.accepted > 0 && s.processed + s.duplicates + s.deadLettered === s.accepted;
      // The simulator stops after 1 s; wait until everything it sent has an outcome and the counts stay.
      const stats = await waitForSettledStats<Stats>(runtime.url, settled, 30_000);
      runtime.child.kill('SIGINT');
      expect(await runtime.exited).toEqual({ code: 0, signal: null });
      const lines = readFileSync(out, 'utf8').split('\n').filter(Boolean);
      expect(lines).toHaveLength(stats.processed);
      const keys = new Set(lines.map((l) => (JSON.parse(l) as { detail: { key: string } }).detail.key));
      expect(keys.size).toBe(stats.processed);
    } finally {
      runtime.child.kill('SIGKILL');
    }
  }, 60_000);

  it('refuses --fan-out-rule without --fan-out-bus, with exit 2', async () => {
    const noBus = await runCli(['run', '--data-dir', join(dir, 'z'), '--fan-out-rule', '{"source":["x"]}=>file:x']);
    expect(noBus.code).toBe(2);
    expect(noBus.stderr).toMatch(/--fan-out-rule adds a rule to the fan-out bus: give --fan-out-bus NAME too/);
  }, 30_000);
});
