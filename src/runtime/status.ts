/**
 * The runtime's status output: on a terminal, one line rewritten in place every second (rates,
 * backlog, totals, dead letters); otherwise a plain line every `intervalMs` (default 10 s) and
 * only when something changed, so that logs stay quiet when the pipeline is idle.
 */
import type { PipelineStats, PipelineTelemetry } from '../telemetry/index.js';

/** Where the status goes. */
export interface StatusOutput {
  isTTY?: boolean;
  write(text: string): unknown;
}

/** One status line from a stats snapshot and the dead-letter total. */
export function formatStatus(stats: PipelineStats, deadLetters: number): string {
  const n = (x: number): string => Math.round(x).toLocaleString('en-US');
  const p99 = stats.latencyMs.p99 === null ? '–' : `${stats.latencyMs.p99} ms`;
  return (
    `in ${n(stats.ingestPerSecond)}/s · processed ${n(stats.eventsPerSecond)}/s · backlog ${n(stats.backlog)} · ` +
    `in flight ${stats.inFlight}/${stats.concurrencyLimit ?? '–'} · total ${n(stats.processed)} processed, ${n(stats.duplicates)} duplicate, ${n(stats.invalid)} invalid · ` +
    `DLQ ${n(deadLetters)} · p99 ${p99}` +
    (stats.admission?.state === 'throttling'
      ? ` · THROTTLING PutEvents (${stats.admission.reason === 'disk' ? 'low disk space' : 'backlog'})`
      : '')
  );
}

/**
 * @example
 * const status = new StatusReporter(process.stderr, async () => formatStatus(await telemetry.snapshot(), dlq()));
 * status.start();
 */
export class StatusReporter {
  private timer: NodeJS.Timeout | undefined;
  private last = '';
  private lastWrittenAt = 0;
  private busy = false;

  constructor(
    private readonly out: StatusOutput,
    private readonly line: () => Promise<{ text: string; activity: string }>,
    private readonly options: { intervalMs?: number } = {},
  ) {}

  start(): void {
    const every = this.out.isTTY ? 1000 : 1000;
    this.timer = setInterval(() => void this.tick(), every);
    this.timer.unref();
  }

  /** Stops; on a terminal ends the status line so the next output starts on a fresh line. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.out.isTTY && this.last !== '') this.out.write('\n');
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const { text, activity } = await this.line();
      if (this.out.isTTY) {
        this.out.write(`\r\x1b[2K${text}`);
        this.last = text;
        return;
      }
      const now = Date.now();
      if (activity !== this.last && now - this.lastWrittenAt >= (this.options.intervalMs ?? 10_000)) {
        this.out.write(`${new Date(now).toISOString()} ${text}\n`);
        this.last = activity;
        this.lastWrittenAt = now;
      }
    } catch {
      // a status line is not worth failing for; the next tick tries again
    } finally {
      this.busy = false;
    }
  }
}

/**
 * The runtime's status line: the telemetry's snapshot and the last sampled dead-letter total; it
 * counts as activity when accepted, processed, backlog or dead letters change.
 */
export function pipelineStatusReporter(
  out: StatusOutput,
  telemetry: Pick<PipelineTelemetry, 'snapshot'>,
  deadLetterTotal: () => number,
): StatusReporter {
  return new StatusReporter(out, async () => {
    const stats = await telemetry.snapshot();
    const deadLetters = deadLetterTotal();
    return {
      text: formatStatus(stats, deadLetters),
      activity: `${stats.accepted}/${stats.processed}/${stats.backlog}/${deadLetters}`,
    };
  });
}
