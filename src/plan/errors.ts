/**
 * Typed errors of the capacity planner. Both carry a message that says what is wrong, where,
 * and how to fix it; the CLI prints the message and exits with status 2 (bad input).
 */

/** Base class: anything the planner throws on purpose. */
export class PlanError extends Error {
  override readonly name: string = 'PlanError';
}

/** A planner input is out of range or inconsistent (e.g. `peakRate` below `rate`). */
export class PlanInputError extends PlanError {
  override readonly name = 'PlanInputError';
  constructor(
    /** The input at fault, as the CLI spells it (e.g. `--batch-window-ms`). */
    readonly input: string,
    message: string,
  ) {
    super(`${input}: ${message}`);
  }
}

/** A `--prices` override file cannot be used: unreadable, not JSON, unknown key, bad value. */
export class PriceFileError extends PlanError {
  override readonly name = 'PriceFileError';
  constructor(
    /** The file (or `<inline>`) the overrides came from. */
    readonly origin: string,
    /** One line per problem, each naming the key at fault. */
    readonly problems: readonly string[],
  ) {
    super(`prices file ${origin}:\n  ${problems.join('\n  ')}`);
  }
}

/** The page's files cannot be found (a broken install or build). */
export class PlanPageAssetsError extends PlanError {
  override readonly name = 'PlanPageAssetsError';
}
