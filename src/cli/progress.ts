/**
 * Progress of a long-running command: on a terminal, one line on stderr rewritten in place a few
 * times a second — done/total, rate, accepted/rejected, elapsed time and ETA; nothing at all when
 * stderr is not a terminal (pipes, CI logs) or with `--quiet`. The command's final summary is
 * its own business: {@link Progress.stop} erases the line so that the summary starts clean.
 *
 * The line is drawn from a `read()` function the command gives, polled on a timer: counting
 * costs the command nothing per item, and a stalled command still shows its elapsed time
 * growing. One implementation for every command (`simulate`, `inspect`, `replay`, `dlq redrive`,
 * and whatever comes next).
 *
 * @example
 * const progress = startProgress({
 *   label: 'Syncing', unit: 'users', quiet: options.quiet,
 *   read: () => ({ done: synced, total: users.length, accepted: written, rejected: failed }),
 * });
 * try {
 *   await sync();
 * } finally {
 *   progress.stop();
 * }
 * process.stderr.write(`Synced ${synced} users.\n`);
 */

/** What the line shows now; {@link ProgressOptions.read} returns it. */
export interface ProgressState {
  /** Units done (in {@link ProgressOptions.unit}). */
  done: number;
  /** Units in all, when known: the percentage and the ETA need it. */
  total?: number;
  /** A second count shown with its own rate (in {@link ProgressOptions.countUnit}), e.g. events while `done` counts conversations. */
  count?: number;
  /** How many were accepted (shown when given). */
  accepted?: number;
  /** How many were rejected (shown when given). */
  rejected?: number;
  /** What is being done now, e.g. "listing users" (shown after the counts). */
  detail?: string;
}

/** Where the line goes: a terminal stream (process.stderr). */
export interface ProgressStream {
  isTTY?: boolean;
  /** Terminal width in characters (the line is cut to it). */
  columns?: number;
  write(text: string): unknown;
}

/** Options of {@link startProgress}. */
export interface ProgressOptions {
  /** What is happening, first on the line: "Sending", "Inspecting events.ndjson". */
  label: string;
  /** Unit of `done`/`total`: a plural noun ("events"), or `bytes` (shown as kB, MB, GB). */
  unit: string;
  /** Unit of `count`, e.g. "events"; default: no second count, the rate is of `done`. */
  countUnit?: string;
  /** Word for `accepted`. Default "accepted". */
  acceptedLabel?: string;
  /** Word for `rejected`. Default "rejected". */
  rejectedLabel?: string;
  /** The state now (called on every redraw). */
  read: () => ProgressState;
  /** Default process.stderr. */
  stream?: ProgressStream;
  /** No progress at all (the command's `--quiet`). */
  quiet?: boolean;
  /** Redraw interval, ms. Default 200. */
  intervalMs?: number;
  /** Milliseconds (monotonic); default performance.now. Tests inject their own. */
  now?: () => number;
}

/** A running progress line. */
export interface Progress {
  /** Whether a line is being drawn (stderr is a terminal and not quiet). */
  readonly active: boolean;
  /** Redraws now (also done on a timer). */
  render(): void;
  /** Writes `text` (a whole line or lines) above the progress line, which is then redrawn. */
  log(text: string): void;
  /** Stops and erases the line. Idempotent. */
  stop(): void;
}

/** Window over which rates (and so the ETA) are measured, ms. */
const RATE_WINDOW_MS = 10_000;
/** Erase from the cursor to the end of the line. */
const CLEAR_TO_END = '\x1b[K';

const INACTIVE: Progress = { active: false, render() {}, log() {}, stop() {} };

/**
 * Starts a progress line on stderr, or returns an inactive one (all no-ops) when stderr is not
 * a terminal or `quiet` is set. Call {@link Progress.stop} when done — in a `finally`.
 */
export function startProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  if (options.quiet || !stream.isTTY) return INACTIVE;
  return new ProgressLine(stream, options);
}

class ProgressLine implements Progress {
  readonly active = true;
  private readonly now: () => number;
  private readonly started: number;
  /** Recent samples (time, done, count) for the rates: the oldest within the window first. */
  private readonly samples: Array<{ at: number; done: number; count: number }> = [];
  private readonly timer: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly options: ProgressOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.started = this.now();
    this.timer = setInterval(() => this.render(), options.intervalMs ?? 200);
    this.timer.unref();
    this.render();
  }

  render(): void {
    if (this.stopped) return;
    const line = this.line();
    const width = Math.max(20, (this.stream.columns || 80) - 1);
    this.stream.write(`\r${line.length > width ? `${line.slice(0, width - 1)}…` : line}${CLEAR_TO_END}`);
  }

  log(text: string): void {
    if (this.stopped) {
      this.stream.write(text);
      return;
    }
    this.stream.write(`\r${CLEAR_TO_END}${text}${text.endsWith('\n') ? '' : '\n'}`);
    this.render();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.stream.write(`\r${CLEAR_TO_END}`);
  }

  private line(): string {
    const o = this.options;
    const state = o.read();
    const at = this.now();
    const elapsedMs = at - this.started;
    const count = state.count ?? state.done;
    const samples = this.samples;
    samples.push({ at, done: state.done, count });
    while (samples.length > 2 && at - samples[1]!.at >= RATE_WINDOW_MS) samples.shift();
    const first = samples[0]!;
    // Over the window; at the start, since the start (the first sample is at the start).
    const spanS = (at - first.at) / 1000;
    const doneRate = spanS > 0 ? (state.done - first.done) / spanS : 0;
    const countRate = spanS > 0 ? (count - first.count) / spanS : 0;

    const bytes = o.unit === 'bytes';
    const amount = (n: number): string => (bytes ? formatBytes(n) : formatCount(n));
    const parts: string[] = [];
    const total = state.total;
    if (total !== undefined && total > 0) {
      const pct = Math.min(100, Math.floor((100 * state.done) / total));
      parts.push(`${o.label} ${amount(state.done)}/${amount(total)}${bytes ? '' : ` ${o.unit}`} (${pct} %)`);
    } else {
      parts.push(`${o.label} ${amount(state.done)}${bytes ? '' : ` ${o.unit}`}`);
    }
    if (o.countUnit !== undefined) {
      parts.push(`${formatCount(count)} ${o.countUnit}`);
      parts.push(`${formatRate(countRate)} ${o.countUnit}/s`);
    } else {
      parts.push(bytes ? `${formatBytes(doneRate)}/s` : `${formatRate(doneRate)} ${o.unit}/s`);
    }
    if (state.accepted !== undefined) parts.push(`${formatCount(state.accepted)} ${o.acceptedLabel ?? 'accepted'}`);
    if (state.rejected !== undefined) parts.push(`${formatCount(state.rejected)} ${o.rejectedLabel ?? 'rejected'}`);
    if (state.detail) parts.push(state.detail);
    parts.push(`${formatDuration(elapsedMs / 1000)} elapsed`);
    if (total !== undefined && total > 0) {
      const left = Math.max(0, total - state.done);
      parts.push(left === 0 ? 'ETA 0 s' : doneRate > 0 ? `ETA ${formatDuration(left / doneRate)}` : 'ETA –');
    }
    return parts.join(' · ');
  }
}

/** 1,234,567 */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A rate: one decimal below 10, whole numbers above. */
function formatRate(n: number): string {
  if (!Number.isFinite(n) || n <= 0) return '0';
  return n < 10 ? n.toFixed(1) : formatCount(n);
}

/** 512 B, 3.4 kB, 12.0 MB, 1.20 GB (powers of 1000, as `ls -h --si`). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 1000) return `${Math.max(0, Math.round(n))} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = n / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** 7 s, 2m 05s, 1h 02m. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
