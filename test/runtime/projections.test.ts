/**
 * Every family end to end through the local runtime (in process, real HTTP, the real SDK's
 * PutEvents): simulated agents, audits and transcription with conversations — re-sent and late,
 * as Genesys delivers — and generic events of topics without a typed model, one with and one
 * without {id}. The HTTP API answers exactly the folds of the distinct events computed here.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGenesysEvent } from '../../src/events/index.js';
import type { GenesysEvent } from '../../src/events/index.js';
import { startRuntime } from '../../src/runtime/index.js';
import { generateEvents, SIMULATED_FAMILIES, simulationCatalogue } from '../../src/simulate/index.js';
import { genesysEvent, ORG_ID } from '../support/events.js';
import { tempDir } from '../support/tmp.js';
import { getJson, sendAll, waitForStats } from './support.js';
import { agentFactsOf, projectAgent } from '../../src/processing/agent-state.js';
import { auditEntryOf } from '../../src/processing/audit-log.js';
import { genericRecordOf } from '../../src/processing/generic-events.js';
import { projectTranscript, utterancesOf } from '../../src/processing/transcripts.js';

const dir = tempDir('gep-runtime-projections-');
const SIM_ORG = 'a3c1e4b2-6f0d-4e8a-9b7c-2d5f8e1a0c93';

/** Generic events of the simulator's org (the runtime's default org), with and without {id}. */
const GENERIC = [
  genesysEvent('v2.operations.events.{id}', 'v2.operations.events.flow-1', { n: 1 }, { time: '2026-01-01T12:00:01Z' }),
  genesysEvent('v2.operations.events.{id}', 'v2.operations.events.flow-2', { n: 2 }, { time: '2026-01-01T12:00:02Z' }),
  genesysEvent('v2.quality.evaluations', 'v2.quality.evaluations', { n: 3 }, { time: '2026-01-01T12:00:03Z' }),
].map((e) => JSON.stringify(e).replaceAll(ORG_ID, SIM_ORG).replace('/test-suffix', '/genesys-event-pipeline'));

describe('the local runtime: every family through PutEvents to its projection and the API', () => {
  it('serves agent states, audits, transcripts and generic events equal to the folds of the distinct events', async () => {
    const runtime = await startRuntime({
      dataDir: join(dir, 'data'),
      port: 0,
      topics: [
        'conversation',
        'user-presence',
        'user-routing-status',
        'user-activity',
        'audit',
        'transcription',
        'v2.operations.events.{id}',
        'v2.quality.evaluations',
      ],
      batchWindowMs: 20,
    });
    try {
      const simulated = [
        ...generateEvents({
          conversations: 60,
          seed: 21,
          families: [...SIMULATED_FAMILIES],
          duplicates: 0.05,
          outOfOrder: 0.1,
        }),
      ];
      const lines = [...simulated, ...GENERIC, GENERIC[0]!];
      const sent = await sendAll(lines, () => runtime.url);
      expect(sent.rejected).toEqual([]);
      const events = new Map<string, GenesysEvent>();
      for (const line of lines) {
        const parsed = parseGenesysEvent(line);
        if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
        events.set(parsed.event.key, parsed.event);
      }
      const distinct = [...events.values()];
      await waitForStats<{ processed: number; duplicates: number }>(
        runtime.url,
        (s) => s.processed === distinct.length && s.processed + s.duplicates === lines.length,
        60_000,
      );

      // Agents: the current state of every agent, and each one's history.
      const agents = await getJson<{ agents: { userId: string }[]; count: number; statusCounts: { total: number } }>(
        `${runtime.url}/api/agents`,
      );
      expect(agents.status).toBe(200);
      const catalogue = simulationCatalogue();
      expect(agents.body.count).toBe(catalogue.agents.length);
      const facts = distinct.flatMap((e) =>
        e.kind === 'user-presence' || e.kind === 'user-routing-status' || e.kind === 'user-activity'
          ? agentFactsOf(e)
          : [],
      );
      for (const agent of agents.body.agents) {
        const expected = projectAgent(
          agent.userId,
          facts.filter((f) => f.userId === agent.userId),
        );
        expect(agent).toEqual({
          userId: expected.userId,
          presence: expected.presence,
          routingStatus: expected.routingStatus,
        });
      }
      const ann = catalogue.agents[0]!.id;
      const one = await getJson<Record<string, unknown>>(`${runtime.url}/api/agents/${ann}?from=2026-01-01T00:00:00Z`);
      expect(one.status).toBe(200);
      const expected = projectAgent(
        ann,
        facts.filter((f) => f.userId === ann),
      );
      expect(one.body).toMatchObject({ userId: ann, history: expected.history, presence: expected.presence });
      expect(one.body.timeInStates).toMatchObject({ from: Date.parse('2026-01-01T00:00:00Z') });
      // Everyone logged off at the end of the simulation.
      expect(agents.body.statusCounts).toMatchObject({
        total: catalogue.agents.length,
        offline: catalogue.agents.length,
      });

      // Audits: by entity, newest first.
      const audits = distinct
        .filter((e) => e.kind === 'audit')
        .map((e) => (e.kind === 'audit' ? auditEntryOf(e) : undefined)!);
      const ofAnn = audits
        .filter((a) => a.entityType === 'UserPresence' && a.entityId === ann)
        .sort((a, b) => b.time - a.time || (a.key < b.key ? 1 : -1));
      expect(ofAnn.length).toBeGreaterThan(2);
      const byEntity = await getJson<{ audits: unknown[]; count: number }>(
        `${runtime.url}/api/audits?entityType=UserPresence&entityId=${ann}`,
      );
      expect(byEntity.body.audits).toEqual(ofAnn);
      const admin = catalogue.admins[0]!.id;
      const byAdmin = await getJson<{ count: number }>(`${runtime.url}/api/audits?userId=${admin}&limit=1000`);
      expect(byAdmin.body.count).toBe(audits.filter((a) => a.userId === admin).length);

      // Transcripts: utterances in spoken order, whatever order the events came in.
      const transcribed = distinct.filter((e) => e.kind === 'transcription');
      expect(transcribed.length).toBeGreaterThan(0);
      const conversationId = transcribed[0]!.kind === 'transcription' ? transcribed[0]!.conversationId : '';
      const transcript = await getJson<unknown>(`${runtime.url}/api/conversations/${conversationId}/transcript`);
      expect(transcript.body).toEqual(
        projectTranscript(
          conversationId,
          transcribed.flatMap((e) =>
            e.kind === 'transcription' && e.conversationId === conversationId ? utterancesOf(e) : [],
          ),
        ),
      );

      // Generic events: by topic and entity id; a topic without {id} flows too.
      const operations = await getJson<{ events: unknown[] }>(
        `${runtime.url}/api/events?topic=${encodeURIComponent('v2.operations.events.{id}')}&entityId=flow-1`,
      );
      const generic = distinct
        .filter((e) => e.kind === 'generic')
        .map((e) => (e.kind === 'generic' ? genericRecordOf(e) : undefined)!);
      expect(operations.body.events).toEqual(generic.filter((g) => g.entityId === 'flow-1'));
      const evaluations = await getJson<{ count: number }>(`${runtime.url}/api/events?topic=v2.quality.evaluations`);
      expect(evaluations.body.count).toBe(1);

      // The dashboard's figures and the metrics.
      const stats = await getJson<{ contactCentre: { agents: { offline: number } } }>(`${runtime.url}/api/stats`);
      expect(stats.body.contactCentre.agents.offline).toBe(catalogue.agents.length);
      const metrics = await (await fetch(`${runtime.url}/metrics`)).text();
      expect(metrics).toContain(`genesys_pipeline_agents{routing_status="OFFLINE"} ${catalogue.agents.length}`);

      // Bad requests say what is wrong.
      const bad = await Promise.all([
        getJson<{ message: string }>(`${runtime.url}/api/audits?entityId=x`),
        getJson<{ message: string }>(`${runtime.url}/api/audits?limit=0`),
        getJson<{ message: string }>(`${runtime.url}/api/agents/${ann}?from=yesterday`),
        getJson<{ message: string }>(`${runtime.url}/api/events?topic=nope`),
        getJson<{ message: string }>(`${runtime.url}/api/agents?x=1`),
      ]);
      expect(bad.map((b) => b.status)).toEqual([400, 400, 400, 400, 400]);
      expect(bad[0]!.body.message).toMatch(/entityId needs entityType/);
      expect((await getJson(`${runtime.url}/api/agents/nobody`)).status).toBe(404);
      expect((await getJson(`${runtime.url}/api/conversations/unknown-conversation/transcript`)).status).toBe(404);
    } finally {
      await runtime.stop();
    }
  }, 120_000);
});
