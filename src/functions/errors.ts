/**
 * Typed errors of the Lambda entry points: a deployment that configured a function wrongly, a
 * directory refresh that failed.
 */
import type { RefreshReport } from '../directory/directory.js';

/** Base class: anything the Lambda entry points throw on purpose. */
export class FunctionsError extends Error {
  override readonly name: string = 'FunctionsError';
}

/** A missing or malformed environment variable. */
export class FunctionConfigError extends FunctionsError {
  override readonly name = 'FunctionConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
  }
}

/** A refresh in which at least one kind failed (each kept its last known entries). */
export class DirectoryRefreshError extends FunctionsError {
  override readonly name = 'DirectoryRefreshError';
  constructor(readonly report: RefreshReport) {
    super(
      `Directory refresh failed for ${report.kinds
        .filter((k) => !k.ok)
        .map((k) => `${k.kind} (${k.error ?? 'unknown error'})`)
        .join('; ')}. Those kinds keep their last known names.`,
    );
  }
}
