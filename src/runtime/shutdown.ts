/**
 * The runtime's orderly stop (drain): new PutEvents are refused at once, the calls already inside
 * the bus finish (up to 10 s), then the pollers (executions in flight finish and are
 * acknowledged), the directory, the pipeline (the last group commit) and the HTTP server stop, in
 * that order. Every step is tried even if one before it failed, the lock is always released and
 * `stopped` always resolves: a CLI waiting on it must not hang on a failed step.
 */
import { errorMessage } from '../shared/index.js';

/** One step of the stop: what it stops (for the log) and how. */
export type ShutdownStep = readonly [what: string, run: () => unknown];

/** What the stop drives. */
export interface ShutdownPlan {
  /** Runs first, synchronously: refuse new work, stop the timers. */
  beginDraining(): void;
  /** PutEvents calls still inside the bus. */
  putEventsInFlight(): number;
  /** The steps, in order. */
  steps: readonly ShutdownStep[];
  /** Runs last, whatever happened (releases the data directory's lock). */
  release(): void;
  /** Whether the runtime stopped by itself after a failure (for the last log line). */
  failed(): boolean;
  log: (line: string) => void;
}

/** A stop that runs once however often it is called, and a promise of its end that never rejects. */
export function orderlyStop(plan: ShutdownPlan): { stop: () => Promise<void>; stopped: Promise<void> } {
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      plan.beginDraining();
      const errors: unknown[] = [];
      try {
        // PutEvents calls already inside the bus finish (their response waits for the commit).
        const deadline = Date.now() + 10_000;
        while (plan.putEventsInFlight() > 0 && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 5));
        for (const [what, run] of plan.steps) {
          try {
            await run();
          } catch (error) {
            errors.push(error);
            plan.log(`Stopping: ${what} failed: ${errorMessage(error)}`);
          }
        }
      } finally {
        plan.release();
        plan.log(
          plan.failed() || errors.length > 0
            ? 'Stopped after a failure: what was acknowledged is on disk; start again once the cause is fixed.'
            : 'Stopped: everything in flight is processed and committed.',
        );
        resolveStopped();
      }
      if (errors.length > 0) throw errors[0];
    })());
  return { stop, stopped };
}
