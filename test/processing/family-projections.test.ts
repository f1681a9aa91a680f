/**
 * The projections of the families besides conversations — agent state, audit log, transcripts,
 * generic events — as pure folds, and in both stores (SQLite, DynamoDB on dynalite): any arrival
 * order and any number of re-deliveries end in the same state, which is the fold of the distinct
 * events; queries by entity, user, topic and time.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseGenesysEvent } from '../../src/events/index.js';
import type { AgentStateEvent, AuditEvent, GenesysEvent, TranscriptionEvent } from '../../src/events/index.js';
import { openSqliteDatabase, PermanentProcessingError, SqliteConversationStore } from '../../src/processing/index.js';
import { PIPELINE_TABLES, startDynalite } from '../support/dynalite.js';
import type { DynaliteServer } from '../support/dynalite.js';
import {
  activityEvent,
  auditEvent,
  CONVERSATION_ID,
  genesysEvent,
  presenceEvent,
  routingStatusEvent,
  transcriptionEvent,
} from '../support/events.js';
import { tempDir } from '../support/tmp.js';
import { agentFactsOf, projectAgent, timeInStates } from '../../src/processing/agent-state.js';
import { auditEntryOf } from '../../src/processing/audit-log.js';
import {
  DynamoDbAgentStateStore,
  DynamoDbAuditLogStore,
  DynamoDbGenericEventStore,
  DynamoDbTranscriptStore,
} from '../../src/processing/stores/dynamodb-projection-stores.js';
import { genericRecordOf } from '../../src/processing/generic-events.js';
import { PROJECTION_SCHEMA_VERSION } from '../../src/processing/stores/sqlite-projection-schema.js';
import { ProjectionSchemaError } from '../../src/processing/errors.js';
import { projectTranscript, utterancesOf } from '../../src/processing/transcripts.js';
import { ProjectionSink } from '../../src/processing/projections.js';
import {
  SqliteAgentStateStore,
  SqliteAuditLogStore,
  SqliteGenericEventStore,
  SqliteTranscriptStore,
} from '../../src/processing/stores/sqlite-projection-stores.js';
import type {
  AgentStateStore,
  AuditLogStore,
  GenericEventStore,
  TranscriptStore,
} from '../../src/processing/stores/projection-stores.js';

function parse(input: object): GenesysEvent {
  const result = parseGenesysEvent(input);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.event;
}

const T0 = Date.UTC(2026, 0, 1, 9);
const iso = (ms: number) => new Date(ms).toISOString();
const USERS = ['u-ann', 'u-bob'];
const ROUTING = ['OFF_QUEUE', 'IDLE', 'INTERACTING', 'NOT_RESPONDING'];
const PRESENCE = ['AVAILABLE', 'ON_QUEUE', 'BREAK', 'OFFLINE'];
const CHANGES = 8;

/** A day of state changes of two users, through all three topics (some reporting the same state twice). */
function agentDay(): AgentStateEvent[] {
  const events: AgentStateEvent[] = [];
  USERS.forEach((user, u) => {
    for (let i = 0; i < CHANGES; i++) {
      const at = T0 + (i * 7 + u) * 60_000;
      const routing = ROUTING[(i + u) % ROUTING.length]!;
      const presence = PRESENCE[(i * 3 + u) % PRESENCE.length]!;
      events.push(
        parse(routingStatusEvent({ routingStatus: { status: routing, startTime: iso(at) } }, user)) as AgentStateEvent,
        parse(
          presenceEvent(
            { presenceDefinition: { id: `def-${presence}`, systemPresence: presence }, modifiedDate: iso(at + 1000) },
            user,
          ),
        ) as AgentStateEvent,
      );
      // An activity snapshot that repeats both (the same facts) every third change.
      if (i % 3 === 0) {
        events.push(
          parse(
            activityEvent(
              {
                routingStatus: { status: routing, startTime: iso(at) },
                presence: {
                  presenceDefinition: { id: `def-${presence}`, systemPresence: presence },
                  modifiedDate: iso(at + 1000),
                },
              },
              user,
            ),
          ) as AgentStateEvent,
        );
      }
    }
  });
  return events;
}

/** Re-deliveries and any order: each event once or twice, shuffled by a seed. */
function deliveries<T>(events: readonly T[], seed: number): T[] {
  const out = events.flatMap((e, i) => ((i * 7 + seed) % 5 === 0 ? [e, e] : [e]));
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('agent state: a pure, order-insensitive fold', () => {
  it('gives the same state and history whatever the order and re-deliveries', () => {
    const facts = agentDay().flatMap(agentFactsOf);
    const expected = projectAgent(
      'u-ann',
      facts.filter((f) => f.userId === 'u-ann'),
    );
    fc.assert(
      fc.property(fc.nat(), (seed) => {
        const shuffled = deliveries(facts, seed).filter((f) => f.userId === 'u-ann');
        expect(projectAgent('u-ann', shuffled)).toEqual(expected);
      }),
      { numRuns: 50 },
    );
    // One routing and one presence fact per change: the activity snapshots repeated existing ones.
    expect(expected.history).toHaveLength(2 * CHANGES);
    const last = CHANGES - 1;
    expect(expected.routingStatus).toEqual({ status: ROUTING[last % 4], since: T0 + last * 7 * 60_000 });
  });

  it('has durations until the next state of the same dimension; time in states over a window', () => {
    const events = [
      routingStatusEvent({ routingStatus: { status: 'IDLE', startTime: iso(T0) } }),
      routingStatusEvent({ routingStatus: { status: 'INTERACTING', startTime: iso(T0 + 60_000) } }),
      presenceEvent({ presenceDefinition: { id: 'b', systemPresence: 'BREAK' }, modifiedDate: iso(T0 + 90_000) }),
      routingStatusEvent({ routingStatus: { status: 'OFF_QUEUE', startTime: iso(T0 + 90_000) } }),
      presenceEvent({ presenceDefinition: { id: 'q', systemPresence: 'ON_QUEUE' }, modifiedDate: iso(T0 + 390_000) }),
    ].map((e) => parse(e) as AgentStateEvent);
    const state = projectAgent(events[0]!.userId, events.flatMap(agentFactsOf));
    expect(state.presence).toEqual({ systemPresence: 'ON_QUEUE', presenceDefinitionId: 'q', since: T0 + 390_000 });
    expect(state.history.find((h) => h.status === 'BREAK')).toMatchObject({ durationMs: 300_000, until: T0 + 390_000 });
    expect(state.history.find((h) => h.status === 'IDLE')).toMatchObject({ durationMs: 60_000 });
    // "How long was Ann in Break": 5 minutes; the open OFF_QUEUE counts until the window's end.
    const totals = timeInStates(state.history, T0, T0 + 600_000);
    expect(totals.presence.BREAK).toBe(300_000);
    expect(totals.routing).toEqual({ IDLE: 60_000, INTERACTING: 30_000, OFF_QUEUE: 510_000 });
  });

  it('ignores a non-primary presence; an activity event gives both dimensions', () => {
    expect(agentFactsOf(parse(presenceEvent({ primary: false })) as AgentStateEvent)).toEqual([]);
    expect(agentFactsOf(parse(activityEvent()) as AgentStateEvent).map((f) => f.dimension)).toEqual([
      'routing',
      'presence',
    ]);
  });
});

describe('transcripts: utterances in spoken order, whatever order events arrive in', () => {
  const events = [0, 1, 2, 3, 4].map(
    (i) =>
      parse(
        transcriptionEvent({
          eventTime: iso(T0 + (i + 1) * 4000),
          transcripts: [
            {
              utteranceId: `u${i}`,
              isFinal: i !== 2,
              channel: i % 2 ? 'INTERNAL' : 'EXTERNAL',
              alternatives: [
                {
                  confidence: 0.8,
                  offsetMs: i * 4000,
                  durationMs: 3000,
                  transcript: `utterance ${i}${i === 2 ? ' (interim)' : ''}`,
                },
              ],
            },
          ],
        }),
      ) as TranscriptionEvent,
  );
  // The final report of utterance 2 arrives in another event, later.
  events.push(
    parse(
      transcriptionEvent({
        eventTime: iso(T0 + 30_000),
        transcripts: [
          {
            utteranceId: 'u2',
            isFinal: true,
            channel: 'EXTERNAL',
            alternatives: [{ offsetMs: 8000, durationMs: 3000, transcript: 'utterance 2' }],
          },
        ],
      }),
    ) as TranscriptionEvent,
  );

  it('orders by start, keeps the final report of each utterance', () => {
    const transcript = projectTranscript(CONVERSATION_ID, events.flatMap(utterancesOf));
    expect(transcript.utterances.map((u) => u.transcript)).toEqual([
      'utterance 0',
      'utterance 1',
      'utterance 2',
      'utterance 3',
      'utterance 4',
    ]);
    expect(transcript.utterances[0]).toMatchObject({
      channel: 'EXTERNAL',
      confidence: 0.8,
      startMs: Date.parse('2026-01-01T12:00:00.000Z'),
    });
    fc.assert(
      fc.property(fc.nat(), (seed) => {
        expect(projectTranscript(CONVERSATION_ID, deliveries(events, seed).flatMap(utterancesOf))).toEqual(transcript);
      }),
      { numRuns: 50 },
    );
  });
});

const auditEvents = [
  auditEvent({ eventTime: iso(T0), action: 'Create' }, 'Queue', 'q1'),
  auditEvent({ eventTime: iso(T0 + 1000), action: 'Update' }, 'Queue', 'q1'),
  auditEvent({ eventTime: iso(T0 + 2000), userId: 'u-bob', action: 'Update' }, 'Queue', 'q2'),
  auditEvent({ eventTime: iso(T0 + 3000), userId: 'u-bob', action: 'Delete' }, 'WrapupCode', 'w1'),
].map((e) => parse(e) as AuditEvent);

const genericEvents = [
  genesysEvent('v2.operations.events.{id}', 'v2.operations.events.f1', { n: 1 }, { time: iso(T0) }),
  genesysEvent('v2.operations.events.{id}', 'v2.operations.events.f2', { n: 2 }, { time: iso(T0 + 1000) }),
  genesysEvent('v2.operations.events.{id}', 'v2.operations.events.f1', { n: 3 }, { time: iso(T0 + 2000) }),
  genesysEvent('v2.quality.evaluations', 'v2.quality.evaluations', { n: 4 }, { time: iso(T0 + 3000) }),
].map((e) => {
  delete (e.detail as Record<string, unknown>).timestamp;
  return parse(e);
});

interface StoreSet {
  agents: AgentStateStore;
  audits: AuditLogStore;
  transcripts: TranscriptStore;
  generic: GenericEventStore;
}

let dynalite: DynaliteServer;
const dir = tempDir('gep-family-');
let tables = 0;

beforeAll(async () => {
  dynalite = await startDynalite();
});

const storeSets: Array<[string, () => Promise<StoreSet>]> = [
  [
    'SQLite',
    async () => {
      const db = openSqliteDatabase(join(dir, `p-${tables++}.sqlite`));
      return {
        agents: new SqliteAgentStateStore(db),
        audits: new SqliteAuditLogStore(db),
        transcripts: new SqliteTranscriptStore(db),
        generic: new SqliteGenericEventStore(db),
      };
    },
  ],
  [
    'DynamoDB (dynalite)',
    async () => {
      const n = tables++;
      const specs = [
        PIPELINE_TABLES.agentStates(`agents-${n}`),
        PIPELINE_TABLES.audits(`audits-${n}`),
        PIPELINE_TABLES.transcripts(`transcripts-${n}`),
        PIPELINE_TABLES.genericEvents(`generic-${n}`),
      ];
      for (const spec of specs) await dynalite.createTable(spec);
      const client = dynalite.client;
      return {
        agents: new DynamoDbAgentStateStore({ tableName: specs[0]!.name, client }),
        audits: new DynamoDbAuditLogStore({ tableName: specs[1]!.name, client }),
        transcripts: new DynamoDbTranscriptStore({ tableName: specs[2]!.name, client }),
        generic: new DynamoDbGenericEventStore({ tableName: specs[3]!.name, client }),
      };
    },
  ],
];

describe.each(storeSets)('family projections in %s', (name, make) => {
  it('agent state: any order, re-deliveries: the fold of the distinct facts', async () => {
    const events = agentDay();
    const [a, b] = [await make(), await make()];
    const sinkA = new ProjectionSink({ agentStates: a.agents });
    const sinkB = new ProjectionSink({ agentStates: b.agents });
    for (const e of deliveries(events, 3)) await sinkA.handle(e);
    for (const e of deliveries(events, 8)) await sinkB.handle(e);
    for (const user of USERS) {
      const expected = projectAgent(
        user,
        events.flatMap(agentFactsOf).filter((f) => f.userId === user),
      );
      expect(await a.agents.get(user)).toEqual(expected);
      expect(await b.agents.get(user)).toEqual(expected);
    }
    expect(await a.agents.get('nobody')).toBeUndefined();
    if (a.agents instanceof SqliteAgentStateStore && b.agents instanceof SqliteAgentStateStore) {
      // The current-state rows (GET /api/agents, the dashboard) agree with the fold, whatever the order.
      const listed = a.agents.list();
      expect(listed).toEqual(b.agents.list());
      for (const state of listed) {
        const folded = (await a.agents.get(state.userId))!;
        expect(state).toEqual({
          userId: folded.userId,
          presence: folded.presence,
          routingStatus: folded.routingStatus,
        });
      }
      const counts = a.agents.statusCounts();
      expect(counts.total).toBe(2);
      expect(counts.offline + Object.values(counts.byRoutingStatus).reduce((x, y) => x + y, 0)).toBe(2);
    }
  });

  it('audit log: one entry per distinct event; by entity, user, entity type and time', async () => {
    const { audits } = await make();
    const sink = new ProjectionSink({ audits });
    for (const e of deliveries(auditEvents, 5)) await sink.handle(e);
    const entries = auditEvents.map(auditEntryOf);
    expect(await audits.query({ entityType: 'Queue', entityId: 'q1', limit: 10 })).toEqual([entries[1], entries[0]]);
    expect(await audits.query({ userId: 'u-bob', limit: 10 })).toEqual([entries[3], entries[2]]);
    expect(await audits.query({ entityType: 'Queue', limit: 10 })).toEqual([entries[2], entries[1], entries[0]]);
    expect(await audits.query({ entityType: 'Queue', from: T0 + 500, to: T0 + 2000, limit: 10 })).toEqual([entries[1]]);
    expect(await audits.query({ entityType: 'Queue', limit: 1 })).toEqual([entries[2]]);
    if (name === 'SQLite') expect(await audits.query({ limit: 10 })).toHaveLength(4);
  });

  it('transcripts: the final report of each utterance, in spoken order, whatever the order', async () => {
    const { transcripts } = await make();
    const sink = new ProjectionSink({ transcripts });
    const events = [1, 0, 2].map(
      (i) =>
        parse(
          transcriptionEvent({
            eventTime: iso(T0 + i * 1000),
            transcripts: [
              {
                utteranceId: `u${i}`,
                isFinal: true,
                channel: 'EXTERNAL',
                alternatives: [{ offsetMs: i * 1000, transcript: `t${i}` }],
              },
            ],
          }),
        ) as TranscriptionEvent,
    );
    const interim = parse(
      transcriptionEvent({
        eventTime: iso(T0 - 5000),
        transcripts: [
          { utteranceId: 'u1', isFinal: false, alternatives: [{ offsetMs: 1000, transcript: 't1 (interim)' }] },
        ],
      }),
    ) as TranscriptionEvent;
    for (const e of [...events, interim, events[0]!]) await sink.handle(e);
    const transcript = await transcripts.get(CONVERSATION_ID);
    expect(transcript?.utterances.map((u) => u.transcript)).toEqual(['t0', 't1', 't2']);
    expect(transcript).toEqual(projectTranscript(CONVERSATION_ID, [...events, interim].flatMap(utterancesOf)));
    expect(await transcripts.get('another')).toBeUndefined();
  });

  it('generic events: by topic, by topic and entity, by time', async () => {
    const { generic } = await make();
    const sink = new ProjectionSink({ genericEvents: generic });
    for (const e of deliveries(genericEvents, 2)) await sink.handle(e);
    const records = genericEvents.map((e) => (e.kind === 'generic' ? genericRecordOf(e) : undefined)!);
    expect(await generic.query({ topic: 'v2.operations.events.{id}', limit: 10 })).toEqual([
      records[2],
      records[1],
      records[0],
    ]);
    expect(await generic.query({ topic: 'v2.operations.events.{id}', entityId: 'f1', limit: 10 })).toEqual([
      records[2],
      records[0],
    ]);
    expect(await generic.query({ topic: 'v2.quality.evaluations', limit: 10 })).toEqual([records[3]]);
    expect(await generic.query({ topic: 'v2.operations.events.{id}', from: T0 + 1000, limit: 10 })).toEqual([
      records[2],
      records[1],
    ]);
  });
});

describe('ProjectionSink', () => {
  it('fails permanently (dead-letter, with what to configure) when a family has no projection', async () => {
    const sink = new ProjectionSink({});
    await expect(sink.handle(parse(presenceEvent()))).rejects.toThrow(PermanentProcessingError);
    await expect(sink.handle(parse(presenceEvent()))).rejects.toThrow(/agent-state projection.*user-presence.*topics/);
    await expect(sink.handle(parse(auditEvent()))).rejects.toThrow(/audit log/);
  });
});

describe('the projection schema in processing.sqlite', () => {
  it('migrates a database of the earlier version (conversations only) in place, and refuses a newer one', async () => {
    const path = join(dir, 'earlier.sqlite');
    const earlier = openSqliteDatabase(path);
    // What the earlier version left: the conversation tables and their schema row, nothing else.
    new SqliteConversationStore(earlier);
    expect(earlier.prepare("SELECT name FROM sqlite_master WHERE name = 'agents'").get()).toBeUndefined();
    earlier.close();

    const db = openSqliteDatabase(path);
    const agents = new SqliteAgentStateStore(db);
    await agents.applyFacts(agentFactsOf(parse(routingStatusEvent()) as AgentStateEvent));
    expect(agents.list()).toHaveLength(1);
    expect(db.prepare("SELECT version FROM processing_schema WHERE component = 'projections'").pluck().get()).toBe(
      PROJECTION_SCHEMA_VERSION,
    );
    db.prepare("UPDATE processing_schema SET version = ? WHERE component = 'projections'").run(
      PROJECTION_SCHEMA_VERSION + 1,
    );
    expect(() => new SqliteAuditLogStore(db)).toThrow(ProjectionSchemaError);
    db.close();
  });
});
