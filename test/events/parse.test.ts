import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONVERSATION_TOPICS, MAX_EVENT_BYTES, formatProblems, parseGenesysEvent } from '../../src/events/index.js';
import type { EventProblem, ParseResult } from '../../src/events/index.js';
import { CONVERSATION_ID, ORG_ID, conversationEvent } from '../support/events.js';

function problems(result: ParseResult): EventProblem[] {
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.problems;
}

describe('parseGenesysEvent: valid events', () => {
  it.each(CONVERSATION_TOPICS)('parses a %s event, typed, from text and from an object', (topic) => {
    const event = conversationEvent(topic);
    for (const input of [event, JSON.stringify(event)]) {
      const result = parseGenesysEvent(input);
      expect(result.ok).toBe(true);
      if (!result.ok || result.event.kind !== 'conversation') throw new Error('expected a conversation event');
      expect(result.event.topic).toBe(topic);
      expect(result.event.conversationId).toBe(CONVERSATION_ID);
      expect(result.event.eventTime).toBe(1767268800000);
      expect(result.event.orgId).toBe(ORG_ID);
      expect(result.event.genericTopic).toBe(`v2.detail.events.conversation.{id}.${topic}`);
      expect(result.event.key).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('keeps unknown fields in the body, the detail and the envelope', () => {
    const event = conversationEvent(
      'acd.end',
      { acdOutcome: 'ABANDON', brandNewField: { nested: [1, 2] } },
      { 'new-envelope-field': 'x' },
    );
    (event.detail as Record<string, unknown>).newDetailField = true;
    const result = parseGenesysEvent(event);
    if (!result.ok || result.event.kind !== 'conversation' || result.event.topic !== 'acd.end')
      throw new Error('expected acd.end');
    expect(result.event.body.acdOutcome).toBe('ABANDON');
    expect(result.event.body.brandNewField).toEqual({ nested: [1, 2] });
    expect(result.event.envelope['new-envelope-field']).toBe('x');
    expect(result.event.envelope.detail.newDetailField).toBe(true);
  });

  it('accepts enum values Genesys may add later', () => {
    const result = parseGenesysEvent(conversationEvent('customer.start', { mediaType: 'HOLOGRAM' }));
    expect(result.ok).toBe(true);
  });

  it('accepts a missing detail.timestamp and metadata', () => {
    const event = conversationEvent('wrapup');
    const detail = event.detail as Record<string, unknown>;
    delete detail.timestamp;
    delete detail.metadata;
    expect(parseGenesysEvent(event).ok).toBe(true);
  });

  it('accepts a topic without a typed model as "generic", kept and flagged', () => {
    const event = {
      ...conversationEvent('acd.end'),
      'detail-type': 'v2.analytics.conversation.{id}.metrics',
      detail: {
        topicName: 'v2.analytics.conversation.278522be-1683-4877-8257-4164a177be89.metrics',
        version: '2',
        eventBody: { eventTime: '2021-06-25T15:11:52.000Z', metrics: [{ name: 'tHandle', value: 1 }] },
        metadata: { CorrelationId: 'x' },
      },
    };
    const result = parseGenesysEvent(event);
    if (!result.ok) throw new Error(formatProblems(result.problems));
    expect(result.event.kind).toBe('generic');
    expect(result.event.topic).toBe('v2.analytics.conversation.{id}.metrics');
    expect(result.event.body).toEqual({
      eventTime: '2021-06-25T15:11:52.000Z',
      metrics: [{ name: 'tHandle', value: 1 }],
    });
  });

  it('accepts a conversation-family topic it does not know as "generic"', () => {
    const event = conversationEvent(
      'acd.end',
      {},
      { 'detail-type': 'v2.detail.events.conversation.{id}.summary.ready' },
    );
    (event.detail as Record<string, unknown>).topicName =
      `v2.detail.events.conversation.${CONVERSATION_ID}.summary.ready`;
    const result = parseGenesysEvent(event);
    expect(result.ok && result.event.kind).toBe('generic');
  });
});

describe('parseGenesysEvent: precise problems', () => {
  it('reports wrong types and missing required fields with JSON paths', () => {
    const event = conversationEvent('user.end', {
      eventTime: '1767268800000',
      heldDurationMs: -5,
      conversationId: undefined,
    });
    const found = problems(parseGenesysEvent(JSON.parse(JSON.stringify(event)) as object));
    expect(found).toContainEqual(
      expect.objectContaining({
        path: '$.detail.eventBody.eventTime',
        expected: 'a number',
        found: 'string "1767268800000"',
      }),
    );
    expect(found).toContainEqual(
      expect.objectContaining({ path: '$.detail.eventBody.conversationId', found: 'missing' }),
    );
    expect(found).toContainEqual(
      expect.objectContaining({ path: '$.detail.eventBody.heldDurationMs', expected: 'a value ≥ 0' }),
    );
  });

  it('explains the tutorial mistakes: wrong source, detail-type that is no topic', () => {
    const wrongSource = problems(parseGenesysEvent(conversationEvent('acd.end', {}, { source: 'genesys.cloud' })));
    expect(wrongSource[0]).toMatchObject({ path: '$.source', found: 'string "genesys.cloud"' });
    expect(wrongSource[0]!.expected).toContain('aws.partner/genesys.com/cloud/<orgId>/<suffix>');

    const wrongType = problems(
      parseGenesysEvent(conversationEvent('acd.end', {}, { 'detail-type': 'Conversation Updated' })),
    );
    expect(wrongType[0]).toMatchObject({ path: '$["detail-type"]', found: 'string "Conversation Updated"' });
  });

  it('reports a topicName that does not belong to detail-type, and a conversationId that differs from it', () => {
    const mismatch = conversationEvent(
      'acd.end',
      {},
      { 'detail-type': 'v2.detail.events.conversation.{id}.acd.start' },
    );
    expect(problems(parseGenesysEvent(mismatch))[0]!.path).toBe('$.detail.topicName');

    const otherConversation = conversationEvent('acd.end');
    ((otherConversation.detail as Record<string, unknown>).eventBody as Record<string, unknown>).conversationId =
      'someone-else';
    expect(problems(parseGenesysEvent(otherConversation))[0]!.path).toBe('$.detail.eventBody.conversationId');
  });

  it('reports a missing detail, a non-object entry, truncated JSON and empty text', () => {
    const { detail: _detail, ...noDetail } = conversationEvent('acd.end');
    expect(problems(parseGenesysEvent(noDetail))[0]).toMatchObject({ path: '$.detail', found: 'missing' });
    expect(problems(parseGenesysEvent([1, 2] as unknown as object))[0]).toMatchObject({
      path: '$',
      found: 'array (2 items)',
    });
    const truncated = JSON.stringify(conversationEvent('acd.end')).slice(0, 80);
    expect(problems(parseGenesysEvent(truncated))[0]!.found).toMatch(/^invalid JSON/);
    expect(problems(parseGenesysEvent('   '))[0]!.found).toBe('empty text');
  });

  it('rejects entries over 256 KiB with that reason, as text and as an object', () => {
    const big = conversationEvent('attributes', { attributes: { blob: 'x'.repeat(MAX_EVENT_BYTES) } });
    for (const input of [big, JSON.stringify(big)]) {
      const [problem] = problems(parseGenesysEvent(input));
      expect(problem!.path).toBe('$');
      expect(problem!.message).toContain('256 KiB');
    }
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.json(),
        ),
        (text) => {
          expect(() => parseGenesysEvent(text)).not.toThrow();
        },
      ),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expect(() => parseGenesysEvent(value as object)).not.toThrow();
      }),
      { numRuns: 500 },
    );
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(problems(parseGenesysEvent(cyclic))[0]!.message).toMatch(/serialized/);
    expect(problems(parseGenesysEvent({ n: 1n } as object))[0]!.path).toBe('$');
  });

  it('never throws on a valid event with random damage to its body', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CONVERSATION_TOPICS),
        fc.dictionary(fc.string(), fc.jsonValue()),
        (topic, damage) => {
          const result = parseGenesysEvent(conversationEvent(topic, damage));
          if (!result.ok) for (const p of result.problems) expect(p.path.startsWith('$')).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('parseGenesysEvent: deeply nested input', () => {
  it('is a problem, not an exception, as text and as an object (it fits in 256 KiB)', () => {
    const depth = 50_000;
    const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const event = conversationEvent('customer.start');
    const text = JSON.stringify(event).replace('"eventBody":{', `"eventBody":{"extra":${deep},`);
    expect(Buffer.byteLength(text)).toBeLessThan(MAX_EVENT_BYTES);
    const [problem] = problems(parseGenesysEvent(text));
    expect(problem).toMatchObject({ path: '$', found: 'JSON nested too deeply to check' });
    expect(problem!.message).toMatch(/nested too deeply/);
    // As an object it cannot even be serialized (JSON.stringify overflows): that problem.
    expect(problems(parseGenesysEvent(JSON.parse(text) as object))[0]).toMatchObject({ path: '$' });
  });
});
