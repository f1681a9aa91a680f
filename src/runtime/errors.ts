/**
 * Typed errors of the local runtime: bad options, a failed commit, a processing side that is
 * gone, an admin request it cannot serve. Each says what is wrong and how to fix it. (The lock's
 * own error, `DataDirLockedError`, is in `lock.ts`, beside the lock-file contents it reports.)
 */

/** Base class: anything the local runtime throws on purpose. */
export class LocalRuntimeError extends Error {
  override readonly name: string = 'LocalRuntimeError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Invalid runtime options; `problems` lists each (option and what is wrong). */
export class RuntimeOptionsError extends LocalRuntimeError {
  override readonly name = 'RuntimeOptionsError';
  constructor(readonly problems: readonly string[]) {
    super(problems.length === 1 ? problems[0]! : `Invalid options:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** A durability barrier failed: the transaction holding the writes could not be committed. */
export class CommitFailedError extends LocalRuntimeError {
  override readonly name = 'CommitFailedError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Unknown id given to `show` or `redrive`. */
export class DeadLetterNotFoundError extends LocalRuntimeError {
  override readonly name = 'DeadLetterNotFoundError';
  constructor(readonly id: string) {
    super(
      `No dead letter ${id}. List them with "genesys-pipeline dlq list"; ids look like failed/process#…, queue/<message id>.`,
    );
  }
}

/** A bad admin request (400). */
export class AdminRequestError extends LocalRuntimeError {
  override readonly name = 'AdminRequestError';
}

/** The admin endpoint or the data directory answered with an error meant for the user. */
export class AdminError extends LocalRuntimeError {
  override readonly name = 'AdminError';
  constructor(
    message: string,
    /** HTTP status when it came from a running runtime. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The processing side failed as a whole (the worker thread died, or could not start). */
export class ProcessingUnavailableError extends LocalRuntimeError {
  override readonly name = 'ProcessingUnavailableError';
}

/** A SQLite file of the data directory failed `PRAGMA quick_check` at start-up: the runtime does not start on it. */
export class CorruptDatabaseError extends LocalRuntimeError {
  override readonly name = 'CorruptDatabaseError';
  constructor(
    /** The damaged file. */
    readonly path: string,
    /** What `PRAGMA quick_check` reported (the first few problems). */
    readonly problems: readonly string[],
    message: string,
  ) {
    super(message);
  }
}
