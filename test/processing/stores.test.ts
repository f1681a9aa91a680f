import { join } from 'node:path';
import { describe, expect, it, beforeAll } from 'vitest';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { parseGenesysEvent } from '../../src/events/index.js';
import {
  DynamoDbConversationStore,
  DynamoDbDeadLetterStore,
  factOf,
  openSqliteDatabase,
  projectConversation,
  SqliteConversationStore,
  SqliteDeadLetterStore,
} from '../../src/processing/index.js';
import { deadLetterEntry, MAX_DEAD_LETTER_BODY_BYTES } from '../../src/processing/stores/dead-letter.js';
import type { ConversationFact, ConversationStore, DeadLetterStore } from '../../src/processing/index.js';
import { generateAnnotatedEvents } from '../../src/simulate/index.js';
import { PIPELINE_TABLES, startDynalite } from '../support/dynalite.js';
import type { DynaliteServer } from '../support/dynalite.js';
import { tempDir } from '../support/tmp.js';

/** The clean facts of a few simulated conversations, by conversation. */
function simulatedConversations(conversations: number, seed: number): Map<string, ConversationFact[]> {
  const map = new Map<string, ConversationFact[]>();
  for (const { line, fault } of generateAnnotatedEvents({ conversations, seed })) {
    if (fault) continue;
    const parsed = parseGenesysEvent(line);
    if (!parsed.ok || parsed.event.kind !== 'conversation') continue;
    const fact = factOf(parsed.event);
    map.set(fact.conversationId, [...(map.get(fact.conversationId) ?? []), fact]);
  }
  return map;
}

let dynalite: DynaliteServer;
const dir = tempDir('gep-stores-');

beforeAll(async () => {
  dynalite = await startDynalite([PIPELINE_TABLES.conversations(), PIPELINE_TABLES.deadLetters()]);
});

const stores: Array<[string, () => ConversationStore]> = [
  ['DynamoDB (dynalite)', () => new DynamoDbConversationStore({ tableName: 'conversations', client: dynalite.client })],
  ['SQLite', () => new SqliteConversationStore(openSqliteDatabase(join(dir, `conv-${Math.random()}.db`)))],
];

describe.each(stores)('conversation store: %s', (_name, make) => {
  it('applying facts in any order, with duplicates, stores the fold of the distinct facts', async () => {
    const store = make();
    const [facts] = [...simulatedConversations(1, 21).values()];
    const delivered = [...facts!].reverse().flatMap((f, i) => (i % 3 === 0 ? [f, f] : [f]));
    for (const fact of delivered) await store.applyFact(fact);
    expect(await store.get(facts![0]!.conversationId)).toEqual(projectConversation(facts!));
  });

  it('stores the waiting queue while a conversation is queued and removes it when it leaves; answered and handleMs round-trip', async () => {
    const store = make();
    // An answered call that was queued.
    const facts = [...simulatedConversations(10, 9).values()].find(
      (f) => projectConversation(f).answered && projectConversation(f).handleMs > 0,
    );
    const ordered = [...facts!].sort((a, b) => a.eventTime - b.eventTime);
    const firstQueued = ordered.findIndex((f) => f.topic === 'acd.start');
    expect(firstQueued).toBeGreaterThan(0);
    for (const fact of ordered.slice(0, firstQueued + 1)) await store.applyFact(fact);
    const queued = await store.get(ordered[0]!.conversationId);
    expect(queued).toEqual(projectConversation(ordered.slice(0, firstQueued + 1)));
    expect(queued).toMatchObject({
      state: 'active',
      waitingQueueId: ordered[firstQueued]!.queueId,
      answered: false,
      handleMs: 0,
    });
    for (const fact of ordered.slice(firstQueued + 1)) await store.applyFact(fact);
    const done = await store.get(ordered[0]!.conversationId);
    expect(done).toEqual(projectConversation(ordered));
    expect(done).not.toHaveProperty('waitingQueueId');
    expect(done).toMatchObject({ answered: true, handleMs: done!.talkMs + done!.holdMs + done!.acwMs });
  });

  it('returns undefined for an unknown conversation', async () => {
    expect(await make().get('00000000-0000-4000-8000-00000000dead')).toBeUndefined();
  });

  it('no lost update: 5 conversations × all their events written by concurrent writers', async () => {
    const store = make();
    const conversations = simulatedConversations(5, 33);
    const all = [...conversations.values()].flat();
    // Every event twice, all at once: writers of one conversation interleave at every step.
    await Promise.all([...all, ...all].map((fact) => store.applyFact(fact)));
    for (const [id, facts] of conversations) expect(await store.get(id), id).toEqual(projectConversation(facts));
  });
});

describe('DynamoDB conversation store details', () => {
  it('claimFact: one conditional put per event — true the first time, false for every duplicate, one winner among concurrent claims', async () => {
    const store = new DynamoDbConversationStore({ tableName: 'conversations', client: dynalite.client });
    const [facts] = [...simulatedConversations(1, 44).values()];
    const [first, second] = [facts![0]!, facts![1]!];
    expect(await store.claimFact(first)).toBe(true);
    expect(await store.claimFact(first)).toBe(false);
    // Ten writers claim the same new fact at once: exactly one stores it.
    const claims = await Promise.all(Array.from({ length: 10 }, () => store.claimFact(second)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    const doc = DynamoDBDocumentClient.from(dynalite.client);
    const { Items } = await doc.send(
      new QueryCommand({
        TableName: 'conversations',
        KeyConditionExpression: 'conversationId = :c',
        ExpressionAttributeValues: { ':c': first.conversationId },
      }),
    );
    // Only the facts: no summary item to keep up to date.
    expect(Items?.map((i) => i.sk).sort()).toEqual([`FACT#${first.key}`, `FACT#${second.key}`].sort());
    expect(await store.get(first.conversationId)).toEqual(projectConversation([first, second]));
  });
});

const deadLetterStores: Array<[string, () => DeadLetterStore]> = [
  ['DynamoDB (dynalite)', () => new DynamoDbDeadLetterStore({ tableName: 'dead-letters', client: dynalite.client })],
  ['SQLite', () => new SqliteDeadLetterStore(openSqliteDatabase(join(dir, `dl-${Math.random()}.db`)))],
];

describe.each(deadLetterStores)('dead-letter store: %s', (_name, make) => {
  it('stores entries with their reason and problems, idempotently per id', async () => {
    const store = make();
    const problems = [
      {
        path: '$.detail',
        expected: 'an object',
        found: 'missing',
        message: '$.detail is required (an object) but missing.',
      },
    ];
    const entry = deadLetterEntry({
      stage: 'validate',
      reason: 'Invalid Genesys event: $.detail is required',
      problems,
      body: '{"id":"x"}',
      messageId: 'm-1',
      receiveCount: 2,
      now: new Date('2026-01-01T00:00:00Z'),
    });
    await store.put(entry);
    await store.put(entry);
    const entries = (await store.list()).filter((e) => e.messageId === 'm-1');
    expect(entries).toEqual([entry]);
    expect(entry.id).toBe(`validate#sha256:${entry.bodySha256}`);
  });

  it('cuts a body over the limit and keeps its hash', async () => {
    const store = make();
    const body = JSON.stringify({ id: 'big', padding: 'x'.repeat(MAX_DEAD_LETTER_BODY_BYTES + 10) });
    const entry = deadLetterEntry({ stage: 'validate', reason: 'too big', body, messageId: 'm-big' });
    expect(entry.bodyTruncated).toBe(true);
    expect(Buffer.byteLength(entry.body)).toBe(MAX_DEAD_LETTER_BODY_BYTES);
    await store.put(entry);
    const stored = (await store.list()).find((e) => e.messageId === 'm-big');
    expect(stored).toMatchObject({ bodyTruncated: true, bodySha256: entry.bodySha256 });
  });
});
