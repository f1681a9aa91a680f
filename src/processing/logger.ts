/**
 * The logging port of the processing core. Powertools `Logger` satisfies it (the Lambda entry
 * points pass one); locally anything with these three methods does.
 */
export interface ProcessingLogger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** A logger that drops everything. */
export const noopLogger: ProcessingLogger = {
  info() {},
  warn() {},
  error() {},
};
