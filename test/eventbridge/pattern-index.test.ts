/**
 * Property: the index returns exactly the rules whose patterns match, as trying each rule in turn
 * does, for random patterns (all operators, $or, nested fields) and random events.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileEventPattern, EventPatternIndex } from '../../src/eventbridge/pattern.js';

const KEYS = ['a', 'b', 'detail-type', 'source'];
const STRINGS = ['x', 'X', 'xy', 'init', '', '10.0.0.1', 'ß', 'v2.detail.events.conversation.{id}.acd.end'];
const NUMBERS = [0, 1, -1, 1.5, 300, 1e20];

const scalar = fc.oneof(fc.constantFrom(...STRINGS), fc.constantFrom(...NUMBERS), fc.constantFrom(true, false, null));

const matcher = fc.oneof(
  { weight: 4, arbitrary: scalar },
  fc.constantFrom(...STRINGS).map((v) => ({ prefix: v })),
  fc.constantFrom('x', 'y', '.end').map((v) => ({ suffix: v })),
  fc.constantFrom(...STRINGS).map((v) => ({ 'equals-ignore-case': v })),
  fc.constantFrom('*', 'x*', '*y', '*.*', 'v2.*.end').map((v) => ({ wildcard: v })),
  fc.constantFrom(...STRINGS).map((v) => ({ 'anything-but': v })),
  fc.constantFrom(...NUMBERS).map((v) => ({ 'anything-but': v })),
  fc
    .constantFrom({ prefix: 'x' }, { suffix: 'y' }, { 'equals-ignore-case': ['X', 'init'] }, { wildcard: 'x*' })
    .map((v) => ({ 'anything-but': v })),
  fc.constantFrom(['>', 0], ['<', 100], ['>=', -1, '<', 1.5], ['=', 300]).map((v) => ({ numeric: v })),
  fc.boolean().map((v) => ({ exists: v })),
  fc.constantFrom('10.0.0.0/24', '0.0.0.0/1').map((v) => ({ cidr: v })),
);

type Pattern = { [key: string]: unknown };
const patternObject: fc.Arbitrary<Pattern> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.array(matcher, { minLength: 1, maxLength: 3 }),
    tie('object'),
  ),
  object: fc.dictionary(fc.constantFrom(...KEYS), tie('node'), { minKeys: 1, maxKeys: 3 }),
})).object as fc.Arbitrary<Pattern>;

const pattern = fc.oneof(
  { weight: 3, arbitrary: patternObject },
  fc.tuple(patternObject, patternObject, patternObject).map(([base, x, y]) => ({ ...base, $or: [x, y] })),
);

const eventValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: scalar },
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 3 }),
  ),
})).value;
const event = fc.dictionary(fc.constantFrom(...KEYS), eventValue, { minKeys: 1, maxKeys: 4 });

describe('EventPatternIndex ≡ rule-by-rule matching', () => {
  it('returns exactly the matching rules, in order, also after removals', () => {
    fc.assert(
      fc.property(
        fc.array(pattern, { minLength: 1, maxLength: 25 }),
        fc.array(event, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        (patterns, events, removals) => {
          const index = new EventPatternIndex<number>();
          const rules: Array<{ id: number; compiled: ReturnType<typeof compileEventPattern> }> = [];
          patterns.forEach((p, id) => {
            let compiled;
            try {
              compiled = compileEventPattern(p);
            } catch {
              return; // random patterns may be invalid (e.g. too complex); both sides skip them
            }
            index.add(String(id), p, id);
            rules.push({ id, compiled });
          });
          for (const r of removals) {
            const victim = rules[r % Math.max(1, rules.length)];
            if (!victim) continue;
            expect(index.remove(String(victim.id))).toBe(true);
            rules.splice(rules.indexOf(victim), 1);
          }
          expect(index.size).toBe(rules.length);
          for (const e of events) {
            const expected = rules.filter((r) => r.compiled.matches(e)).map((r) => r.id);
            expect(index.match(e)).toEqual(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keys Genesys-style rules by detail-type and still finds the rest', () => {
    const index = new EventPatternIndex<string>();
    const topics = ['acd.start', 'acd.end', 'customer.end'].map((t) => `v2.detail.events.conversation.{id}.${t}`);
    index.add(
      'acd',
      { source: [{ prefix: 'aws.partner/genesys.com/cloud/' }], 'detail-type': topics.slice(0, 2) },
      'acd',
    );
    index.add('voice', { detail: { eventBody: { mediaType: ['VOICE'] } } }, 'voice');
    index.add('end', { 'detail-type': [topics[2]!] }, 'end');
    const event = (topic: string, mediaType: string) => ({
      source: 'aws.partner/genesys.com/cloud/org-1/suffix',
      'detail-type': topic,
      detail: { eventBody: { mediaType } },
    });
    expect(index.match(event(topics[1]!, 'VOICE'))).toEqual(['acd', 'voice']);
    expect(index.match(event(topics[2]!, 'CHAT'))).toEqual(['end']);
    expect(index.match(event('v2.other.{id}', 'CHAT'))).toEqual([]);
  });
});
