/**
 * EventBridge rejects wildcard patterns that would make matching too expensive:
 * "Rule is too complex - try using fewer wildcard characters or fewer repeating character
 * sequences after a wildcard character".
 *
 * The measure (from EventBridge's engine, aws/event-ruler's `MachineComplexityEvaluator`) is the
 * largest number of wildcard-pattern states an input value can keep alive at once while it is
 * matched byte by byte. It is computed here by simulating the wildcard patterns of each field
 * as a nondeterministic automaton over the quoted UTF-8 value and exploring every reachable set
 * of live states.
 */
import { InvalidEventPatternException } from './errors.js';
import type { Branch } from './pattern-parse.js';
import type { WildcardPattern } from './pattern-values.js';

/**
 * Highest complexity accepted. AWS does not publish its limit; recorded behaviour brackets it:
 * `/Users/*\/dir/dir/dir/dir/dir/doc.txt` (complexity 7) is accepted and
 * `*:*:*:*:*:event-bus/*` (complexity 11) is rejected. See docs/eventbridge.md.
 */
export const MAX_WILDCARD_COMPLEXITY = 9;

const TOO_COMPLEX =
  'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character';

/** Upper bound on explored state sets, to keep validation fast on adversarial patterns. */
const MAX_EXPLORED_SETS = 20_000;

/**
 * Throws InvalidEventPatternException when the wildcard patterns of any field are too complex.
 * Only branches containing a wildcard (or anything-but wildcard) count, as with AWS.
 */
export function checkWildcardComplexity(branches: readonly Branch[]): void {
  const byField = new Map<string, WildcardGroup[]>();
  for (const branch of branches) {
    for (const [path, matchers] of branch) {
      for (const m of matchers) {
        let group: WildcardGroup | undefined;
        if (m.kind === 'wildcard') group = { id: `w${JSON.stringify(m.pattern)}`, values: [m.pattern] };
        else if (m.kind === 'anything-but-wildcard')
          group = { id: `a${JSON.stringify([...m.values].sort())}`, values: [...m.patterns] };
        if (!group) continue;
        const list = byField.get(path);
        if (list) list.push(group);
        else byField.set(path, [group]);
      }
    }
  }
  for (const groups of byField.values()) {
    if (wildcardComplexity(groups) > MAX_WILDCARD_COMPLEXITY) throw new InvalidEventPatternException(TOO_COMPLEX);
  }
}

/**
 * One wildcard pattern as the engine counts it: a `wildcard` value, or all the values of one
 * `anything-but` `wildcard` list (which count as a single pattern). Groups with the same `id`
 * are the same pattern.
 */
interface WildcardGroup {
  id: string;
  values: readonly WildcardPattern[];
}

const STAR = -1;

interface TrieNode {
  id: number;
  /** This node is a `*` state: it loops on every byte. */
  loops: boolean;
  /** The `*` state entered together with this node (a `*` follows its prefix). */
  star?: TrieNode;
  /** Literal transitions by key. */
  next: Map<string, TrieNode>;
  /** Ids of the patterns whose path goes through this node. */
  groups: Set<string>;
}

/**
 * The complexity of the wildcard patterns of one field: over every input, the largest sum,
 * over the transitions one input byte takes at once, of the number of patterns each transition
 * leads to.
 *
 * The automaton mirrors the engine's: the patterns' quoted UTF-8 bytes share one trie up to
 * their first `*`; a `*` is a self-looping state entered together with the node before it (and
 * entering it counts its self-loop too); after a `*` each value has its own path; the final
 * quote of all values of one pattern leads to one shared match. This gives the engine's figure
 * for 1,497 of 1,500 generated pattern sets; the rest (anything-but wildcard lists whose values
 * share text after a `*`) come out one higher (see docs/eventbridge.md).
 */
export function wildcardComplexity(groups: readonly WildcardGroup[]): number {
  let ids = 0;
  const node = (loops = false): TrieNode => ({ id: ids++, loops, next: new Map(), groups: new Set() });
  const root = node();
  const matchNodes = new Map<string, TrieNode>();
  const alphabet = new Set<number>([0x100]); // 0x100 stands for every byte no pattern mentions
  let valueCount = 0;
  // The same pattern used in several places (e.g. in every `$or` alternative) is one pattern.
  const distinct = new Map(groups.map((g) => [g.id, g]));
  for (const group of distinct.values()) {
    const values = new Map(group.values.map((v) => [JSON.stringify(v), v]));
    for (const value of values.values()) {
      const program = toProgram(value);
      const valueId = valueCount++;
      let at = root;
      at.groups.add(group.id);
      let afterStar = false;
      for (let i = 0; i < program.length; i++) {
        const byte = program[i]!;
        if (byte === STAR) {
          at.star ??= node(true);
          at = at.star;
          at.groups.add(group.id);
          afterStar = true;
          continue;
        }
        alphabet.add(byte);
        const last = i === program.length - 1;
        const key = afterStar ? `${byte}:${valueId}` : `${byte}`;
        let child = at.next.get(key);
        if (!child) {
          child = last ? (matchNodes.get(group.id) ?? node()) : node();
          if (last) matchNodes.set(group.id, child);
          at.next.set(key, child);
        }
        child.groups.add(group.id);
        at = child;
      }
    }
  }

  const seen = new Set<string>([String(root.id)]);
  const queue: TrieNode[][] = [[root]];
  let max = 0;
  for (let head = 0; head < queue.length && seen.size < MAX_EXPLORED_SETS; head++) {
    const current = queue[head]!;
    for (const byte of alphabet) {
      const { next, count } = step(current, byte);
      if (count > max) max = count;
      if (next.length === 0) continue;
      const k = next.map((n) => n.id).join(',');
      if (!seen.has(k)) {
        seen.add(k);
        queue.push(next);
      }
    }
  }
  return max;
}

/** The quoted value as bytes, with STAR for each wildcard. */
function toProgram(pattern: WildcardPattern): number[] {
  const program: number[] = [0x22];
  pattern.forEach((segment, i) => {
    if (i > 0) program.push(STAR);
    program.push(...Buffer.from(segment, 'utf8'));
  });
  program.push(0x22);
  return program;
}

/** One input byte from a set of states: the states reached, and the weighted transitions taken. */
function step(states: readonly TrieNode[], byte: number): { next: TrieNode[]; count: number } {
  const loops = new Map<number, TrieNode>();
  const targets = new Map<number, TrieNode>();
  const plain = `${byte}`;
  const perValue = `${byte}:`;
  for (const state of states) {
    if (state.loops) loops.set(state.id, state);
    for (const [key, child] of state.next) {
      if (key === plain || key.startsWith(perValue)) targets.set(child.id, child);
    }
  }
  let count = 0;
  for (const t of targets.values()) count += t.groups.size;
  for (const l of loops.values()) count += l.groups.size;
  const next = new Map<number, TrieNode>([...loops, ...targets]);
  for (const t of targets.values()) {
    if (!t.star) continue;
    if (!loops.has(t.star.id)) count += t.star.groups.size;
    next.set(t.star.id, t.star);
  }
  const live = [...next.values()].filter((n) => n.loops || n.next.size > 0 || n.star).sort((a, b) => a.id - b.id);
  return { next: live, count };
}
