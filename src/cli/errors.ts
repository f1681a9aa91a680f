/**
 * Errors a command raises on purpose: a message for the user and an exit status.
 * Anything else is a bug and is reported with its stack.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Prints an error to stderr and returns the exit status to use. */
export function reportCliError(error: unknown): number {
  if (error instanceof CliError) {
    if (error.message) process.stderr.write(`${error.message}\n`);
    return error.exitCode;
  }
  // commander reports its own usage errors and exits; anything reaching here is unexpected.
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`genesys-pipeline: unexpected error: ${text}\n`);
  return 2;
}
