/**
 * The typed families besides conversation detail events, and generic events: each hand-made
 * event (every field of its SDK model, test/support/events.ts) parses to its kind with a typed
 * body; broken ones are rejected with precise problems; enum values Genesys may add never reject
 * an event; any other topic — with or without {id} — is a generic event.
 */
import { describe, expect, it } from 'vitest';
import { formatProblems, parseGenesysEvent } from '../../src/events/index.js';
import type { EventProblem, GenesysEvent, ParseResult } from '../../src/events/index.js';
import { parseGenesysEventWithZod } from '../../src/events/parse.js';
import {
  CONVERSATION_ID,
  QUEUE_ID,
  USER_ID,
  activityEvent,
  auditEvent,
  genesysEvent,
  presenceEvent,
  routingStatusEvent,
  transcriptionEvent,
} from '../support/events.js';

function parsed(input: object): GenesysEvent {
  // Both as an object and as JSON text (the compiled JSON parsers), and equal to zod's own answer.
  const text = JSON.stringify(input);
  const fromText = parseGenesysEvent(text);
  expect(fromText).toEqual(parseGenesysEventWithZod(text));
  expect(parseGenesysEvent(input)).toEqual(fromText);
  if (!fromText.ok) throw new Error(formatProblems(fromText.problems));
  return fromText.event;
}

function problems(input: object): EventProblem[] {
  const text = JSON.stringify(input);
  const result: ParseResult = parseGenesysEvent(text);
  expect(result).toEqual(parseGenesysEventWithZod(text));
  if (result.ok) throw new Error(`expected problems, parsed as ${result.event.kind}`);
  return result.problems;
}

function withBody(event: Record<string, unknown>, change: (body: Record<string, unknown>) => void) {
  const copy = structuredClone(event);
  change((copy.detail as { eventBody: Record<string, unknown> }).eventBody);
  return copy;
}

describe('typed families parse to their kind', () => {
  it('user presence: the user from the topic, the presence, time = modifiedDate', () => {
    const event = parsed(presenceEvent());
    if (event.kind !== 'user-presence') throw new Error(event.kind);
    expect(event.userId).toBe(USER_ID);
    expect(event.topic).toBe('v2.users.{id}.presence');
    expect(event.body.presenceDefinition.systemPresence).toBe('AVAILABLE');
    expect(event.body.futurePresenceDefinition?.systemPresence).toBe('ON_QUEUE');
    expect(event.time).toBe(Date.parse('2026-01-01T11:59:58.120Z'));
    expect(event.key).toMatch(/^[0-9a-f]{64}$/);
  });

  it('routing status: status and startTime (the event time), error info kept', () => {
    const event = parsed(routingStatusEvent());
    if (event.kind !== 'user-routing-status') throw new Error(event.kind);
    expect(event.userId).toBe(USER_ID);
    expect(event.body.routingStatus).toEqual({ status: 'IDLE', startTime: '2026-01-01T11:59:59.500Z' });
    expect(event.body.errorInfo?.userParams?.[0]?.additionalProperties).toEqual({ any: { thing: 1 } });
    expect(event.time).toBe(Date.parse('2026-01-01T11:59:59.500Z'));
  });

  it('activity: routing status, presence, queues; time = the later of both', () => {
    const event = parsed(activityEvent());
    if (event.kind !== 'user-activity') throw new Error(event.kind);
    expect(event.body.activeQueueIds).toEqual([QUEUE_ID]);
    expect(event.body.presence?.presenceDefinition?.systemPresence).toBe('ON_QUEUE');
    expect(event.time).toBe(Date.parse('2026-01-01T12:00:05.000Z'));
  });

  it('audit: entity type and id from the topic name, the log message typed', () => {
    const event = parsed(auditEvent());
    if (event.kind !== 'audit') throw new Error(event.kind);
    expect(event.entityType).toBe('Queue');
    expect(event.entityId).toBe(QUEUE_ID);
    expect(event.body.propertyChanges).toEqual([
      { property: 'acwTimeoutMs', oldValues: ['60000'], newValues: ['90000'] },
    ]);
    expect(event.time).toBe(Date.parse('2026-01-01T11:58:00.000Z'));
  });

  it("audit: the event Genesys's user-presence blueprint captured from CloudWatch", () => {
    // GenesysCloudBlueprints/aws-eventbridge-user-presence-update-blueprint, events/UserPresenceChange.json
    const event = parsed(
      genesysEvent(
        'v2.audits.entitytype.{id}.entityid.{id}',
        'v2.audits.entitytype.UserPresence.entityid.278522be-1683-4877-8257-4164a177be89',
        {
          id: 'b8775049-2993-450d-97d7-5d7c784d7cc9',
          userId: '278522be-1683-4877-8257-4164a177be89',
          username: { id: '' },
          clientId: {},
          serviceName: 'Presence',
          eventTime: '2021-06-25T15:11:52.000Z',
          action: 'Update',
          entityType: 'UserPresence',
          entity: { id: '278522be-1683-4877-8257-4164a177be89', name: 'John Doe' },
          propertyChanges: [{ property: 'PRESENCE', oldValues: ['Break'], newValues: ['Available'] }],
        },
      ),
    );
    expect(event.kind).toBe('audit');
    if (event.kind === 'audit') expect(event.entityType).toBe('UserPresence');
  });

  it('transcription: the conversation from the topic, utterances typed', () => {
    const event = parsed(transcriptionEvent());
    if (event.kind !== 'transcription') throw new Error(event.kind);
    expect(event.conversationId).toBe(CONVERSATION_ID);
    expect(event.body.transcripts?.[0]?.alternatives?.[0]?.transcript).toBe('hello i have a question about my bill');
    expect(event.time).toBe(Date.parse('2026-01-01T12:00:04.128Z'));
  });

  it('never rejects an enum value Genesys adds later', () => {
    expect(parsed(presenceEvent({ presenceDefinition: { id: 'x', systemPresence: 'FOCUS_TIME' } })).kind).toBe(
      'user-presence',
    );
    expect(parsed(routingStatusEvent({ routingStatus: { status: 'WRAPPING_UP' } })).kind).toBe('user-routing-status');
    expect(
      parsed(
        transcriptionEvent({
          transcripts: [{ utteranceId: 'u', channel: 'BOT', alternatives: [{ transcript: 'hi' }] }],
        }),
      ).kind,
    ).toBe('transcription');
    expect(parsed(auditEvent({ action: 'Archive', level: 'SYSTEM_PLUS' })).kind).toBe('audit');
  });

  it('falls back to detail.timestamp, then the envelope time, when the body has no readable date', () => {
    const noDate = withBody(presenceEvent(), (body) => {
      delete body.modifiedDate;
    });
    expect(parsed(noDate).time).toBe(Date.parse('2026-01-01T12:00:00.435Z'));
    const unreadable = withBody(auditEvent(), (body) => {
      body.eventTime = 'yesterday';
    });
    delete (unreadable.detail as Record<string, unknown>).timestamp;
    expect(parsed(unreadable).time).toBe(Date.parse('2026-01-01T12:00:00Z'));
  });

  it('keeps fields Genesys adds later (loose objects), everywhere', () => {
    const event = parsed(
      withBody(routingStatusEvent(), (body) => {
        body.newField = { nested: [1] };
        (body.routingStatus as Record<string, unknown>).reason = 'X';
      }),
    );
    expect((event.body as Record<string, unknown>).newField).toEqual({ nested: [1] });
    if (event.kind === 'user-routing-status')
      expect((event.body.routingStatus as Record<string, unknown>).reason).toBe('X');
  });
});

describe('broken family events are rejected with precise problems', () => {
  it('a presence event without its system presence', () => {
    const found = problems(
      withBody(presenceEvent(), (body) => {
        body.presenceDefinition = { id: 'x' };
      }),
    );
    expect(found).toEqual([
      expect.objectContaining({
        path: '$.detail.eventBody.presenceDefinition.systemPresence',
        found: 'missing',
      }),
    ]);
  });

  it('a routing status event without a routing status, and wrong types elsewhere', () => {
    const found = problems(
      withBody(routingStatusEvent(), (body) => {
        delete body.routingStatus;
        (body.errorInfo as Record<string, unknown>).status = '500';
      }),
    );
    expect(found.map((p) => p.path)).toEqual([
      '$.detail.eventBody.routingStatus',
      '$.detail.eventBody.errorInfo.status',
    ]);
    expect(found[1]).toMatchObject({ expected: 'a number', found: 'string "500"' });
  });

  it('an audit whose property changes are not string lists', () => {
    const found = problems(
      withBody(auditEvent(), (body) => {
        body.propertyChanges = [{ property: 'name', newValues: [42] }];
      }),
    );
    expect(found[0]!.path).toBe('$.detail.eventBody.propertyChanges[0].newValues[0]');
  });

  it('a transcription of another conversation than its topic names, or with a bad confidence', () => {
    expect(
      problems(
        withBody(transcriptionEvent(), (body) => {
          body.conversationId = 'another';
        }),
      )[0]!.path,
    ).toBe('$.detail.eventBody.conversationId');
    const found = problems(
      withBody(transcriptionEvent(), (body) => {
        ((body.transcripts as Record<string, unknown>[])[0]!.alternatives as Record<string, unknown>[])[0]!.confidence =
          'high';
      }),
    );
    expect(found[0]!.path).toBe('$.detail.eventBody.transcripts[0].alternatives[0].confidence');
  });

  it('a detail-type that names particular entities instead of the generic topic', () => {
    const event = auditEvent();
    event['detail-type'] = 'v2.audits.entitytype.Queue.entityid.{id}';
    const found = problems(event);
    expect(found[0]).toMatchObject({ path: '$["detail-type"]' });
    expect(found[0]!.message).toContain('v2.audits.entitytype.{id}.entityid.{id}');
  });
});

describe('generic events: any other topic, with or without {id}', () => {
  it('a topic with ids: the ids, the first as the entity, the body kept whole', () => {
    const body = { eventEntity: { id: 'e1', name: 'Flow error' }, entityId: 'f1', timestamp: 1767268800000 };
    const event = parsed(genesysEvent('v2.operations.events.{id}', 'v2.operations.events.f1', body));
    if (event.kind !== 'generic') throw new Error(event.kind);
    expect(event.topic).toBe('v2.operations.events.{id}');
    expect(event.ids).toEqual(['f1']);
    expect(event.entityId).toBe('f1');
    expect(event.body).toEqual(body);
    expect(event.time).toBe(Date.parse('2026-01-01T12:00:00.435Z'));
  });

  it('a topic without {id} flows too (it was rejected as "not a Genesys topic name")', () => {
    const event = parsed(genesysEvent('v2.quality.evaluations', 'v2.quality.evaluations', { id: 'ev1' }));
    if (event.kind !== 'generic') throw new Error(event.kind);
    expect(event.ids).toEqual([]);
    expect(event.entityId).toBeUndefined();
    expect(event.key).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a topic without {id} must be its own topicName', () => {
    const found = problems(genesysEvent('v2.outbound.settings', 'v2.outbound.settings.x', {}));
    expect(found[0]!.path).toBe('$.detail.topicName');
  });

  it('still rejects what is not a topic name', () => {
    for (const detailType of ['Conversation Updated', 'v2', 'v2.', 'v2.a..b', 'v2.a b', 'v3.users.{id}.presence']) {
      const found = problems(genesysEvent(detailType, detailType, {}));
      expect(found[0]!.path, detailType).toBe('$["detail-type"]');
    }
  });
});
