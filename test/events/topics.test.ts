import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CONVERSATION_TOPICS,
  GENERIC_CONVERSATION_TOPICS,
  concreteConversationTopic,
  genericConversationTopic,
  genericTopicOf,
  parseConversationTopicName,
  topicMatchesGeneric,
  validateTopics,
} from '../../src/events/index.js';
import {
  TYPED_TOPICS,
  closestNames,
  describeTopicModels,
  editDistance,
  isGenericTopicName,
  kindOfTopic,
  topicIds,
  topicModels,
} from '../../src/events/topics.js';

const ID = '5f1c2d3e-4a5b-4c6d-8e7f-9a8b7c6d5e4f';

describe('topic catalogue', () => {
  it('has the 16 conversation detail topics', () => {
    expect(CONVERSATION_TOPICS).toHaveLength(16);
    expect(new Set(GENERIC_CONVERSATION_TOPICS).size).toBe(16);
    expect(GENERIC_CONVERSATION_TOPICS).toContain('v2.detail.events.conversation.{id}.customer.start');
  });

  it('converts generic ↔ concrete names', () => {
    expect(genericConversationTopic('acd.end')).toBe('v2.detail.events.conversation.{id}.acd.end');
    const concrete = concreteConversationTopic('acd.end', ID);
    expect(concrete).toBe(`v2.detail.events.conversation.${ID}.acd.end`);
    expect(genericTopicOf(concrete)).toBe('v2.detail.events.conversation.{id}.acd.end');
    expect(parseConversationTopicName(concrete)).toEqual({ id: ID, topic: 'acd.end' });
    expect(parseConversationTopicName('v2.detail.events.conversation.{id}.voicemail.end')).toEqual({
      id: '{id}',
      topic: 'voicemail.end',
    });
    expect(parseConversationTopicName(`v2.detail.events.conversation.${ID}.acd.middle`)).toBeUndefined();
    expect(parseConversationTopicName('v2.users.{id}.presence')).toBeUndefined();
  });

  it('matches concrete names against generic ones segment by segment', () => {
    expect(
      topicMatchesGeneric('v2.audits.entitytype.UserPresence.entityid.42', 'v2.audits.entitytype.{id}.entityid.{id}'),
    ).toBe(true);
    expect(
      topicMatchesGeneric(
        `v2.detail.events.conversation.${ID}.acd.end`,
        'v2.detail.events.conversation.{id}.acd.start',
      ),
    ).toBe(false);
    expect(
      topicMatchesGeneric('v2.detail.events.conversation..acd.end', 'v2.detail.events.conversation.{id}.acd.end'),
    ).toBe(false);
    expect(topicMatchesGeneric('v2.a.b', 'v2.a.{id}.c')).toBe(false);
  });

  it('matches exactly as splitting both names on "." and comparing segments does', () => {
    const bySplitting = (topicName: string, genericTopic: string): boolean => {
      const concrete = topicName.split('.');
      const generic = genericTopic.split('.');
      return (
        concrete.length === generic.length &&
        generic.every((segment, i) => (segment === '{id}' ? concrete[i] !== '' : segment === concrete[i]))
      );
    };
    const segment = fc.oneof(
      fc.constantFrom('', '{id}', 'v2', 'a', 'acd', 'end', '{id}x', '{i}'),
      fc.string({ maxLength: 3 }),
    );
    const name = fc.array(segment, { minLength: 1, maxLength: 5 }).map((segments) => segments.join('.'));
    fc.assert(
      fc.property(name, name, (topicName, genericTopic) => {
        expect(topicMatchesGeneric(topicName, genericTopic)).toBe(bySplitting(topicName, genericTopic));
        const instance = genericTopic.replaceAll('{id}', 'x1');
        expect(topicMatchesGeneric(instance, genericTopic)).toBe(bySplitting(instance, genericTopic));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('validateTopics', () => {
  it('accepts generic and short names, normalizes and de-duplicates', () => {
    expect(validateTopics(['acd.end', 'v2.detail.events.conversation.{id}.acd.end', ' wrapup '])).toEqual({
      ok: true,
      topics: ['v2.detail.events.conversation.{id}.acd.end', 'v2.detail.events.conversation.{id}.wrapup'],
    });
  });

  it('rejects an unknown topic and suggests the closest known names', () => {
    const result = validateTopics(['v2.detail.events.conversation.{id}.custmer.start']);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]!.suggestions[0]).toBe('v2.detail.events.conversation.{id}.customer.start');
    expect(result.problems[0]!.message).toContain('Did you mean "v2.detail.events.conversation.{id}.customer.start"');
  });

  it('suggests full names for a misspelt short name', () => {
    const result = validateTopics(['acd.ends']);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]!.suggestions[0]).toBe('v2.detail.events.conversation.{id}.acd.end');
  });

  it('suggests the generic name for a concrete one', () => {
    const result = validateTopics([`v2.detail.events.conversation.${ID}.user.end`]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]!.suggestions).toEqual(['v2.detail.events.conversation.{id}.user.end']);
    expect(result.problems[0]!.message).toMatch(/generic topic/);
  });

  it('offers no suggestion for something unrelated, and reports empty names', () => {
    const result = validateTopics(['Conversation Updated', '']);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]!.suggestions).toEqual([]);
    expect(result.problems[0]!.message).toMatch(
      /^Unknown topic "Conversation Updated"\. A topic is a generic Genesys topic name/,
    );
    expect(result.problems[1]!.message).toMatch(/empty/);
  });

  it('validates against another catalogue when given', () => {
    expect(validateTopics(['v2.users.{id}.presence'], ['v2.users.{id}.presence']).ok).toBe(true);
    expect(validateTopics(['acd.end'], ['v2.users.{id}.presence']).ok).toBe(false);
  });
});

describe('closestNames / editDistance', () => {
  it('computes Levenshtein distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('ranks by distance and matches a short suffix', () => {
    expect(closestNames('acd.ends', ['x.acd.end', 'x.acd.start'])).toEqual(['x.acd.end']);
    expect(closestNames('wrapup', GENERIC_CONVERSATION_TOPICS)).toContain('v2.detail.events.conversation.{id}.wrapup');
  });
});

describe('the catalogue: any Genesys topic, typed families and generic ones', () => {
  it('accepts any well-formed generic name, with or without {id}, and families by kind', () => {
    const result = validateTopics([
      'v2.users.{id}.presence',
      'v2.audits.entitytype.{id}.entityid.{id}',
      'v2.quality.evaluations',
      'v2.outbound.settings',
      'v2.operations.events.{id}',
      'transcription',
      'user-routing-status',
    ]);
    expect(result).toEqual({
      ok: true,
      topics: [
        'v2.users.{id}.presence',
        'v2.audits.entitytype.{id}.entityid.{id}',
        'v2.quality.evaluations',
        'v2.outbound.settings',
        'v2.operations.events.{id}',
        'v2.conversations.{id}.transcription',
        'v2.users.{id}.routingStatus',
      ],
    });
    expect(validateTopics(['conversation']).topics).toEqual(GENERIC_CONVERSATION_TOPICS);
  });

  it('reports concrete names, entity types in place of {id}, near misses and malformed names', () => {
    const result = validateTopics([
      `v2.users.${ID}.presence`,
      'v2.audits.entitytype.USER.entityid.{id}',
      'v2.users.{id}.presense',
      'v2.users.{id}.routingstatus',
      'v2.users..presence',
    ]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.suggestions[0])).toEqual([
      'v2.users.{id}.presence',
      'v2.audits.entitytype.{id}.entityid.{id}',
      'v2.users.{id}.presence',
      'v2.users.{id}.routingStatus',
      'v2.users.{id}.presence',
    ]);
    expect(result.problems[1]!.message).toMatch(/particular entities/);
  });

  it('kinds, ids and the typed/generic summary', () => {
    expect(TYPED_TOPICS).toHaveLength(21);
    expect(kindOfTopic('v2.users.{id}.activity')).toBe('user-activity');
    expect(kindOfTopic('v2.detail.events.conversation.{id}.acd.end')).toBe('conversation');
    expect(kindOfTopic('v2.operations.events.{id}')).toBe('generic');
    expect(topicIds('v2.audits.entitytype.Queue.entityid.q1', 'v2.audits.entitytype.{id}.entityid.{id}')).toEqual([
      'Queue',
      'q1',
    ]);
    expect(isGenericTopicName('v2.quality.evaluations')).toBe(true);
    expect(isGenericTopicName('v2.users.{id}x.presence')).toBe(false);
    expect(
      describeTopicModels([...GENERIC_CONVERSATION_TOPICS, 'v2.users.{id}.presence', 'v2.quality.evaluations']),
    ).toBe(
      'Topics: 17 typed (conversation: 16 conversation detail topics; user-presence: v2.users.{id}.presence); ' +
        '1 generic (v2.quality.evaluations: envelope validated, idempotency key, archived, stored by topic, entity id and time; no typed body).',
    );
    expect(topicModels(['v2.quality.evaluations', 'v2.conversations.{id}.transcription'])).toEqual({
      typed: [{ topic: 'v2.conversations.{id}.transcription', kind: 'transcription' }],
      generic: ['v2.quality.evaluations'],
    });
  });
});
