/**
 * Start-up recovery: what a killed predecessor left. This process holds the data directory's
 * lock, so nothing else is working on these (the processing side released the idempotency records
 * a killed predecessor left in progress when it opened). First the receives the dead process made
 * in memory are counted: a message that crashed it often enough goes to the DLQ instead of
 * crashing this one too; then the messages it had received become visible at once.
 */
import type { DataDirLock } from './lock.js';
import type { ResolvedRuntimeOptions } from './options.js';
import type { LocalPipeline } from './pipeline.js';

/** What start-up recovered from a previous process. */
export interface Recovered {
  releasedMessages: number;
  releasedIdempotencyRecords: number;
  /** Receives of messages the previous process had in flight when it died (counted toward maxReceiveCount). */
  interruptedReceives: number;
  /** Of those, messages moved to the DLQ: received maxReceiveCount times, the process dying each time. */
  deadLetteredAfterCrashes: number;
  tookOverLockOf?: number;
}

/** Recovers the event queue after an unclean stop and logs what it found. */
export function recoverFromPredecessor(
  pipeline: LocalPipeline,
  lock: DataDirLock,
  options: ResolvedRuntimeOptions,
  log: (line: string) => void,
): Recovered {
  const interrupted = pipeline.eventQueue.recoverInterruptedReceives();
  const releasedMessages = pipeline.eventQueue.releaseInFlight();
  const releasedIdempotencyRecords = pipeline.executions.recovered.releasedIdempotencyRecords;
  if (lock.tookOverFrom) log(`Took over the lock of PID ${lock.tookOverFrom.pid}, which is no longer running.`);
  if (releasedMessages || releasedIdempotencyRecords || interrupted.counted) {
    log(
      `Recovered from an unclean stop: ${releasedMessages} message(s) back on the queue (${interrupted.counted} receive(s) of theirs counted), ${releasedIdempotencyRecords} in-progress idempotency record(s) released.`,
    );
  }
  if (interrupted.deadLettered)
    log(
      `${interrupted.deadLettered} message(s) moved to ${pipeline.eventQueueDlq.name}: received maxReceiveCount (${options.maxReceiveCount}) times, the process stopping while they were in flight; inspect them with "genesys-pipeline dlq list".`,
    );
  if (options.mode === 'direct') {
    const waiting = pipeline.eventQueue.stats().total;
    if (waiting > 0)
      log(
        `Note: ${waiting} event(s) wait in the buffered mode's queue; they are processed by a buffered run (--mode buffered).`,
      );
  }
  return {
    releasedMessages,
    releasedIdempotencyRecords,
    interruptedReceives: interrupted.counted,
    deadLetteredAfterCrashes: interrupted.deadLettered,
    ...(lock.tookOverFrom ? { tookOverLockOf: lock.tookOverFrom.pid } : {}),
  };
}
