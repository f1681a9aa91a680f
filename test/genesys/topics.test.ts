import { describe, expect, it } from 'vitest';
import {
  filterEventBridgeTopics,
  isEventBridgeTopic,
  listAvailableTopics,
  resolveEventBridgeTopics,
} from '../../src/genesys/topics.js';
import type { AvailableTopic } from '../../src/genesys/topics.js';
import { DEFAULT_FAKE_TOPICS } from '../support/fake-genesys.js';
import { testClient, useFakeGenesys } from './helpers.js';

const available: AvailableTopic[] = DEFAULT_FAKE_TOPICS;

describe('available topics', () => {
  it('are read with expand=transports and keep id, description and transports', async () => {
    const fake = await useFakeGenesys();
    const topics = await listAvailableTopics(testClient(fake).http);
    const request = fake.requests.find((r) => r.path === '/api/v2/notifications/availabletopics')!;
    expect(request.query.expand).toContain('transports');
    expect(topics).toHaveLength(DEFAULT_FAKE_TOPICS.length);
    expect(topics.find((t) => t.id === 'v2.users.{id}.presence')).toEqual({
      id: 'v2.users.{id}.presence',
      description: 'Presence of a user',
      transports: ['All'],
    });
  });

  it('count as EventBridge topics when their transports name EventBridge or All', () => {
    expect(isEventBridgeTopic({ id: 'a', transports: ['EventBridge'] })).toBe(true);
    expect(isEventBridgeTopic({ id: 'a', transports: ['all'] })).toBe(true);
    expect(isEventBridgeTopic({ id: 'a', transports: ['Websocket'] })).toBe(false);
    expect(isEventBridgeTopic({ id: 'a' })).toBe(true);
    expect(filterEventBridgeTopics(available).map((t) => t.id)).not.toContain('v2.conversations.chats.{id}.messages');
    expect(filterEventBridgeTopics(available, 'PRESENCE').map((t) => t.id)).toEqual(['v2.users.{id}.presence']);
    expect(filterEventBridgeTopics(available, 'wrapup').map((t) => t.id)).toEqual([
      'v2.detail.events.conversation.{id}.wrapup',
    ]);
  });
});

describe('resolveEventBridgeTopics', () => {
  it('expands short conversation names, keeps generic names, drops duplicates', () => {
    const result = resolveEventBridgeTopics(
      ['acd.end', 'v2.users.{id}.presence', 'v2.detail.events.conversation.{id}.acd.end'],
      available,
    );
    expect(result).toEqual({
      topics: ['v2.detail.events.conversation.{id}.acd.end', 'v2.users.{id}.presence'],
      problems: [],
      warnings: [],
    });
  });

  it('suggests close matches for an unknown topic, short or full', () => {
    const short = resolveEventBridgeTopics(['acd.ends'], available).problems[0]!;
    expect(short.suggestions[0]).toBe('v2.detail.events.conversation.{id}.acd.end');
    expect(short.message).toMatch(
      /^Unknown topic "acd.ends"\. Did you mean "v2\.detail\.events\.conversation\.\{id\}\.acd\.end"/,
    );
    const full = resolveEventBridgeTopics(['v2.users.{id}.presense'], available).problems[0]!;
    expect(full.suggestions).toEqual(['v2.users.{id}.presence']);
    expect(resolveEventBridgeTopics(['completely.different.thing.xyz'], available).problems[0]!.suggestions).toEqual(
      [],
    );
  });

  it('says a known topic cannot go to EventBridge', () => {
    const problem = resolveEventBridgeTopics(['v2.conversations.chats.{id}.messages'], available).problems[0]!;
    expect(problem.message).toBe(
      'Topic "v2.conversations.chats.{id}.messages" exists but cannot be delivered to EventBridge (transports: Websocket).',
    );
  });

  it('asks for the generic name when a concrete id is given', () => {
    const problem = resolveEventBridgeTopics(
      ['v2.detail.events.conversation.5f1c2d3e-1111-4222-8333-944455556666.acd.end'],
      available,
    ).problems[0]!;
    expect(problem.suggestions).toEqual(['v2.detail.events.conversation.{id}.acd.end']);
  });

  it('warns when Genesys did not report transports', () => {
    const result = resolveEventBridgeTopics(['v2.users.{id}.presence'], [{ id: 'v2.users.{id}.presence' }]);
    expect(result.problems).toEqual([]);
    expect(result.warnings[0]).toMatch(/did not report topic transports/);
  });
});
