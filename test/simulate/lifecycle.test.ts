/**
 * Lifecycle invariants of simulated conversations, checked on thousands of conversations through
 * the real validator: what a consumer of real Genesys events may rely on must hold here too.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseGenesysEvent } from '../../src/events/index.js';
import type { ConversationEvent } from '../../src/events/index.js';
import { SIMULATION_DEFAULTS, generateEvents, simulationCatalogue } from '../../src/simulate/index.js';
import { WRAPUP_TIMEOUT_CODE } from '../../src/simulate/catalogue.js';

type Body = Record<string, unknown>;
interface Delivered {
  index: number;
  event: ConversationEvent;
  body: Body;
}

const catalogue = simulationCatalogue();
const queueIds = new Set(catalogue.queues.map((q) => q.id));
const agentIds = new Set(catalogue.agents.map((a) => a.id));
const divisionIds = new Set(catalogue.divisions.map((d) => d.id));
const flowIds = new Set(catalogue.flows.map((f) => f.id));
const wrapupCodes = new Set([...catalogue.wrapupCodes.map((c) => c.id), WRAPUP_TIMEOUT_CODE]);
const campaignIds = new Set(catalogue.campaigns.map((c) => c.id));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const CONVERSATIONS = 3000;
let lines: string[] = [];
const delivered: ConversationEvent[] = [];
const byConversation = new Map<string, Delivered[]>();

beforeAll(() => {
  lines = [...generateEvents({ conversations: CONVERSATIONS, seed: 11 })];
  lines.forEach((line, index) => {
    const result = parseGenesysEvent(line);
    if (!result.ok || result.event.kind !== 'conversation')
      throw new Error(`line ${index + 1} is not a valid conversation event: ${JSON.stringify(result)}`);
    delivered.push(result.event);
    const list = byConversation.get(result.event.conversationId) ?? [];
    list.push({ index, event: result.event, body: result.event.body as Body });
    byConversation.set(result.event.conversationId, list);
  });
});

/** The events of a conversation by eventTime (delivery order among equal times). */
function timeline(events: Delivered[]): Delivered[] {
  return [...events].sort((a, b) => a.event.eventTime - b.event.eventTime || a.index - b.index);
}

function ofTopic(events: Delivered[], topic: string): Delivered[] {
  return timeline(events).filter((e) => e.event.topic === topic);
}

describe('simulated conversations', () => {
  it('produce the requested number of conversations, every line a valid conversation event', () => {
    expect(byConversation.size).toBe(CONVERSATIONS);
    expect(lines.length).toBeGreaterThan(CONVERSATIONS * 5);
  });

  it('are wrapped exactly as EventBridge delivers Genesys events', () => {
    const source = `aws.partner/genesys.com/cloud/${SIMULATION_DEFAULTS.orgId}/${SIMULATION_DEFAULTS.suffix}`;
    const envelopeIds = new Set<string>();
    let withoutTimestamp = 0;
    for (const line of lines.slice(0, 5000)) {
      const raw = JSON.parse(line) as Record<string, unknown> & {
        detail: Record<string, unknown> & { metadata: { CorrelationId: string } };
      };
      expect(Object.keys(raw)).toEqual([
        'version',
        'id',
        'detail-type',
        'source',
        'account',
        'time',
        'region',
        'resources',
        'detail',
      ]);
      expect(raw.version).toBe('0');
      expect(raw.id).toMatch(UUID);
      envelopeIds.add(raw.id as string);
      expect(raw.source).toBe(source);
      expect(raw.account).toBe(SIMULATION_DEFAULTS.account);
      expect(raw.region).toBe(SIMULATION_DEFAULTS.region);
      expect(raw.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(raw.resources).toEqual([]);
      expect(raw['detail-type']).toMatch(/^v2\.detail\.events\.conversation\.\{id\}\./);
      expect(raw.detail.version).toBe('2');
      expect(raw.detail.metadata.CorrelationId).toMatch(UUID);
      if (raw.detail.timestamp === undefined) withoutTimestamp += 1;
      else {
        expect(raw.detail.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        // Genesys publishes after the event happened; EventBridge receives after Genesys published.
        const timestamp = Date.parse(raw.detail.timestamp as string);
        expect(timestamp).toBeGreaterThanOrEqual((raw.detail.eventBody as Body).eventTime as number);
        expect(Math.floor(timestamp / 1000) * 1000).toBeLessThanOrEqual(Date.parse(raw.time as string));
      }
    }
    expect(envelopeIds.size).toBe(5000);
    // "timestamp is not always present": about 10 % of events go without it.
    expect(withoutTimestamp / 5000).toBeGreaterThan(0.05);
    expect(withoutTimestamp / 5000).toBeLessThan(0.15);
  });

  it('start with customer.start and end with customer.end, by eventTime', () => {
    for (const events of byConversation.values()) {
      const ordered = timeline(events);
      expect(ofTopic(events, 'customer.start')).toHaveLength(1);
      expect(ofTopic(events, 'customer.end')).toHaveLength(1);
      expect(ordered[0]!.event.topic).toBe('customer.start');
      expect(ordered.at(-1)!.event.topic).toBe('customer.end');
      // Strictly: nothing shares the first or last instant.
      expect(ordered[1]!.event.eventTime).toBeGreaterThan(ordered[0]!.event.eventTime);
      expect(ordered.at(-1)!.event.eventTime).toBeGreaterThan(ordered.at(-2)!.event.eventTime);
    }
  });

  it('are delivered in eventTime order within a conversation when no fault is injected, interleaved with other conversations', () => {
    let maxInFlight = 0;
    const open = new Set<string>();
    for (const [id, events] of byConversation) {
      const delivered = [...events].sort((a, b) => a.index - b.index).map((e) => e.event.eventTime);
      expect(delivered).toEqual([...delivered].sort((a, b) => a - b));
      expect(id).toMatch(UUID);
    }
    for (const event of delivered) {
      if (event.topic === 'customer.start') open.add(event.conversationId);
      if (event.topic === 'customer.end') open.delete(event.conversationId);
      maxInFlight = Math.max(maxInFlight, open.size);
    }
    expect(maxInFlight).toBeGreaterThan(100);
  });

  it('carry the conversation id of the topic name in every body, and ids from the catalogue', () => {
    for (const [conversationId, events] of byConversation) {
      for (const { event, body } of events) {
        expect(event.topicName).toBe(`v2.detail.events.conversation.${conversationId}.${event.topic}`);
        expect(body.conversationId).toBe(conversationId);
        expect(body.participantId).toMatch(UUID);
        if (body.queueId !== undefined) expect(queueIds.has(body.queueId as string)).toBe(true);
        if (body.userId !== undefined) expect(agentIds.has(body.userId as string)).toBe(true);
        if (body.answeredUserId !== undefined)
          expect(catalogue.queueById.get(body.queueId as string)!.agentIds).toContain(body.answeredUserId);
        if (body.divisionId !== undefined) expect(divisionIds.has(body.divisionId as string)).toBe(true);
        if (body.flowId !== undefined) expect(flowIds.has(body.flowId as string)).toBe(true);
        if (body.wrapupCode !== undefined) expect(wrapupCodes.has(body.wrapupCode as string)).toBe(true);
        if (body.outboundCampaignId !== undefined)
          expect(campaignIds.has(body.outboundCampaignId as string)).toBe(true);
        if (event.topic === 'user.start' || event.topic === 'user.end') {
          const queue = catalogue.queueById.get(body.queueId as string)!;
          expect(queue.agentIds).toContain(body.userId);
        }
      }
    }
  });

  it('give the customer, the IVR, each queue cycle and each agent their own participant', () => {
    for (const events of byConversation.values()) {
      const customer = ofTopic(events, 'customer.start')[0]!.body.participantId;
      expect(ofTopic(events, 'customer.end')[0]!.body.participantId).toBe(customer);
      for (const topic of ['attributes', 'contact', 'outbound'])
        for (const e of ofTopic(events, topic)) expect(e.body.participantId).toBe(customer);
      const agents = ofTopic(events, 'user.start').map((e) => e.body.participantId);
      const queues = ofTopic(events, 'acd.start').map((e) => e.body.participantId);
      const flows = ofTopic(events, 'flow.start').map((e) => e.body.participantId);
      const all = [customer, ...agents, ...queues, ...flows];
      expect(new Set(all).size).toBe(all.length);
      // Each agent participant: user.start, user.end, acw and wrapup share it (and its session).
      for (const start of ofTopic(events, 'user.start')) {
        const same = events
          .filter((e) => e.body.participantId === start.body.participantId)
          .map((e) => e.event.topic)
          .sort();
        expect(same).toEqual(['acw', 'user.end', 'user.start', 'wrapup']);
        expect(
          new Set(events.filter((e) => e.body.participantId === start.body.participantId).map((e) => e.body.sessionId))
            .size,
        ).toBe(1);
      }
    }
  });

  it('end each queue cycle after it starts; ABANDON and FLOW_OUT cycles have no agent, ANSWERED ones exactly the answering agent', () => {
    const outcomes: Record<string, number> = {};
    for (const events of byConversation.values()) {
      const starts = ofTopic(events, 'acd.start');
      const ends = ofTopic(events, 'acd.end');
      expect(ends).toHaveLength(starts.length);
      const customerEnd = ofTopic(events, 'customer.end')[0]!.event.eventTime;
      starts.forEach((start, i) => {
        const end = ends.find((e) => e.body.participantId === start.body.participantId)!;
        expect(end).toBeDefined();
        expect(end.body.queueId).toBe(start.body.queueId);
        expect(end.event.eventTime).toBeGreaterThan(start.event.eventTime);
        expect(end.body.connectedDurationMs).toBe(end.event.eventTime - start.event.eventTime);
        const outcome = end.body.acdOutcome as string;
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        const cycleEnd = starts[i + 1]?.event.eventTime ?? customerEnd;
        const agentsInCycle = ofTopic(events, 'user.start').filter(
          (u) => u.event.eventTime >= start.event.eventTime && u.event.eventTime < cycleEnd,
        );
        if (outcome === 'ANSWERED') {
          expect(agentsInCycle).toHaveLength(1);
          expect(agentsInCycle[0]!.body.userId).toBe(end.body.answeredUserId);
          expect(agentsInCycle[0]!.body.queueId).toBe(end.body.queueId);
          expect(agentsInCycle[0]!.event.eventTime).toBeGreaterThanOrEqual(end.event.eventTime);
          expect(end.body.usedRouting).toBeDefined();
        } else {
          expect(['ABANDON', 'FLOW_OUT']).toContain(outcome);
          expect(agentsInCycle).toHaveLength(0);
          expect(end.body.answeredUserId).toBeUndefined();
          // An abandoned cycle is the conversation's last.
          expect(i).toBe(starts.length - 1);
        }
        if (outcome === 'FLOW_OUT') {
          const voicemail = ofTopic(events, 'voicemail.start');
          expect(voicemail).toHaveLength(1);
          expect(voicemail[0]!.body.queueId).toBe(end.body.queueId);
        }
      });
    }
    expect(outcomes.ANSWERED).toBeGreaterThan(0);
    expect(outcomes.ABANDON).toBeGreaterThan(0);
    expect(outcomes.FLOW_OUT).toBeGreaterThan(0);
    const abandonRate =
      (outcomes.ABANDON! + outcomes.FLOW_OUT!) / (outcomes.ANSWERED! + outcomes.ABANDON! + outcomes.FLOW_OUT!);
    expect(abandonRate).toBeGreaterThan(0.02);
    expect(abandonRate).toBeLessThan(0.3);
  });

  it('report durations that agree with the event times they span', () => {
    for (const events of byConversation.values()) {
      const byParticipant = (topic: string, participantId: unknown) =>
        events.find((e) => e.event.topic === topic && e.body.participantId === participantId);
      for (const end of ofTopic(events, 'flow.end')) {
        const start = byParticipant('flow.start', end.body.participantId)!;
        expect(end.body.connectedDurationMs).toBe(end.event.eventTime - start.event.eventTime);
        expect(end.body.flowId).toBe(start.body.flowId);
      }
      for (const outcome of ofTopic(events, 'flow.outcome')) {
        expect(outcome.body.flowOutcomeEndTime).toBe(outcome.event.eventTime);
        expect(outcome.body.flowOutcomeStartTime as number).toBeLessThan(outcome.event.eventTime);
      }
      let interacting = 0;
      for (const end of ofTopic(events, 'user.end')) {
        const start = byParticipant('user.start', end.body.participantId)!;
        expect(end.body.interactingDurationMs).toBe(end.event.eventTime - start.event.eventTime);
        expect((end.body.heldDurationMs as number | undefined) ?? 0).toBeLessThanOrEqual(
          end.body.interactingDurationMs as number,
        );
        interacting += end.body.interactingDurationMs as number;
        const acw = byParticipant('acw', end.body.participantId)!;
        const wrapup = byParticipant('wrapup', end.body.participantId)!;
        expect(acw.body.wrapupDurationMs).toBe(acw.event.eventTime - end.event.eventTime);
        expect(wrapup.event.eventTime).toBeGreaterThan(acw.event.eventTime);
        expect(wrapup.body.wrapupCode).toBe(acw.body.wrapupCode);
        expect(acw.body.userId).toBe(end.body.userId);
      }
      for (const end of ofTopic(events, 'voicemail.end')) {
        const start = byParticipant('voicemail.start', end.body.participantId)!;
        expect(end.body.voicemailDurationMs).toBe(end.event.eventTime - start.event.eventTime);
      }
      const customerEnd = ofTopic(events, 'customer.end')[0]!.body;
      const mediaType = ofTopic(events, 'customer.start')[0]!.body.mediaType;
      // The customer interacts while connected to agents (a callback's dialing and ringing excluded).
      if (mediaType === 'CALLBACK')
        expect(customerEnd.interactingDurationMs as number).toBeLessThanOrEqual(interacting);
      else expect(customerEnd.interactingDurationMs).toBe(interacting);
    }
  });

  it('fill the addressing fields as Genesys does for each media type', () => {
    const media: Record<string, number> = {};
    let outbound = 0;
    for (const events of byConversation.values()) {
      const start = ofTopic(events, 'customer.start')[0]!.body;
      const mediaType = start.mediaType as string;
      media[mediaType] = (media[mediaType] ?? 0) + 1;
      for (const { body, event } of events) {
        if (event.topic === 'attributes') continue;
        expect(body.mediaType).toBe(mediaType);
        expect(body.provider).toBe(start.provider);
        expect(body.direction).toBe(start.direction);
      }
      switch (mediaType) {
        case 'VOICE':
          expect(start.provider).toBe('Edge');
          expect(start.ani).toMatch(/^tel:\+\d{11}$/);
          expect(start.dnis).toMatch(/^tel:\+\d{11}$/);
          if (start.direction === 'OUTBOUND') {
            outbound += 1;
            expect(ofTopic(events, 'outbound')).toHaveLength(1);
            expect(catalogue.campaigns.map((c) => c.callerId)).toContain(start.ani);
          } else {
            expect(start.direction).toBe('INBOUND');
            expect(ofTopic(events, 'outbound')).toHaveLength(0);
          }
          break;
        case 'EMAIL':
          expect(start.provider).toBe('PureCloud Email');
          expect(start.addressFrom).toMatch(/@example\.(com|net|org)$/);
          expect(start.addressTo).toMatch(/@support\.example\.com$/);
          expect(typeof start.subject).toBe('string');
          break;
        case 'MESSAGE':
          expect(start.provider).toBe('PureCloud Messaging');
          expect(['WEBMESSAGING', 'SMS', 'WHATSAPP', 'FACEBOOK']).toContain(start.messageType);
          expect(typeof start.addressFrom).toBe('string');
          expect(typeof start.addressTo).toBe('string');
          break;
        case 'CALLBACK':
          expect(start.provider).toBe('PureCloud Callback');
          expect((start.callbackNumbers as string[])[0]).toMatch(/^tel:\+\d{11}$/);
          expect(typeof start.callbackUserName).toBe('string');
          break;
        case 'CHAT':
          expect(start.provider).toBe('PureCloud Webchat v2');
          break;
        default:
          throw new Error(`unexpected media type ${mediaType}`);
      }
    }
    // The default mix: voice 55 %, callback 5 %, chat 12 %, message 18 %, email 10 %.
    const share = (m: string) => (media[m] ?? 0) / CONVERSATIONS;
    expect(share('VOICE')).toBeCloseTo(0.55, 1);
    expect(share('MESSAGE')).toBeCloseTo(0.18, 1);
    expect(share('CHAT')).toBeCloseTo(0.12, 1);
    expect(share('EMAIL')).toBeCloseTo(0.1, 1);
    expect(share('CALLBACK')).toBeCloseTo(0.05, 1);
    expect(outbound).toBeGreaterThan(0);
  });

  it('arrive as a Poisson process at the configured rate from the start time', () => {
    const arrivals = [...byConversation.values()]
      .map((events) => ofTopic(events, 'customer.start')[0]!.event.eventTime)
      .sort((a, b) => a - b);
    expect(arrivals[0]).toBe(SIMULATION_DEFAULTS.startTime);
    const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]!);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    expect(mean).toBeGreaterThan(450); // 2 arrivals/s → 500 ms mean gap
    expect(mean).toBeLessThan(550);
    // Exponential gaps: the standard deviation is close to the mean (a fixed interval would give 0).
    const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
    expect(sd / mean).toBeGreaterThan(0.85);
    expect(sd / mean).toBeLessThan(1.15);
  });

  it('honour a media mix, a start time and an arrival rate', () => {
    const startTime = Date.UTC(2027, 5, 1, 8);
    const events = [
      ...generateEvents({ conversations: 200, seed: 5, startTime, arrivalRatePerSecond: 10, mediaMix: { email: 1 } }),
    ].map((line) => {
      const result = parseGenesysEvent(line);
      if (!result.ok || result.event.kind !== 'conversation') throw new Error('invalid line');
      return result.event;
    });
    expect(new Set(events.map((e) => (e.body as Body).mediaType).filter(Boolean))).toEqual(new Set(['EMAIL']));
    const starts = events.filter((e) => e.topic === 'customer.start').map((e) => e.eventTime);
    expect(Math.min(...starts)).toBe(startTime);
    expect(Math.max(...starts) - startTime).toBeLessThan(200 * 100 * 2); // about 20 s of arrivals at 10/s
  });
});
