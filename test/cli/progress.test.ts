/**
 * Progress of long commands: the progress line itself (a fake terminal and clock), then each
 * long command driven through a real pseudo-terminal — its line updates in place — and the same
 * commands off a terminal, where no progress is written.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, startProgress } from '../../src/cli/progress.js';
import type { ProgressState } from '../../src/cli/progress.js';
import { generateEvents } from '../../src/simulate/index.js';
import { runCli } from '../support/cli.js';
import { ESC, progressFrames, runCliInPty } from '../support/pty.js';
import { tempDir } from '../support/tmp.js';
import { startPutEventsServer } from '../simulate/put-events-server.js';
import type { PutEventsServer } from '../simulate/put-events-server.js';
import { sendAll, startRuntimeProcess, waitForSettledStats } from '../runtime/support.js';
import type { RuntimeProcess } from '../runtime/support.js';

const dir = tempDir('gep-progress-');

/** A fake terminal: what was written, and its width. */
function fakeTerminal(columns = 200): { isTTY: true; columns: number; text: string; write(t: string): void } {
  return {
    isTTY: true,
    columns,
    text: '',
    write(t: string) {
      this.text += t;
    },
  };
}

/** Numbers of a frame, in order (commas removed). */
const numbers = (frame: string): number[] =>
  [...frame.matchAll(/\d[\d,]*(?:\.\d+)?/g)].map((m) => Number(m[0].replace(/,/g, '')));

describe('the progress line', () => {
  it('shows done/total, percentage, rate, accepted/rejected, elapsed and ETA, and erases itself', () => {
    const terminal = fakeTerminal();
    let now = 0;
    let state: ProgressState = { done: 0, total: 1000, accepted: 0, rejected: 0 };
    const progress = startProgress({
      label: 'Sending',
      unit: 'events',
      stream: terminal,
      now: () => now,
      intervalMs: 60_000,
      read: () => state,
    });
    expect(progress.active).toBe(true);
    now = 2_000;
    state = { done: 200, total: 1000, accepted: 190, rejected: 10 };
    progress.render();
    const frames = terminal.text.split('\r').filter(Boolean);
    expect(frames[0]).toBe(
      'Sending 0/1,000 events (0 %) · 0 events/s · 0 accepted · 0 rejected · 0 s elapsed · ETA –\x1b[K',
    );
    // 200 events in 2 s: 100/s, 800 left: 8 s.
    expect(frames[1]).toBe(
      'Sending 200/1,000 events (20 %) · 100 events/s · 190 accepted · 10 rejected · 2 s elapsed · ETA 8 s\x1b[K',
    );
    progress.stop();
    expect(terminal.text.endsWith('\r\x1b[K')).toBe(true);
    const length = terminal.text.length;
    progress.render();
    progress.stop();
    expect(terminal.text.length).toBe(length); // nothing after stop
  });

  it('measures the rate over the last 10 s, shows a second count, bytes, and fits the terminal width', () => {
    /** 30 s of reading a 20 MB file: 100 kB/s (100 lines/s) for 20 s, then 10 times faster; the last frame. */
    const lastFrame = (columns: number): string => {
      const terminal = fakeTerminal(columns);
      let now = 0;
      let state: ProgressState = { done: 0, total: 20_000_000, count: 0 };
      const progress = startProgress({
        label: 'Inspecting x',
        unit: 'bytes',
        countUnit: 'lines',
        stream: terminal,
        now: () => now,
        intervalMs: 60_000,
        read: () => state,
      });
      for (let s = 1; s <= 30; s++) {
        now = s * 1000;
        const bytes = s <= 20 ? s * 100_000 : 2_000_000 + (s - 20) * 1_000_000;
        state = { done: bytes, total: 20_000_000, count: bytes / 1000 };
        progress.render();
      }
      progress.stop();
      return terminal.text.split('\r').filter(Boolean).at(-2)!.replace(`${ESC}[K`, '');
    };
    const narrow = lastFrame(60);
    expect(narrow.length).toBeLessThanOrEqual(59);
    expect(narrow.endsWith('…')).toBe(true);
    // The window (the last 10 s) saw only the fast phase: 1,000 lines/s, 8 MB left at 1 MB/s.
    expect(lastFrame(300)).toBe(
      'Inspecting x 12.0 MB/20.0 MB (60 %) · 12,000 lines · 1,000 lines/s · 30 s elapsed · ETA 8 s',
    );
  });

  it('draws nothing off a terminal or when quiet', () => {
    const pipe = { isTTY: false, text: '', write: (t: string) => void (pipe.text += t) };
    const progress = startProgress({ label: 'x', unit: 'events', stream: pipe, read: () => ({ done: 1 }) });
    progress.render();
    progress.log('a message');
    progress.stop();
    expect(progress.active).toBe(false);
    expect(pipe.text).toBe('');
    const terminal = fakeTerminal();
    const quiet = startProgress({
      label: 'x',
      unit: 'events',
      stream: terminal,
      quiet: true,
      read: () => ({ done: 1 }),
    });
    quiet.render();
    quiet.stop();
    expect(terminal.text).toBe('');
  });

  it('formats sizes and durations', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(35_324_355)).toBe('35.3 MB');
    expect(formatBytes(1_200_000_000)).toBe('1.20 GB');
    expect(formatDuration(7.4)).toBe('7 s');
    expect(formatDuration(125)).toBe('2m 05s');
    expect(formatDuration(3_720)).toBe('1h 02m');
  });
});

describe('long commands in a terminal', () => {
  let server: PutEventsServer;
  beforeAll(async () => {
    server = await startPutEventsServer();
  });
  afterAll(() => server.close());

  it('simulate --to: one line updated in place with the live counts, then the summary; none off a terminal', async () => {
    // ~1,300 events paced at 1,000/s: over a second of sending, several redraws.
    const args = ['simulate', '--conversations', '120', '--seed', '5', '--malformed', '0.02', '--rate', '1000'];
    const run = await runCliInPty([...args, '--to', server.url]);
    expect(run.code, run.output).toBe(0);
    const frames = progressFrames(run.output, 'Sending');
    expect(frames.length, run.output).toBeGreaterThanOrEqual(3);
    for (const frame of frames) {
      expect(frame).toMatch(
        /^Sending [\d,]+\/120 conversations \(\d+ %\) · [\d,]+ events · [\d,.]+ events\/s · [\d,]+ accepted · [\d,]+ rejected · \d+ s elapsed · ETA /,
      );
    }
    // Conversations done and events sent never go back, and grow during the run.
    const done = frames.map((f) => numbers(f)[0]!);
    const events = frames.map((f) => numbers(f)[3]!);
    for (let i = 1; i < frames.length; i++) {
      expect(done[i]).toBeGreaterThanOrEqual(done[i - 1]!);
      expect(events[i]).toBeGreaterThanOrEqual(events[i - 1]!);
    }
    expect(events.at(-1)!).toBeGreaterThan(events[0]!);
    // Redrawn in place (carriage return, erase to end of line), then erased before the summary.
    expect(run.output).toMatch(new RegExp(`\rSending [^\n]*${ESC}\\[K\r`));
    expect(run.output).toMatch(new RegExp(`\r${ESC}\\[KSent [\\d,]+ events of 120 conversations`));

    const piped = await runCli([...args, '--rate', '0', '--to', server.url]);
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stderr).not.toContain('\r');
    expect(piped.stderr).not.toContain('Sending');
    expect(piped.stderr).toMatch(/^Sent [\d,]+ events of 120 conversations/);

    const quiet = await runCliInPty(['simulate', '--conversations', '5', '--quiet', '--to', server.url]);
    expect(quiet.code).toBe(0);
    expect(quiet.output).not.toContain('Sending');
    expect(quiet.output).not.toContain('Sent');
  }, 60_000);

  it('simulate --out and inspect: progress of the file written and of the file read', async () => {
    const file = join(dir, 'events.ndjson');
    const write = await runCliInPty(['simulate', '--conversations', '200', '--rate', '2500', '--out', file]);
    expect(write.code, write.output).toBe(0);
    const writing = progressFrames(write.output, 'Writing');
    expect(writing.length, write.output).toBeGreaterThanOrEqual(2);
    expect(writing.at(-1)).toMatch(/^Writing [\d,]+\/200 conversations \(\d+ %\) · [\d,]+ events · /);
    expect(write.output).toMatch(/Wrote [\d,]+ events of 200 conversations/);

    // Inspect a file of ~9,000 lines: lines counted as they are validated, bytes against the size.
    const big = join(dir, 'big.ndjson');
    writeFileSync(big, `${[...generateEvents({ conversations: 800, seed: 2, malformed: 0.01 })].join('\n')}\n`);
    const inspect = await runCliInPty(['inspect', big]);
    expect(inspect.code).toBe(1); // malformed lines
    const inspecting = progressFrames(inspect.output, `Inspecting ${big}`);
    expect(inspecting.length, inspect.output).toBeGreaterThanOrEqual(2);
    for (const frame of inspecting)
      expect(frame).toMatch(
        / [\d.]+ [kMG]?B\/[\d.]+ MB \(\d+ %\) · [\d,]+ lines · [\d,.]+ lines\/s · [\d,]+ valid · [\d,]+ invalid · /,
      );
    expect(inspect.output).toMatch(/invalid line\(s\)\./);
    const piped = await runCli(['inspect', big]);
    expect(piped.stderr).toBe('');
  }, 60_000);
  it('directory sync: kinds done, entries listed and the kind being listed', async () => {
    const dataDir = join(dir, 'directory');
    const run = await runCliInPty(['directory', 'sync', '--simulator', '--data-dir', dataDir]);
    expect(run.code, run.output).toBe(0);
    const frames = progressFrames(run.output, 'Syncing the directory');
    expect(frames.length, run.output).toBeGreaterThanOrEqual(1);
    for (const frame of frames)
      expect(frame).toMatch(/^Syncing the directory \d\/6 kinds \(\d+ %\) · [\d,]+ entries · [\d,.]+ entries\/s · /);
    expect(run.output).toMatch(/Directory refreshed from simulator:/);
    const piped = await runCli(['directory', 'sync', '--simulator', '--data-dir', dataDir]);
    expect(piped.code).toBe(0);
    expect(piped.stderr).toBe('');
  }, 60_000);
});

describe('admin commands in a terminal, through a running runtime', () => {
  let runtime: RuntimeProcess;
  const dataDir = join(dir, 'pipeline');
  let invalid = 0;
  beforeAll(async () => {
    runtime = await startRuntimeProcess(dataDir, ['--batch-window-ms', '0']);
    const lines = [...generateEvents({ conversations: 200, seed: 9, malformed: 0.08 })];
    const sent = await sendAll(lines, () => runtime.url);
    // Every accepted event processed or dead-lettered (a malformed line the rule does not match is neither).
    const stats = await waitForSettledStats<{
      accepted: number;
      invalid: number;
      processed: number;
      inFlight: number;
      backlog: number;
    }>(
      runtime.url,
      (s) =>
        s.accepted === sent.accepted.length &&
        s.backlog === 0 &&
        s.inFlight === 0 &&
        s.processed + s.invalid >= s.accepted - 40,
    );
    invalid = stats.invalid;
  }, 90_000);
  afterAll(async () => {
    runtime.child.kill('SIGTERM');
    await runtime.exited;
  });

  it('dlq redrive and replay stream their progress from the runtime to the line', async () => {
    expect(invalid).toBeGreaterThan(20);
    const redrive = await runCliInPty(['dlq', 'redrive', '--include-invalid', '--data-dir', dataDir]);
    expect(redrive.code, redrive.output).toBe(0);
    const redriving = progressFrames(redrive.output, 'Redriving');
    expect(redriving.length, redrive.output).toBeGreaterThanOrEqual(2);
    expect(numbers(redriving.at(-1)!)[0]).toBeGreaterThan(0);
    expect(redriving.at(-1)).toMatch(
      new RegExp(
        `^Redriving [\\d,]+/${invalid} dead letters \\(\\d+ %\\) · [\\d,.]+ dead letters/s · [\\d,]+ redriven · 0 skipped · `,
      ),
    );
    expect(redrive.output).toContain(`Redrove ${invalid} dead letter(s).`);

    const replay = await runCliInPty([
      'replay',
      '--from',
      '2020-01-01T00:00:00Z',
      '--to',
      '2040-01-01T00:00:00Z',
      '--data-dir',
      dataDir,
    ]);
    expect(replay.code, replay.output).toBe(0);
    // The first frame is drawn before the runtime's first answer; the later ones from its stream.
    const replaying = progressFrames(replay.output, 'Replaying');
    expect(replaying.length, replay.output).toBeGreaterThanOrEqual(2);
    const last = replaying.at(-1)!;
    expect(last).toMatch(/^Replaying [\d,]+\/[\d,]+ events \(\d+ %\) · [\d,.]+ events\/s · [\d,]+ delivered · /);
    expect(numbers(last)[0]).toBeGreaterThan(0);
    const total = numbers(last)[1]!;
    expect(replay.output).toContain(`: ${total.toLocaleString('en-US')} archived event(s)`);

    // Off a terminal: the result only.
    const piped = await runCli(['dlq', 'redrive', '--include-invalid', '--data-dir', dataDir, '--json']);
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stderr).toBe('');
    expect(JSON.parse(piped.stdout)).toHaveProperty('redriven');
  }, 90_000);
});
