/**
 * Parsers for commander option values. Each throws commander's InvalidArgumentError with a
 * message that says what was expected, so `--rate abc` fails with a clear message.
 */
import { InvalidArgumentError } from 'commander';

/** A finite number ≥ min (default 0). */
export function parseNumber(min = 0, max = Number.POSITIVE_INFINITY) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a number${describeRange(min, max)}, got "${value}"`);
    }
    return n;
  };
}

/** An integer ≥ min (default 0). */
export function parseInteger(min = 0, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number${describeRange(min, max)}, got "${value}"`);
    }
    return n;
  };
}

/**
 * One or more integers: `10,100,1000`, or the option repeated (values add up). The option's
 * default must be left unset (commander would pass it as the first previous value).
 */
export function parseIntegerList(min = 0, max = Number.MAX_SAFE_INTEGER) {
  const one = parseInteger(min, max);
  return (value: string, previous: number[] | undefined): number[] => {
    const values = value.split(',').map((v) => one(v.trim()));
    return [...(previous ?? []), ...values];
  };
}

/** A fraction between 0 and 1 inclusive. */
export const parseFraction = (value: string): number => parseNumber(0, 1)(value);

function describeRange(min: number, max: number): string {
  if (max === Number.POSITIVE_INFINITY || max === Number.MAX_SAFE_INTEGER) return ` ≥ ${min}`;
  return ` from ${min} to ${max}`;
}
