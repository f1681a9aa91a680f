/** Helpers for tests that compare two implementations on odd JavaScript values. */

/** The result, or the error (name and message): what to compare when either side may throw. */
export function outcome(f: () => unknown): { value: unknown } | { error: string } {
  try {
    return { value: f() };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

/** A class instance with own fields, for values that are not plain objects. */
export class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}
