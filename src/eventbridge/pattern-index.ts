/**
 * Many rules matched together. Trying each rule in turn re-reads the event once per rule; the
 * index instead:
 * 1. flattens the event once, visiting only the fields some rule reads;
 * 2. looks up, for each rule alternative (`$or` branch), one *key field* whose condition is a
 *    list of exact values (preferring `detail-type`, then `source`): only alternatives whose
 *    key field has one of the event's values there are candidates;
 * 3. fully evaluates the candidates, and the alternatives that have no key field.
 *
 * Genesys rules differ mostly by `detail-type` (the topic), so an event is evaluated against
 * the few rules for its topic instead of all of them. Results are exactly those of
 * rule-by-rule matching (a property test checks this).
 */
import { branchMatches, compilePatternBranches, flattenEvent, PathSet } from './pattern-match.js';
import type { CompiledBranch, CompiledField, Leaf } from './pattern-match.js';

interface IndexedRule<T> {
  id: string;
  value: T;
  order: number;
  branches: IndexedBranch<T>[];
  matchedIn: number;
}

interface IndexedBranch<T> {
  rule: IndexedRule<T>;
  branch: CompiledBranch;
  /** The key field and its value keys, when the branch has one. */
  key?: { path: string; values: string[] };
  seenIn: number;
}

/** Key fields tried first: they discriminate EventBridge events best. */
const PREFERRED_KEY_FIELDS = ['detail-type', 'source'];

/**
 * Rules (event patterns with a value each) matched together against events.
 *
 * @example
 * const index = new EventPatternIndex<string>();
 * index.add('acd-end', { 'detail-type': ['v2.detail.events.conversation.{id}.acd.end'] }, 'queue-a');
 * index.add('voice', { detail: { eventBody: { mediaType: ['VOICE'] } } }, 'queue-b');
 * index.match(event); // → e.g. ['queue-a', 'queue-b'], in the order the rules were added
 */
export class EventPatternIndex<T> {
  private readonly rules = new Map<string, IndexedRule<T>>();
  /** key field path → value key → branches. */
  private readonly keyed = new Map<string, Map<string, IndexedBranch<T>[]>>();
  private readonly unkeyed = new Set<IndexedBranch<T>>();
  private readonly paths = new PathSet();
  private nextOrder = 0;
  private epoch = 0;

  /** Number of rules in the index. */
  get size(): number {
    return this.rules.size;
  }

  /**
   * Adds a rule, replacing any rule with the same id.
   * @throws InvalidEventPatternException when the pattern is invalid (the index is unchanged).
   */
  add(id: string, pattern: string | object, value: T): void {
    const { branches } = compilePatternBranches(pattern);
    this.remove(id);
    const rule: IndexedRule<T> = { id, value, order: this.nextOrder++, branches: [], matchedIn: 0 };
    for (const branch of branches) {
      const indexed: IndexedBranch<T> = { rule, branch, seenIn: 0 };
      const key = chooseKeyField(branch);
      if (key) {
        indexed.key = { path: key.path, values: key.matchers.map(patternValueKey) };
        let byValue = this.keyed.get(key.path);
        if (!byValue) this.keyed.set(key.path, (byValue = new Map()));
        for (const valueKey of indexed.key.values) {
          const list = byValue.get(valueKey);
          if (list) list.push(indexed);
          else byValue.set(valueKey, [indexed]);
        }
      } else {
        this.unkeyed.add(indexed);
      }
      for (const field of branch.fields) this.paths.add(field.path);
      rule.branches.push(indexed);
    }
    this.rules.set(id, rule);
  }

  /** Removes a rule; false when there was none with this id. */
  remove(id: string): boolean {
    const rule = this.rules.get(id);
    if (!rule) return false;
    for (const indexed of rule.branches) {
      if (indexed.key) {
        const byValue = this.keyed.get(indexed.key.path)!;
        for (const valueKey of indexed.key.values) {
          const list = byValue.get(valueKey);
          if (!list) continue;
          const remaining = list.filter((b) => b !== indexed);
          if (remaining.length > 0) byValue.set(valueKey, remaining);
          else byValue.delete(valueKey);
        }
        if (byValue.size === 0) this.keyed.delete(indexed.key.path);
      } else {
        this.unkeyed.delete(indexed);
      }
      for (const field of indexed.branch.fields) this.paths.remove(field.path);
    }
    this.rules.delete(id);
    return true;
  }

  /** The values of the rules whose pattern matches the event, in the order the rules were added. */
  match(event: object): T[] {
    if (this.rules.size === 0) return [];
    const epoch = ++this.epoch;
    const flat = flattenEvent(event, this.paths);
    const matched: IndexedRule<T>[] = [];
    const consider = (indexed: IndexedBranch<T>): void => {
      if (indexed.seenIn === epoch || indexed.rule.matchedIn === epoch) return;
      indexed.seenIn = epoch;
      if (branchMatches(indexed.branch, flat)) {
        indexed.rule.matchedIn = epoch;
        matched.push(indexed.rule);
      }
    };
    for (const [path, byValue] of this.keyed) {
      const leaves = flat.get(path);
      if (!leaves) continue;
      for (const leaf of leaves) {
        if (leaf.type === 'string') {
          const candidates = byValue.get(`s${leaf.text}`);
          if (candidates) for (const indexed of candidates) consider(indexed);
          continue;
        }
        for (const valueKey of leafValueKeys(leaf)) {
          const candidates = byValue.get(valueKey);
          if (candidates) for (const indexed of candidates) consider(indexed);
        }
      }
    }
    for (const indexed of this.unkeyed) consider(indexed);
    if (matched.length > 1) matched.sort((a, b) => a.order - b.order);
    return matched.map((rule) => rule.value);
  }
}

/** A field whose matchers are all exact values can key the branch. */
function isKeyable(field: CompiledField): boolean {
  return (
    !field.allowsAbsent &&
    field.matchers.length > 0 &&
    field.matchers.every((m) => m.kind === 'exact-string' || m.kind === 'exact-number' || m.kind === 'exact-literal')
  );
}

function chooseKeyField(branch: CompiledBranch): CompiledField | undefined {
  const keyable = branch.fields.filter(isKeyable);
  if (keyable.length === 0) return undefined;
  for (const preferred of PREFERRED_KEY_FIELDS) {
    const field = keyable.find((f) => f.path === preferred);
    if (field) return field;
  }
  return keyable.reduce((best, f) => (f.matchers.length < best.matchers.length ? f : best));
}

function numberKey(n: number): string {
  return `n${n}`;
}

/** The lookup key of an exact pattern value (see {@link leafValueKeys}). */
function patternValueKey(m: CompiledField['matchers'][number]): string {
  switch (m.kind) {
    case 'exact-string':
      return `s${m.value}`;
    case 'exact-number':
      return m.value !== undefined ? numberKey(m.value) : `t${m.text}`;
    case 'exact-literal':
      return `l${m.text}`;
    default:
      throw new Error(`not an exact matcher: ${m.kind}`);
  }
}

/** The keys under which an event value finds the exact pattern values it satisfies. */
function leafValueKeys(leaf: Leaf): string[] {
  switch (leaf.type) {
    case 'string':
      return [`s${leaf.text}`];
    case 'number':
      return leaf.num !== undefined ? [numberKey(leaf.num), `t${leaf.text}`] : [`t${leaf.text}`];
    default:
      return [`l${leaf.type}`];
  }
}
