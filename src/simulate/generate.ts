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
import { simulationCatalogue } from './catalogue.js';
import { EnvelopeBuilder } from './envelope.js';
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

/** One event of a conversation, ready to be enveloped. */
interface ScheduledEvent {
  topic: ConversationTopic;
  conversationId: string;
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
  /** Shared by the events of one conversation: how many are still to be delivered. */
  conversation: { remaining: number };
}

interface Delivery {
  at: number;
  seq: number;
  kind: number;
  event: ScheduledEvent;
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

  const schedule = (conversationStart: number) => {
    const media = conversationsRng.weighted(SIMULATED_MEDIA, o.mediaWeights);
    const plan = planConversation(conversationsRng, catalogue, media, conversationStart);
    let previous = 0;
    const conversation = { remaining: plan.events.length };
    for (const e of plan.events) {
      const idHigh = deliveryRng.uint32();
      const idLow = deliveryRng.uint32();
      const publishLag = deliveryRng.between(3, 150);
      const timestampMs = deliveryRng.float() < TIMESTAMP_ABSENT ? undefined : e.eventTime + publishLag;
      // Genesys publishes each event shortly after it happens; a conversation's events stay in order.
      let at = e.eventTime + publishLag + Math.round(deliveryRng.lognormal(300, 0.5));
      if (at <= previous) at = previous + 1;
      previous = at;
      const late = faultRng.float() < o.outOfOrder;
      if (late) at += faultDetailRng.between(1000, o.outOfOrderWindowMs);
      const event: ScheduledEvent = {
        topic: e.topic,
        conversationId: plan.conversationId,
        body: e.body,
        idHigh,
        idLow,
        timestampMs,
        late,
        conversation,
      };
      queue.push({ at, seq: seq++, kind: CLEAN, event });
    }
  };

  for (;;) {
    // Start every conversation that arrives before the next pending delivery: its events can
    // only be delivered after its arrival.
    while (started < o.conversations && (queue.size === 0 || queue.peek()!.at >= nextArrival)) {
      schedule(Math.round(nextArrival));
      started += 1;
      nextArrival += arrivalsRng.exponential(meanGapMs);
    }
    const delivery = queue.pop();
    if (!delivery) return;
    const { event, at } = delivery;
    switch (delivery.kind) {
      case CLEAN: {
        // Fault decisions, independent per fault: three draws for every event, whatever the fractions.
        const duplicate = faultRng.float() < o.duplicates;
        const malformed = faultRng.float() < o.malformed;
        const oversized = faultRng.float() < o.oversized;
        const envelopeId = uuidFromKey(event.idHigh, event.idLow, 0);
        const correlationId = uuidFromKey(event.idHigh, event.idLow, 1);
        const line = envelopes.conversationLine(
          envelopeId,
          event.topic,
          at,
          event.conversationId,
          event.body,
          correlationId,
          event.timestampMs,
        );
        const last = --event.conversation.remaining === 0;
        yield output(line, event.late ? 'out-of-order' : undefined, undefined, last);
        if (duplicate) {
          event.detail = envelopes.detail(
            event.topic,
            event.conversationId,
            event.body,
            correlationId,
            event.timestampMs,
          );
          const redelivery = Math.round(Math.min(600_000, Math.max(200, faultDetailRng.lognormal(5000, 1.2))));
          queue.push({ at: at + redelivery, seq: seq++, kind: DUPLICATE, event });
        }
        if (malformed || oversized) event.cleanLine = line;
        if (malformed) queue.push({ at: at + faultDetailRng.between(0, 2000), seq: seq++, kind: MALFORMED, event });
        if (oversized) queue.push({ at: at + faultDetailRng.between(0, 2000), seq: seq++, kind: OVERSIZED, event });
        break;
      }
      case DUPLICATE:
        yield output(envelopes.line(faultDetailRng.uuid(), GENERIC[event.topic]!, at, event.detail!), 'duplicate');
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
