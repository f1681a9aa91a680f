/**
 * The simulator's other families agree with the conversations it simulates: agents log in, go on
 * queue, are INTERACTING from user.start to acw of every interaction they handle and never start
 * one on a break, take breaks, log off; voice calls on transcribed queues get their utterances
 * while the agent is connected; presence changes and configuration changes are audited.
 */
import { describe, expect, it } from 'vitest';
import { parseGenesysEvent } from '../../src/events/index.js';
import type { GenesysEvent } from '../../src/events/index.js';
import {
  generateAnnotatedEvents,
  generateEvents,
  SIMULATED_FAMILIES,
  simulationCatalogue,
} from '../../src/simulate/index.js';

const ALL = [...SIMULATED_FAMILIES];

function events(options: Parameters<typeof generateEvents>[0]): GenesysEvent[] {
  return [...generateEvents(options)].map((line) => {
    const parsed = parseGenesysEvent(line);
    if (!parsed.ok) throw new Error(`${JSON.stringify(parsed.problems)}\n${line.slice(0, 300)}`);
    return parsed.event;
  });
}

const all = events({ conversations: 400, seed: 5, families: ALL, arrivalRatePerSecond: 0.5 });
const byKind = (kind: GenesysEvent['kind']) => all.filter((e) => e.kind === kind);

/** The agent's routing status at `t` by the routing status events (latest startTime ≤ t). */
function routingAt(userId: string, t: number): string | undefined {
  let best: { since: number; status: string } | undefined;
  for (const e of byKind('user-routing-status')) {
    if (e.kind !== 'user-routing-status' || e.userId !== userId) continue;
    const since = Date.parse(e.body.routingStatus.startTime!);
    if (since <= t && (!best || since >= best.since)) best = { since, status: e.body.routingStatus.status };
  }
  return best?.status;
}

function presenceAt(userId: string, t: number): string | undefined {
  let best: { since: number; status: string } | undefined;
  for (const e of byKind('user-presence')) {
    if (e.kind !== 'user-presence' || e.userId !== userId) continue;
    const since = Date.parse(e.body.modifiedDate!);
    if (since <= t && (!best || since >= best.since))
      best = { since, status: e.body.presenceDefinition.systemPresence };
  }
  return best?.status;
}

/** Every agent interaction of the conversations: user.start → acw of one participant. */
function interactions(): { userId: string; start: number; end: number }[] {
  const starts = new Map<string, { userId: string; start: number }>();
  const found: { userId: string; start: number; end: number }[] = [];
  for (const e of byKind('conversation')) {
    if (e.kind !== 'conversation') continue;
    const body = e.body as { participantId?: string; userId?: string };
    if (e.topic === 'user.start') starts.set(body.participantId!, { userId: body.userId!, start: e.eventTime });
    if (e.topic === 'acw') {
      const start = starts.get(body.participantId!);
      if (start) found.push({ ...start, end: e.eventTime });
    }
  }
  return found;
}

describe('simulated families', () => {
  it('produces every family, each event valid and typed', () => {
    for (const kind of ALL) expect(byKind(kind).length, kind).toBeGreaterThan(0);
    expect(byKind('generic')).toEqual([]);
  });

  it('keeps conversation events alone byte for byte as before when only they are asked for (the default)', () => {
    const only = [...generateEvents({ conversations: 50, seed: 9 })];
    expect([...generateEvents({ conversations: 50, seed: 9, families: ['conversation'] })]).toEqual(only);
    // And the same seed gives the same stream with every family.
    expect([...generateEvents({ conversations: 50, seed: 9, families: ALL })]).toEqual([
      ...generateEvents({ conversations: 50, seed: 9, families: ALL }),
    ]);
  });

  it('agents are INTERACTING from user.start to acw of every interaction, and never start one on a break', () => {
    const handled = interactions();
    expect(handled.length).toBeGreaterThan(100);
    for (const i of handled) {
      expect(routingAt(i.userId, i.start), `agent ${i.userId} at user.start ${i.start}`).toBe('INTERACTING');
      expect(routingAt(i.userId, i.end - 1), `agent ${i.userId} before acw ${i.end}`).toBe('INTERACTING');
      expect(presenceAt(i.userId, i.start)).toBe('ON_QUEUE');
    }
    // Routing status IDLE only when no interaction of the agent covers the time.
    for (const e of byKind('user-routing-status')) {
      if (e.kind !== 'user-routing-status' || e.body.routingStatus.status !== 'IDLE') continue;
      const t = Date.parse(e.body.routingStatus.startTime!);
      expect(handled.some((i) => i.userId === e.userId && i.start <= t && t < i.end)).toBe(false);
    }
  });

  it('agents log in, go on queue, take breaks and log off', () => {
    const catalogue = simulationCatalogue();
    const presences = new Map<string, string[]>();
    for (const e of byKind('user-presence')) {
      if (e.kind !== 'user-presence') continue;
      presences.set(e.userId, [...(presences.get(e.userId) ?? []), e.body.presenceDefinition.systemPresence]);
    }
    expect(presences.size).toBe(catalogue.agents.length);
    for (const sequence of presences.values()) {
      expect(sequence.slice(0, 2)).toEqual(['AVAILABLE', 'ON_QUEUE']);
      expect(sequence[sequence.length - 1]).toBe('OFFLINE');
    }
    const breaks = [...presences.values()].flat().filter((p) => p === 'BREAK').length;
    expect(breaks).toBeGreaterThan(0);
  });

  it('transcribes voice calls on transcribed queues while the agent is connected', () => {
    const catalogue = simulationCatalogue();
    const transcribed = new Set(catalogue.queues.filter((q) => q.transcription).map((q) => q.id));
    const windows = new Map<string, { start: number; end: number; queueId?: string; mediaType?: string }[]>();
    const open = new Map<string, { start: number; queueId?: string; mediaType?: string }>();
    for (const e of byKind('conversation')) {
      if (e.kind !== 'conversation') continue;
      const body = e.body as { participantId?: string; queueId?: string; mediaType?: string };
      if (e.topic === 'user.start')
        open.set(body.participantId!, { start: e.eventTime, queueId: body.queueId, mediaType: body.mediaType });
      if (e.topic === 'user.end') {
        const start = open.get(body.participantId!)!;
        windows.set(e.conversationId, [...(windows.get(e.conversationId) ?? []), { ...start, end: e.eventTime }]);
      }
    }
    const transcriptions = byKind('transcription');
    expect(transcriptions.length).toBeGreaterThan(0);
    for (const e of transcriptions) {
      if (e.kind !== 'transcription') continue;
      const session = e.body.sessionStartTimeMs!;
      const window = windows.get(e.conversationId)?.find((w) => w.start === session);
      expect(window, 'a connected agent').toBeDefined();
      expect(window!.mediaType).toBe('VOICE');
      expect(transcribed.has(window!.queueId!)).toBe(true);
      for (const t of e.body.transcripts!) {
        const a = t.alternatives![0]!;
        expect(session + a.offsetMs! + a.durationMs!).toBeLessThanOrEqual(window!.end);
        expect(['EXTERNAL', 'INTERNAL']).toContain(t.channel);
      }
    }
  });

  it('audits every presence change, and configuration changes of catalogue entities', () => {
    const catalogue = simulationCatalogue();
    const ids = new Set([
      ...catalogue.queues.map((q) => q.id),
      ...catalogue.wrapupCodes.map((c) => c.id),
      ...catalogue.agents.map((a) => a.id),
      ...catalogue.flows.map((f) => f.id),
    ]);
    const audits = byKind('audit');
    const presenceAudits = audits.filter((e) => e.kind === 'audit' && e.entityType === 'UserPresence');
    expect(presenceAudits).toHaveLength(byKind('user-presence').length);
    const config = audits.filter((e) => e.kind === 'audit' && e.entityType !== 'UserPresence');
    expect(config.length).toBeGreaterThan(3);
    for (const e of config) if (e.kind === 'audit') expect(ids.has(e.entityId)).toBe(true);
    expect(new Set(config.map((e) => (e.kind === 'audit' ? e.entityType : '')))).toEqual(
      new Set(['Queue', 'WrapupCode', 'User', 'Flow']),
    );
  });

  it('writes only the families asked for (conversations are still simulated underneath)', () => {
    const agentsOnly = events({ conversations: 60, seed: 2, families: ['user-routing-status'] });
    expect(new Set(agentsOnly.map((e) => e.kind))).toEqual(new Set(['user-routing-status']));
    expect(
      agentsOnly.some((e) => e.kind === 'user-routing-status' && e.body.routingStatus.status === 'INTERACTING'),
    ).toBe(true);
  });

  it('re-sends family events as Genesys does: same key, new envelope', () => {
    const lines = [...generateAnnotatedEvents({ conversations: 40, seed: 4, families: ALL, duplicates: 0.2 })];
    const keys = new Map<string, number>();
    for (const { line, fault } of lines) {
      const parsed = parseGenesysEvent(line);
      if (!parsed.ok || parsed.event.kind === 'conversation') continue;
      if (fault !== 'duplicate') keys.set(parsed.event.key, 1);
      else expect(keys.has(parsed.event.key)).toBe(true);
    }
    expect(lines.filter((l) => l.fault === 'duplicate').length).toBeGreaterThan(10);
  });
});
