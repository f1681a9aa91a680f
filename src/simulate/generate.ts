/**
 * The simulator's main loop: conversations arrive as a Poisson process, each is planned in full
 * (`scenarios.ts`), its events are scheduled for delivery, and a delivery queue interleaves the
 * events of all conversations in flight into one stream of EventBridge envelope lines, in
 * delivery order. Faults are injected on the way (see docs/simulator.md, "Faults").
 *
 * Memory stays constant in the number of conversations: only the conversations in flight (about
 * arrival rate × conversation length) are held, never the whole output.
 *
 * Randomness comes from independent seeded streams (conversations, arrivals, delivery, fault
 * decisions, fault details), so that faults never change the clean events: with any fault
 * fractions, the clean lines are the same events (same envelope ids, same `detail`) as without
 * faults; only out-of-order lines move (and their envelope `time`).
 */
import { CONVERSATION_TOPICS, genericConversationTopic } from '../events/index.js';
import type { ConversationTopic } from '../events/index.js';
import type { Boundary } from './agent-floor.js';
import { simulationCatalogue } from './catalogue.js';
import { EnvelopeBuilder } from './envelope.js';
import { FamilyEvents } from './families.js';
import type { FamilyEvent } from './families.js';
import { MALFORMED_KINDS, malformedVariant, oversizedVariant } from './faults.js';
import type { MalformedKind } from './faults.js';
import { MinHeap } from './heap.js';
import { resolveSimulationOptions } from './options.js';
import type { SimulationOptions } from './options.js';
import { Prng, deriveSeed, uuidFromKey } from './prng.js';
import { SIMULATED_MEDIA } from './profiles.js';
import { planConversation } from './scenarios.js';

/** The fault a simulated line carries. */
export type SimulatedFault = 'duplicate' | 'out-of-order' | 'malformed' | 'oversized';

/** One delivered line and, when it is not a clean first delivery in order, its fault. */
export interface SimulatedLine {
  /** One EventBridge event as JSON text (no trailing newline). */
  line: string;
  /**
   * - `duplicate`: a re-delivery of an earlier line (same `detail`, new envelope `id` and `time`)
   * - `out-of-order`: a clean event delivered late
   * - `malformed`: a broken line (see `malformation`) — `parseGenesysEvent` rejects it
   * - `oversized`: an event over 256 KiB — `parseGenesysEvent` rejects it
   */
  fault?: SimulatedFault;
  /** For `malformed` lines: how the line is broken. */
  malformation?: MalformedKind;
  /** Set on the line that delivers the last clean event of its conversation (progress: conversations done). */
  lastOfConversation?: true;
}

const CLEAN = 0;
const DUPLICATE = 1;
const MALFORMED = 2;
const OVERSIZED = 3;
/** An agent's state changes may be published now (the other families). */
const BOUNDARY = 4;
/** An administrator changes the configuration (an audit). */
const CONFIG = 5;

/** One event, ready to be enveloped: of a conversation (`topic`), or of another family (`family`). */
interface ScheduledEvent {
  topic: ConversationTopic | undefined;
  conversationId: string;
  /** For an event of another family: its generic and concrete topic. */
  family?: { detailType: string; topicName: string };
  /** `eventBody` as JSON text. */
  body: string;
  /** 64-bit key of the envelope `id` (salt 0) and `metadata.CorrelationId` (salt 1); see {@link uuidFromKey}. */
  idHigh: number;
  idLow: number;
  timestampMs: number | undefined;
  /** Delivered late on purpose (out-of-order fault). */
  late: boolean;
  /** The `detail` JSON text, set at first delivery (re-used by duplicates). */
  detail?: string;
  /** The clean line, kept only when a malformed or oversized variant is derived from it. */
  cleanLine?: string;
  /** Shared by the events of one conversation: how many are still to be delivered (none for other families). */
  conversation?: { remaining: number };
}

interface Delivery {
  at: number;
  seq: number;
  kind: number;
  /** For CLEAN, DUPLICATE, MALFORMED, OVERSIZED. */
  event?: ScheduledEvent;
  /** For BOUNDARY: an agent's state to read (see `agent-floor.ts`). */
  boundary?: Boundary;
}

const GENERIC: Readonly<Record<string, string>> = Object.fromEntries(
  CONVERSATION_TOPICS.map((t) => [t, genericConversationTopic(t)]),
);

/** Share of events whose `detail.timestamp` is absent (Genesys does not always send it). */
const TIMESTAMP_ABSENT = 0.1;

/**
 * Simulated Genesys events as NDJSON lines (one EventBridge event per line, no trailing
 * newline), in delivery order, streaming: iterate lazily, memory does not grow with
 * `conversations`.
 *
 * @throws SimulationOptionsError when an option is invalid (before the first line).
 *
 * @example
 * for (const line of generateEvents({ conversations: 100, seed: 7, duplicates: 0.02 })) {
 *   process.stdout.write(`${line}\n`);
 * }
 */
export function generateEvents(options: SimulationOptions): Iterable<string> {
  const resolved = resolveSimulationOptions(options);
  return { [Symbol.iterator]: () => simulate(resolved, (line) => line) };
}

/**
 * The same lines as {@link generateEvents}, each with the fault applied to it (for tests and
 * statistics).
 *
 * @throws SimulationOptionsError when an option is invalid (before the first line).
 */
export function generateAnnotatedEvents(options: SimulationOptions): Iterable<SimulatedLine> {
  const resolved = resolveSimulationOptions(options);
  return { [Symbol.iterator]: () => simulate(resolved, annotate) };
}

function annotate(line: string, fault?: SimulatedFault, malformation?: MalformedKind, last?: boolean): SimulatedLine {
  const item: SimulatedLine = fault === undefined ? { line } : { line, fault };
  if (malformation !== undefined) item.malformation = malformation;
  if (last) item.lastOfConversation = true;
  return item;
}

/** The simulation; `output` turns each line (and its fault) into what the iterator yields. */
function* simulate<T>(
  o: ReturnType<typeof resolveSimulationOptions>,
  output: (line: string, fault?: SimulatedFault, malformation?: MalformedKind, last?: boolean) => T,
): Generator<T, void, undefined> {
  const catalogue = simulationCatalogue();
  const conversationsRng = new Prng(deriveSeed(o.seed, 'conversations'));
  const arrivalsRng = new Prng(deriveSeed(o.seed, 'arrivals'));
  const deliveryRng = new Prng(deriveSeed(o.seed, 'delivery'));
  const faultRng = new Prng(deriveSeed(o.seed, 'faults'));
  const faultDetailRng = new Prng(deriveSeed(o.seed, 'fault-details'));
  const envelopes = new EnvelopeBuilder(o);
  const queue = new MinHeap<Delivery>((a, b) => a.at - b.at || a.seq - b.seq);
  const meanGapMs = 1000 / o.arrivalRatePerSecond;
  let seq = 0;
  let started = 0;
  let nextArrival = o.startTime;

  // The other families, on streams of their own: with conversation events alone, the output is
  // exactly what it was before they existed.
  const emitConversations = o.families.has('conversation');
  const others = [...o.families].some((f) => f !== 'conversation') && o.conversations > 0;
  const families = others
    ? new FamilyEvents(o.families, catalogue, new Prng(deriveSeed(o.seed, 'families')), o.orgId, o.startTime)
    : undefined;
  const familyDeliveryRng = new Prng(deriveSeed(o.seed, 'family-delivery'));
  const familyFaultRng = new Prng(deriveSeed(o.seed, 'family-faults'));
  /** Last delivery time per agent: an agent's events are delivered in order. */
  const lastAgentDelivery = new Map<string, number>();

  const pushBoundary = (boundary: Boundary) => queue.push({ at: boundary.time, seq: seq++, kind: BOUNDARY, boundary });
  /**
   * When an event is delivered, from streams of its own: published 3–150 ms after it happens
   * (`detail.timestamp`, absent on some), on the bus about 0.3 s later, after `previous` (events of
   * one conversation or agent stay in order) — unless delivered late (the out-of-order fault).
   * Draws the same numbers in the same order whatever the outcome.
   */
  const timing = (eventTime: number, previous: number, delivery: Prng, late: Prng, lateDetail: Prng) => {
    const idHigh = delivery.uint32();
    const idLow = delivery.uint32();
    const publishLag = delivery.between(3, 150);
    const timestampMs = delivery.float() < TIMESTAMP_ABSENT ? undefined : eventTime + publishLag;
    let at = eventTime + publishLag + Math.round(delivery.lognormal(300, 0.5));
    if (at <= previous) at = previous + 1;
    const inOrderAt = at;
    const isLate = late.float() < o.outOfOrder;
    if (isLate) at += lateDetail.between(1000, o.outOfOrderWindowMs);
    return { idHigh, idLow, timestampMs, at, inOrderAt, late: isLate };
  };
  /** Queues a clean event for delivery at the time `timing` gave it. */
  const pushClean = (
    t: ReturnType<typeof timing>,
    what: Pick<ScheduledEvent, 'topic' | 'conversationId' | 'family' | 'body' | 'conversation'>,
  ) => {
    const event: ScheduledEvent = {
      ...what,
      idHigh: t.idHigh,
      idLow: t.idLow,
      timestampMs: t.timestampMs,
      late: t.late,
    };
    queue.push({ at: t.at, seq: seq++, kind: CLEAN, event });
  };
  /** Schedules family events (in time order) for delivery; returns the last in-order delivery time. */
  const scheduleFamily = (events: readonly FamilyEvent[], after = 0): number => {
    let previous = after;
    for (const e of events) {
      const t = timing(e.eventTime, previous, familyDeliveryRng, familyFaultRng, familyFaultRng);
      previous = t.inOrderAt;
      pushClean(t, { topic: undefined, conversationId: '', family: e, body: e.body });
    }
    return previous;
  };
  if (families) {
    for (const boundary of families.startBoundaries()) pushBoundary(boundary);
    const configAt = families.nextConfigChangeAt();
    if (configAt !== undefined) queue.push({ at: configAt, seq: seq++, kind: CONFIG });
  }

  const schedule = (conversationStart: number) => {
    const media = conversationsRng.weighted(SIMULATED_MEDIA, o.mediaWeights);
    const plan = planConversation(conversationsRng, catalogue, media, conversationStart, families?.available);
    if (families) {
      const { events, boundaries } = families.planned(plan);
      for (const boundary of boundaries) pushBoundary(boundary);
      scheduleFamily(events);
    }
    if (!emitConversations) return;
    let previous = 0;
    const conversation = { remaining: plan.events.length };
    for (const e of plan.events) {
      // Genesys publishes each event shortly after it happens; a conversation's events stay in order.
      const t = timing(e.eventTime, previous, deliveryRng, faultRng, faultDetailRng);
      previous = t.inOrderAt;
      pushClean(t, { topic: e.topic, conversationId: plan.conversationId, body: e.body, conversation });
    }
  };

  for (;;) {
    // Start every conversation that arrives before the next pending delivery: its events can
    // only be delivered after its arrival (and an agent's state at a boundary is final once every
    // conversation arriving before it is planned).
    while (started < o.conversations && (queue.size === 0 || queue.peek()!.at >= nextArrival)) {
      schedule(Math.round(nextArrival));
      started += 1;
      nextArrival += arrivalsRng.exponential(meanGapMs);
      if (started === o.conversations && families)
        for (const boundary of families.endBoundaries()) pushBoundary(boundary);
    }
    const delivery = queue.pop();
    if (!delivery) return;
    const { at } = delivery;
    if (delivery.kind === BOUNDARY) {
      const boundary = delivery.boundary!;
      const { events, boundaries } = families!.visit(boundary);
      for (const next of boundaries) pushBoundary(next);
      if (events.length > 0)
        lastAgentDelivery.set(boundary.agentId, scheduleFamily(events, lastAgentDelivery.get(boundary.agentId)));
      continue;
    }
    if (delivery.kind === CONFIG) {
      // Configuration changes happen while the contact centre is busy: until the last conversation arrives.
      if (started < o.conversations) {
        scheduleFamily([families!.configChange()]);
        queue.push({ at: families!.nextConfigChangeAt()!, seq: seq++, kind: CONFIG });
      }
      continue;
    }
    const event = delivery.event!;
    switch (delivery.kind) {
      case CLEAN: {
        if (event.family) {
          // Other families: re-sent (duplicates) and late as conversation events are; the broken
          // variants are conversation events only.
          const duplicate = familyFaultRng.float() < o.duplicates;
          const correlationId = uuidFromKey(event.idHigh, event.idLow, 1);
          event.detail = envelopes.detailOf(event.family.topicName, event.body, correlationId, event.timestampMs);
          const line = envelopes.line(
            uuidFromKey(event.idHigh, event.idLow, 0),
            event.family.detailType,
            at,
            event.detail,
          );
          yield event.late ? output(line, 'out-of-order') : output(line);
          if (duplicate) {
            const redelivery = Math.round(Math.min(600_000, Math.max(200, familyFaultRng.lognormal(5000, 1.2))));
            queue.push({ at: at + redelivery, seq: seq++, kind: DUPLICATE, event });
          }
          break;
        }
        const topic = event.topic!;
        // Fault decisions, independent per fault: three draws for every event, whatever the fractions.
        const duplicate = faultRng.float() < o.duplicates;
        const malformed = faultRng.float() < o.malformed;
        const oversized = faultRng.float() < o.oversized;
        const envelopeId = uuidFromKey(event.idHigh, event.idLow, 0);
        const correlationId = uuidFromKey(event.idHigh, event.idLow, 1);
        const line = envelopes.conversationLine(
          envelopeId,
          topic,
          at,
          event.conversationId,
          event.body,
          correlationId,
          event.timestampMs,
        );
        const last = event.conversation !== undefined && --event.conversation.remaining === 0;
        yield output(line, event.late ? 'out-of-order' : undefined, undefined, last);
        if (duplicate) {
          event.detail = envelopes.detail(topic, event.conversationId, event.body, correlationId, event.timestampMs);
          const redelivery = Math.round(Math.min(600_000, Math.max(200, faultDetailRng.lognormal(5000, 1.2))));
          queue.push({ at: at + redelivery, seq: seq++, kind: DUPLICATE, event });
        }
        if (malformed || oversized) event.cleanLine = line;
        if (malformed) queue.push({ at: at + faultDetailRng.between(0, 2000), seq: seq++, kind: MALFORMED, event });
        if (oversized) queue.push({ at: at + faultDetailRng.between(0, 2000), seq: seq++, kind: OVERSIZED, event });
        break;
      }
      case DUPLICATE:
        yield output(
          envelopes.line(
            event.family ? familyFaultRng.uuid() : faultDetailRng.uuid(),
            event.family ? event.family.detailType : GENERIC[event.topic!]!,
            at,
            event.detail!,
          ),
          'duplicate',
        );
        break;
      case MALFORMED: {
        const kind = faultDetailRng.pick(MALFORMED_KINDS);
        const line = malformedVariant(event.cleanLine!, kind, faultDetailRng, {
          id: faultDetailRng.uuid(),
          time: envelopes.isoSeconds(at),
        });
        yield output(line, 'malformed', kind);
        break;
      }
      default: {
        const line = oversizedVariant(event.cleanLine!, faultDetailRng, {
          id: faultDetailRng.uuid(),
          time: envelopes.isoSeconds(at),
          correlationId: faultDetailRng.uuid(),
        });
        yield output(line, 'oversized');
      }
    }
  }
}
