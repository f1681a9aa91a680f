/**
 * Value-level primitives of event pattern matching: which numbers EventBridge compares
 * numerically, wildcard syntax and matching, and case-insensitive comparison.
 */
import { WildcardSyntaxError } from './errors.js';

/**
 * The number written as `text`, when EventBridge can compare it exactly: its decimal value must
 * be exactly what a double holds (so `0.1` and `3.018e2` are, `0.1000000000000000000001` and
 * `12345678901234567890` are not). `undefined` otherwise; such numbers only match the same text.
 * `-0` is 0.
 *
 * @example
 * comparableNumber('3.018e2') // → 301.8
 * comparableNumber('1e400')   // → undefined
 */
export function comparableNumber(text: string): number | undefined {
  const value = Number(text);
  if (!Number.isFinite(value) || text.trim() === '') return undefined;
  const written = decimal(text);
  const held = decimal(String(value));
  if (!written || !held) return undefined;
  if (written.digits !== held.digits || written.exponent !== held.exponent || written.negative !== held.negative)
    return undefined;
  // EventBridge reads numbers as decimals, which have no negative zero: -0 is 0.
  return value === 0 ? 0 : value;
}

/** A decimal as sign, significant digits (no leading/trailing zeros) and power of ten; zero has no digits. */
function decimal(text: string): { negative: boolean; digits: string; exponent: number } | undefined {
  const m = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return undefined;
  const fraction = m[3] ?? '';
  let digits = (m[2] ?? '') + fraction;
  let exponent = Number(m[4] ?? '0') - fraction.length;
  digits = digits.replace(/^0+/, '');
  const trailing = /0*$/.exec(digits)![0].length;
  if (trailing > 0) {
    digits = digits.slice(0, digits.length - trailing);
    exponent += trailing;
  }
  if (digits === '') return { negative: false, digits: '', exponent: 0 };
  return { negative: m[1] === '-', digits, exponent };
}

/** A wildcard pattern split at its unescaped `*`: `"a*b"` → `["a", "b"]`, `"*"` → `["", ""]`. */
export type WildcardPattern = string[];

/**
 * Parses a wildcard value. `*` matches any sequence (including none); `\*` is a literal `*`,
 * `\\` a literal `\`. Two consecutive `*` and any other escape are errors whose positions are
 * byte offsets into the quoted UTF-8 value, as AWS reports them.
 */
export function parseWildcard(value: string): WildcardPattern {
  const segments: string[] = [];
  let current = '';
  let bytePos = 1; // the opening quote is byte 0
  const chars = Array.from(value);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '*') {
      if (chars[i + 1] === '*') throw new WildcardSyntaxError(`Consecutive wildcard characters at pos ${bytePos}`);
      segments.push(current);
      current = '';
    } else if (c === '\\') {
      const next = chars[i + 1];
      if (next !== '*' && next !== '\\') throw new WildcardSyntaxError(`Invalid escape character at pos ${bytePos}`);
      current += next;
      bytePos += 1;
      i++;
    } else {
      current += c;
    }
    bytePos += Buffer.byteLength(c, 'utf8');
  }
  segments.push(current);
  return segments;
}

/** True when the string matches the parsed wildcard pattern. */
export function matchesWildcard(pattern: WildcardPattern, value: string): boolean {
  if (pattern.length === 1) return value === pattern[0];
  const first = pattern[0]!;
  const last = pattern[pattern.length - 1]!;
  if (value.length < first.length + last.length || !value.startsWith(first) || !value.endsWith(last)) return false;
  let pos = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < pattern.length - 1; i++) {
    const segment = pattern[i]!;
    const found = value.indexOf(segment, pos);
    if (found < 0 || found + segment.length > end) return false;
    pos = found + segment.length;
  }
  return true;
}

/**
 * Case-insensitive comparison as EventBridge does it: each character of the pattern matches its
 * lower-case or upper-case form (which may be longer, e.g. `ß` → `SS`).
 */
export class IgnoreCaseText {
  private readonly forward: string[][];
  private readonly backward: string[][];

  constructor(readonly pattern: string) {
    this.forward = Array.from(pattern, (c) => unique([c.toLowerCase(), c.toUpperCase()]));
    this.backward = [...this.forward].reverse().map((alts) => alts.map(reverse));
  }

  equals(value: string): boolean {
    return matchAlternatives(this.forward, value, true);
  }

  isPrefixOf(value: string): boolean {
    return matchAlternatives(this.forward, value, false);
  }

  isSuffixOf(value: string): boolean {
    return matchAlternatives(this.backward, reverse(value), false);
  }
}

function matchAlternatives(alternatives: string[][], value: string, whole: boolean): boolean {
  const step = (index: number, pos: number): boolean => {
    if (index === alternatives.length) return !whole || pos === value.length;
    for (const alt of alternatives[index]!) {
      if (value.startsWith(alt, pos) && step(index + 1, pos + alt.length)) return true;
    }
    return false;
  };
  return step(0, 0);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function reverse(text: string): string {
  return Array.from(text).reverse().join('');
}
