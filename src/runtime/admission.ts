/**
 * Admission control of the local runtime's PutEvents route (backpressure): while the backlog or
 * the data directory's free disk space crosses a threshold, PutEvents answers
 * `ThrottlingException` — as EventBridge answers a caller it throttles (AWS JSON 1.1, HTTP 400;
 * docs/runtime.md, "Backpressure") — instead of storing events until the disk or memory runs out.
 * Every AWS SDK retries it with backoff (it is one of the SDK's throttling error codes), and so
 * does our simulator's sender for as long as it lasts.
 *
 * {@link Admission} is the decision alone, a pure core fed by samples: the runtime samples the
 * backlog and the free space on a timer ({@link Admission.sample}) and reports the events it
 * accepts between samples ({@link Admission.accepted}), which count toward the backlog at once
 * (the estimate errs on the side of throttling). It throttles when a threshold is crossed and
 * accepts again only once the backlog has fallen to {@link AdmissionLimits.resumeBacklog} and
 * the free space risen to {@link AdmissionLimits.resumeFreeDiskBytes} (hysteresis: no flapping
 * at the threshold).
 *
 * @example
 * const admission = new Admission(resolveAdmissionLimits({ maxBacklog: 1000 }, []));
 * admission.sample({ backlog: 1200, freeDiskBytes: 5e9 });
 * admission.verdict(); // → { admit: false, reason: 'backlog', message: 'The local pipeline …' }
 */
import type { AdmissionStats } from '../telemetry/index.js';

/** Thresholds as given (`run --max-backlog`, `--min-free-disk-mb`). */
export interface AdmissionOptions {
  /**
   * Events stored and not yet processed (the event queue's messages in buffered mode, the pending
   * bus deliveries in direct mode) at which PutEvents is throttled; 0 = no limit. Default 500,000.
   */
  maxBacklog?: number;
  /** Free space on the data directory's file system (bytes) below which PutEvents is throttled; 0 = no check. Default 512 MiB. */
  minFreeDiskBytes?: number;
}

/** Thresholds resolved: each with the level at which admission resumes. */
export interface AdmissionLimits {
  /** 0: no backlog limit. */
  maxBacklog: number;
  /** Accepting resumes at or below this backlog: 80 % of `maxBacklog`. */
  resumeBacklog: number;
  /** 0: no disk check. */
  minFreeDiskBytes: number;
  /** Accepting resumes at or above this free space: `minFreeDiskBytes` + 25 %. */
  resumeFreeDiskBytes: number;
}

/** Defaults of {@link AdmissionOptions}. */
export const ADMISSION_DEFAULTS = {
  maxBacklog: 500_000,
  minFreeDiskBytes: 512 * 1024 * 1024,
} as const;

/** What the runtime measured. */
export interface AdmissionSample {
  /** Events stored and not yet processed. */
  backlog: number;
  /** Bytes the data directory can still grow by (free space of its file system, plus free pages inside the databases); omitted when unknown. */
  freeDiskBytes?: number;
}

/** Whether a PutEvents call is admitted now, and why not. */
export type AdmissionVerdict = { admit: true } | { admit: false; reason: 'backlog' | 'disk'; message: string };

/** The state shown by `/api/stats` (`admission`), the status line and the dashboard. */
export type AdmissionStatus = AdmissionStats;

const MIB = 1024 * 1024;

/**
 * Applies the defaults and checks the thresholds; problems are appended to `problems`.
 *
 * @example
 * resolveAdmissionLimits({ maxBacklog: 1000 }, []).resumeBacklog // → 800
 */
export function resolveAdmissionLimits(options: AdmissionOptions = {}, problems: string[] = []): AdmissionLimits {
  const maxBacklog = options.maxBacklog ?? ADMISSION_DEFAULTS.maxBacklog;
  if (!Number.isInteger(maxBacklog) || maxBacklog < 0 || maxBacklog > 1_000_000_000)
    problems.push(
      `maxBacklog (--max-backlog) must be a whole number of events from 0 (no limit) to 1,000,000,000; got ${String(maxBacklog)}.`,
    );
  const minFreeDiskBytes = options.minFreeDiskBytes ?? ADMISSION_DEFAULTS.minFreeDiskBytes;
  if (!Number.isSafeInteger(minFreeDiskBytes) || minFreeDiskBytes < 0)
    problems.push(
      `minFreeDiskBytes (--min-free-disk-mb) must be a whole, non-negative number (0: no check); got ${String(minFreeDiskBytes)}.`,
    );
  return {
    maxBacklog,
    resumeBacklog: Math.floor(maxBacklog * 0.8),
    minFreeDiskBytes,
    resumeFreeDiskBytes: Math.ceil(minFreeDiskBytes * 1.25),
  };
}

/** The admission decision (pure: no clock, no I/O). */
export class Admission {
  private backlog = 0;
  private freeDiskBytes: number | undefined;
  private throttledBy: 'backlog' | 'disk' | undefined;
  /** Throttling for the disk / for the backlog (both may hold; the disk is named first). */
  private disk = false;
  private full = false;
  private throttled = 0;

  constructor(readonly limits: AdmissionLimits) {}

  /** A new measurement: replaces the backlog estimate and the free space. */
  sample(sample: AdmissionSample): void {
    this.backlog = sample.backlog;
    if (sample.freeDiskBytes !== undefined) this.freeDiskBytes = sample.freeDiskBytes;
    this.decide();
  }

  /** `count` events were accepted since the last sample: they are in the backlog until the next one says otherwise. */
  accepted(count: number): void {
    this.backlog += count;
    this.decide();
  }

  /** Whether to admit a PutEvents call now. A refusal is counted (see {@link AdmissionStatus.throttledRequests}). */
  verdict(): AdmissionVerdict {
    if (this.throttledBy === undefined) return { admit: true };
    this.throttled++;
    return { admit: false, reason: this.throttledBy, message: this.message(this.throttledBy) };
  }

  status(): AdmissionStatus {
    const l = this.limits;
    return {
      state: this.throttledBy === undefined ? 'accepting' : 'throttling',
      ...(this.throttledBy ? { reason: this.throttledBy } : {}),
      backlog: this.backlog,
      maxBacklog: l.maxBacklog,
      resumeBacklog: l.resumeBacklog,
      freeDiskBytes: this.freeDiskBytes ?? null,
      minFreeDiskBytes: l.minFreeDiskBytes,
      resumeFreeDiskBytes: l.resumeFreeDiskBytes,
      throttledRequests: this.throttled,
    };
  }

  private decide(): void {
    const l = this.limits;
    const free = this.freeDiskBytes;
    // Each cause sets in at its threshold and ends only at its resume level.
    this.disk =
      l.minFreeDiskBytes > 0 &&
      free !== undefined &&
      (free < l.minFreeDiskBytes || (this.disk && free < l.resumeFreeDiskBytes));
    this.full = l.maxBacklog > 0 && (this.backlog >= l.maxBacklog || (this.full && this.backlog > l.resumeBacklog));
    this.throttledBy = this.disk ? 'disk' : this.full ? 'backlog' : undefined;
  }

  private message(reason: 'backlog' | 'disk'): string {
    const l = this.limits;
    const n = (x: number): string => x.toLocaleString('en-US');
    if (reason === 'disk')
      return `The local pipeline is throttling PutEvents: its data directory has ${n(Math.floor((this.freeDiskBytes ?? 0) / MIB))} MiB free, below the minimum of ${n(Math.round(l.minFreeDiskBytes / MIB))} MiB (--min-free-disk-mb); it accepts events again at ${n(Math.round(l.resumeFreeDiskBytes / MIB))} MiB. Retry with backoff; free disk space.`;
    return `The local pipeline is throttling PutEvents: ${n(this.backlog)} events wait to be processed, the limit is ${n(l.maxBacklog)} (--max-backlog); it accepts events again at ${n(l.resumeBacklog)}. Retry with backoff.`;
  }
}
