/**
 * Event pattern matching: compile a pattern once, match many events.
 *
 * Semantics (EventBridge's, checked against behaviour recorded on AWS):
 * - Patterns match *leaf* values only (strings, numbers, booleans, null). An event array
 *   matches when any of its elements does; an empty array or object has no leaves.
 * - Event keys are flattened by joining with `.`, like pattern keys.
 * - Fields inside different objects of the same array never combine: for
 *   `{"items": [{"a": 1, "b": 2}, {"a": 2, "b": 1}]}`, `{"items": {"a": [1], "b": [1]}}` does
 *   not match (EventBridge's array-consistent matching).
 * - `exists: false` holds when the field has no leaf value in the array elements chosen by the
 *   fields before it in path order (see {@link branchMatches}).
 */
import { EventBridgeValidationException, InvalidEventPatternException } from './errors.js';
import { ipInRange, parseIp } from './pattern-ip.js';
import { JsonTokenReader } from './pattern-json.js';
import type { JsonToken } from './pattern-json.js';
import { checkWildcardComplexity } from './pattern-complexity.js';
import {
  compareNumbers,
  MAX_EVENT_PATTERN_LENGTH,
  normalizedPatternSource,
  parsePatternText,
} from './pattern-parse.js';
import type { Branch, Matcher } from './pattern-parse.js';
import { comparableNumber, IgnoreCaseText, matchesWildcard } from './pattern-values.js';

/** A compiled event pattern: validate once, then match events cheaply. */
export interface CompiledEventPattern {
  /** True when the event matches the pattern. */
  matches(event: object): boolean;
  /** The pattern as a plain object, repeated keys resolved as AWS resolves them. */
  readonly source: object;
}

/**
 * Compiles an event pattern (JSON text or an object). Pattern text may repeat keys; they are
 * applied in order as AWS applies them.
 *
 * @throws InvalidEventPatternException with AWS's message when the pattern is invalid.
 * @example
 * const pattern = compileEventPattern({
 *   source: [{ prefix: 'aws.partner/genesys.com/cloud/' }],
 *   'detail-type': ['v2.detail.events.conversation.{id}.acd.end'],
 * });
 * pattern.matches(event); // → true / false
 */
export function compileEventPattern(pattern: string | object): CompiledEventPattern {
  const { branches, source } = compilePatternBranches(pattern);
  return new CompiledPattern(branches, source);
}

/** A pattern compiled into branches (its `$or` alternatives), for {@link EventPatternIndex}. */
interface CompiledBranches {
  branches: CompiledBranch[];
  source: Record<string, unknown>;
}

/** Validates and compiles a pattern into its branches. Throws InvalidEventPatternException. */
export function compilePatternBranches(pattern: string | object): CompiledBranches {
  const text = typeof pattern === 'string' ? pattern : JSON.stringify(pattern);
  if (text === undefined) throw new InvalidEventPatternException('Filter is not an object');
  const { branches } = parsePatternText(text);
  checkWildcardComplexity(branches);
  return { branches: branches.map(compileBranch), source: normalizedPatternSource(text) };
}

/**
 * `TestEventPattern`: does the event match the pattern? Validates both as AWS does.
 *
 * @throws InvalidEventPatternException for an invalid pattern.
 * @throws EventBridgeValidationException (`Parameter Event is not valid.`) when the event is not
 *   a JSON object with `id`, `account`, `source`, `time`, `region` and `detail-type`.
 * @example
 * testEventPattern('{"source": ["order"]}', '{"id": "1", "source": "order", …}'); // → true
 */
export function testEventPattern(eventPattern: string | object, event: string | object): boolean {
  const patternText = typeof eventPattern === 'string' ? eventPattern : JSON.stringify(eventPattern);
  if (patternText !== undefined && patternText.length > MAX_EVENT_PATTERN_LENGTH) {
    throw new EventBridgeValidationException(
      `1 validation error detected: Value '${patternText}' at 'eventPattern' failed to satisfy constraint: Member must have length less than or equal to ${MAX_EVENT_PATTERN_LENGTH}`,
    );
  }
  const compiled = compileEventPattern(eventPattern);
  return compiled.matches(parseTestEvent(event));
}

/** Fields `TestEventPattern` requires in the event. */
export const REQUIRED_TEST_EVENT_FIELDS = ['id', 'account', 'source', 'time', 'region', 'detail-type'] as const;

/**
 * Parses and checks an event for `TestEventPattern`: JSON text is read keeping each number
 * exactly as written (so `1.0` and `1` stay distinguishable where EventBridge distinguishes them).
 */
export function parseTestEvent(event: string | object): object {
  let value: unknown = event;
  if (typeof event === 'string') {
    try {
      value = parseJsonPreservingNumbers(event);
    } catch {
      throw new EventBridgeValidationException('Parameter Event is not valid.');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EventBridgeValidationException('Parameter Event is not valid.');
  }
  for (const field of REQUIRED_TEST_EVENT_FIELDS) {
    if (!Object.prototype.hasOwnProperty.call(value, field))
      throw new EventBridgeValidationException('Parameter Event is not valid.');
  }
  return value;
}

/** A JSON number kept as written in the event text. */
class JsonNumberText {
  constructor(readonly text: string) {}
  toJSON(): number {
    return Number(this.text);
  }
}

/** Parses JSON text into plain values, numbers as {@link JsonNumberText}; a repeated key keeps its last value. */
function parseJsonPreservingNumbers(text: string): unknown {
  const reader = new JsonTokenReader(text);
  const first = reader.nextToken();
  if (first === null) throw new SyntaxError('empty JSON text');
  return readEventValue(reader, first);
}

function readEventValue(reader: JsonTokenReader, token: JsonToken | null): unknown {
  switch (token) {
    case 'START_OBJECT': {
      const object = Object.create(null) as Record<string, unknown>;
      while (reader.nextToken() !== 'END_OBJECT') {
        const key = reader.currentName;
        object[key] = readEventValue(reader, reader.nextToken());
      }
      return object;
    }
    case 'START_ARRAY': {
      const items: unknown[] = [];
      let next: JsonToken | null;
      while ((next = reader.nextToken()) !== 'END_ARRAY') items.push(readEventValue(reader, next));
      return items;
    }
    case 'VALUE_STRING':
      return reader.getText();
    case 'VALUE_NUMBER_INT':
    case 'VALUE_NUMBER_FLOAT':
      return new JsonNumberText(reader.getText());
    case 'VALUE_TRUE':
      return true;
    case 'VALUE_FALSE':
      return false;
    case 'VALUE_NULL':
      return null;
    default:
      throw new SyntaxError(`unexpected ${String(token)}`);
  }
}

// ------------------------------------------------------------------ flattened events

/** One leaf value of an event, with the array elements (of arrays of objects or arrays) it sits in. */
export interface Leaf {
  type: 'string' | 'number' | 'true' | 'false' | 'null';
  /** The string, or the number as written. */
  text: string;
  /** The number when EventBridge can compare it exactly. */
  num: number | undefined;
  /** Pairs (array id, element index) from the root down; used for array-consistent matching. */
  trail: readonly number[];
  /** IP address bytes of a string leaf, computed on first use (`null`: not an address). */
  ip?: Uint8Array | null;
}

/** Leaf values by flattened path. */
type FlatEvent = Map<string, Leaf[]>;

/**
 * Flattens an event into leaves by dotted path. With `wanted` (every path any pattern asks
 * about, and their dotted prefixes), subtrees no pattern can reach are skipped.
 */
export function flattenEvent(event: object, wanted?: PathFilter): FlatEvent {
  const out: FlatEvent = new Map();
  let arrays = 0;
  const visit = (value: unknown, path: string, trail: number[]): void => {
    if (value === null || typeof value !== 'object' || value instanceof JsonNumberText) {
      if (wanted && !wanted.wantsLeaf(path)) return;
      const leaf = toLeaf(value, trail);
      if (!leaf) return;
      const list = out.get(path);
      if (list) list.push(leaf);
      else out.set(path, [leaf]);
      return;
    }
    if (Array.isArray(value)) {
      // Only objects and arrays inside an array record which element they are in: a plain
      // value in an array combines with anything (as in the engine).
      const id = arrays++;
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        const nested = item !== null && typeof item === 'object' && !(item instanceof JsonNumberText);
        visit(item, path, nested ? [...trail, id, i] : trail);
      }
      return;
    }
    for (const key of Object.keys(value)) {
      const child = path === '' ? key : `${path}.${key}`;
      if (wanted && !wanted.wantsPrefix(child)) continue;
      visit((value as Record<string, unknown>)[key], child, trail);
    }
  };
  visit(event, '', []);
  return out;
}

function toLeaf(value: unknown, trail: readonly number[]): Leaf | undefined {
  switch (typeof value) {
    case 'string':
      return { type: 'string', text: value, num: undefined, trail };
    case 'number': {
      if (!Number.isFinite(value)) return undefined;
      const text = JSON.stringify(value);
      return { type: 'number', text, num: comparableNumber(text), trail };
    }
    case 'boolean':
      return { type: value ? 'true' : 'false', text: String(value), num: undefined, trail };
    case 'object':
      if (value === null) return { type: 'null', text: 'null', num: undefined, trail };
      if (value instanceof JsonNumberText)
        return { type: 'number', text: value.text, num: comparableNumber(value.text), trail };
      return undefined;
    default:
      return undefined; // undefined, functions, symbols, bigints: not JSON values
  }
}

/** Which paths a flattening needs: the fields patterns read, and the objects leading to them. */
interface PathFilter {
  wantsLeaf(path: string): boolean;
  wantsPrefix(path: string): boolean;
}

/**
 * The paths a set of patterns reads, with every dotted prefix of them, reference-counted so
 * patterns can be removed again.
 */
export class PathSet implements PathFilter {
  private readonly leaves = new Map<string, number>();
  private readonly prefixes = new Map<string, number>();

  wantsLeaf(path: string): boolean {
    return this.leaves.has(path);
  }

  wantsPrefix(path: string): boolean {
    return this.prefixes.has(path);
  }

  add(path: string): void {
    bump(this.leaves, path, 1);
    for (const prefix of prefixesOf(path)) bump(this.prefixes, prefix, 1);
  }

  remove(path: string): void {
    bump(this.leaves, path, -1);
    for (const prefix of prefixesOf(path)) bump(this.prefixes, prefix, -1);
  }
}

function bump(map: Map<string, number>, key: string, delta: number): void {
  const n = (map.get(key) ?? 0) + delta;
  if (n > 0) map.set(key, n);
  else map.delete(key);
}

/** "a.b.c" → "a", "a.b", "a.b.c". */
function prefixesOf(path: string): string[] {
  const out: string[] = [];
  let at = path.indexOf('.');
  while (at >= 0) {
    out.push(path.slice(0, at));
    at = path.indexOf('.', at + 1);
  }
  out.push(path);
  return out;
}

// ------------------------------------------------------------------ compiled branches

type LeafTest = (leaf: Leaf) => boolean;

/** One field condition of a branch. */
export interface CompiledField {
  path: string;
  /** Matchers as written. */
  matchers: readonly Matcher[];
  /** True when `exists: false` is among the matchers (the field may be absent). */
  allowsAbsent: boolean;
  /** Any leaf satisfying this holds the field (exists:false excluded). */
  test: LeafTest;
}

/** A branch ready to evaluate. */
export interface CompiledBranch {
  fields: readonly CompiledField[];
}

/** Compiles a parsed branch. */
function compileBranch(branch: Branch): CompiledBranch {
  const fields: CompiledField[] = [];
  for (const [path, matchers] of branch) {
    const tests = matchers.filter((m) => !(m.kind === 'exists' && !m.exists)).map(compileMatcher);
    const test: LeafTest = tests.length === 1 ? tests[0]! : (leaf) => tests.some((t) => t(leaf));
    fields.push({ path, matchers, allowsAbsent: matchers.some((m) => m.kind === 'exists' && !m.exists), test });
  }
  // The engine evaluates fields in sorted path order (UTF-16 code unit order, as Java sorts).
  fields.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { fields };
}

function ipOf(leaf: Leaf): Uint8Array | null {
  if (leaf.ip === undefined) leaf.ip = leaf.type === 'string' ? (parseIp(leaf.text) ?? null) : null;
  return leaf.ip;
}

function compileMatcher(m: Matcher): LeafTest {
  switch (m.kind) {
    case 'exact-string': {
      const v = m.value;
      return (l) => l.type === 'string' && l.text === v;
    }
    case 'exact-ip': {
      const range = m.range;
      return (l) => {
        const ip = l.type === 'string' ? ipOf(l) : null;
        return ip !== null && ipInRange(ip, range);
      };
    }
    case 'exact-number': {
      const { text, value } = m;
      return (l) =>
        l.type === 'number' && (l.text === text || (value !== undefined && l.num !== undefined && l.num === value));
    }
    case 'exact-literal': {
      const t = m.text;
      return (l) => l.type === t;
    }
    case 'prefix': {
      if (m.ignoreCase) {
        const p = new IgnoreCaseText(m.value);
        return (l) => l.type === 'string' && p.isPrefixOf(l.text);
      }
      const v = m.value;
      return (l) => l.type === 'string' && l.text.startsWith(v);
    }
    case 'suffix': {
      if (m.ignoreCase) {
        const p = new IgnoreCaseText(m.value);
        return (l) => l.type === 'string' && p.isSuffixOf(l.text);
      }
      const v = m.value;
      return (l) => l.type === 'string' && l.text.endsWith(v);
    }
    case 'equals-ignore-case': {
      const p = new IgnoreCaseText(m.value);
      return (l) => l.type === 'string' && p.equals(l.text);
    }
    case 'wildcard': {
      const p = m.pattern;
      return (l) => l.type === 'string' && matchesWildcard(p, l.text);
    }
    case 'numeric': {
      const { lower, lowerOpen, upper, upperOpen } = m;
      return (l) => {
        if (l.type !== 'number' || l.num === undefined) return false;
        if (lower !== undefined) {
          const c = compareNumbers(l.num, lower);
          if (c < 0 || (c === 0 && lowerOpen)) return false;
        }
        if (upper !== undefined) {
          const c = compareNumbers(l.num, upper);
          if (c > 0 || (c === 0 && upperOpen)) return false;
        }
        return true;
      };
    }
    case 'numeric-equals': {
      const v = m.value;
      return (l) => l.type === 'number' && l.num !== undefined && l.num === v;
    }
    case 'cidr': {
      const range = m.range;
      return (l) => {
        const ip = l.type === 'string' ? ipOf(l) : null;
        return ip !== null && ipInRange(ip, range);
      };
    }
    case 'exists':
      return () => m.exists;
    case 'anything-but': {
      const { strings, numbers } = m;
      return (l) => {
        if (l.type === 'string') return !strings.has(l.text);
        if (l.type === 'number' && l.num !== undefined) {
          const n = l.num;
          return !numbers.includes(n);
        }
        return true;
      };
    }
    // An empty anything-but list (`{"anything-but": {"prefix": []}}`) is accepted by AWS's validation
    // but matches nothing in its engine.
    case 'anything-but-prefix': {
      const values = m.values;
      if (values.length === 0) return () => false;
      return (l) => l.type !== 'string' || !values.some((v) => l.text.startsWith(v));
    }
    case 'anything-but-suffix': {
      const values = m.values;
      if (values.length === 0) return () => false;
      return (l) => l.type !== 'string' || !values.some((v) => l.text.endsWith(v));
    }
    case 'anything-but-ignore-case': {
      const texts = m.values.map((v) => new IgnoreCaseText(v));
      if (texts.length === 0) return () => false;
      return (l) => l.type !== 'string' || !texts.some((t) => t.equals(l.text));
    }
    case 'anything-but-wildcard': {
      const patterns = m.patterns;
      if (patterns.length === 0) return () => false;
      return (l) => l.type !== 'string' || !patterns.some((p) => matchesWildcard(p, l.text));
    }
  }
}

/**
 * True when the flattened event satisfies every field of the branch, array-consistently.
 *
 * The engine walks a branch's fields in sorted path order, keeping the array elements the
 * values chosen so far sit in. A value field needs a matching leaf in those elements (or
 * outside any shared array); an `exists: false` field holds when no leaf of it sits in those
 * elements. So `exists: false` is judged against the fields before it in path order only.
 */
export function branchMatches(branch: CompiledBranch, flat: FlatEvent): boolean {
  const { fields } = branch;
  // First pass, without allocating: can each field hold at all, and does any array take part?
  let needWalk = false;
  for (const field of fields) {
    const leaves = flat.get(field.path);
    let found = false;
    if (leaves) {
      for (const leaf of leaves) {
        if (leaf.trail.length > 0 && (field.allowsAbsent || field.test(leaf))) needWalk = true;
        if (!found && field.test(leaf)) found = true;
      }
    }
    if (!found && !field.allowsAbsent) return false;
    if (!found && leaves && !needWalk) return false; // present, no match, and no array to look in
  }
  if (!needWalk) return true;

  const options = fields.map((field) => flat.get(field.path)?.filter((leaf) => field.test(leaf)) ?? []);
  const chosen: Leaf[] = [];
  const walk = (k: number): boolean => {
    if (k === fields.length) return true;
    const field = fields[k]!;
    for (const leaf of options[k]!) {
      if (chosen.every((other) => compatible(leaf.trail, other.trail))) {
        chosen.push(leaf);
        if (walk(k + 1)) return true;
        chosen.pop();
      }
    }
    if (field.allowsAbsent) {
      const present = flat
        .get(field.path)
        ?.some((leaf) => chosen.every((other) => compatible(leaf.trail, other.trail)));
      if (!present && walk(k + 1)) return true;
    }
    return false;
  };
  return walk(0);
}

/** Two leaves are compatible when, in every array they share, they sit in the same element. */
function compatible(a: readonly number[], b: readonly number[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 2) {
    if (a[i] !== b[i]) return true;
    if (a[i + 1] !== b[i + 1]) return false;
  }
  return true;
}

class CompiledPattern implements CompiledEventPattern {
  private readonly paths = new PathSet();

  constructor(
    private readonly branches: readonly CompiledBranch[],
    readonly source: object,
  ) {
    for (const branch of branches) for (const field of branch.fields) this.paths.add(field.path);
  }

  matches(event: object): boolean {
    const flat = flattenEvent(event, this.paths);
    return this.branches.some((branch) => branchMatches(branch, flat));
  }
}
