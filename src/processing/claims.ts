/**
 * Claims: when a sink's write for an event is itself the proof that the event is new, the
 * processor needs no idempotency record for it.
 *
 * The Powertools idempotency record costs two writes per event (a conditional put of the
 * in-progress record, then an update to completed) on top of the projection's own writes. For an
 * event whose whole effect is one conditional write keyed by the event's key — a conversation
 * fact, put on condition that it is absent — that write already says "first time" (it succeeds)
 * or "seen before" (its condition fails, nothing changes). Nothing can happen between the claim
 * and the effect, because they are the same write: the exactly-once effect holds without the
 * record, for one write instead of three.
 *
 * The processor uses a claim only when the claiming sink is its *only* sink: a further sink
 * (a webhook, your own) runs after the projection, and a transient failure there must let the
 * retry run it again — which the Powertools record allows (a failure deletes the in-progress
 * record) and a claim would not (the retry would see the fact and call it a duplicate).
 */
import type { GenesysEvent } from '../events/index.js';
import type { Sink, SinkContext } from './sink.js';

/** A sink that can apply some events with one conditional write that is also their idempotency claim. */
export interface ClaimingSink extends Sink {
  /** Whether `event` is applied by one conditional write keyed by its key ({@link ClaimingSink.applyOnce}). */
  claims(event: GenesysEvent): boolean;
  /**
   * Applies an event {@link ClaimingSink.claims} accepts: `true` when this call applied it,
   * `false` when it had been applied before (nothing changed). Errors as `Sink.handle`'s.
   */
  applyOnce(event: GenesysEvent, context: SinkContext): Promise<boolean>;
}

/** Whether `sink` can claim events ({@link ClaimingSink}). */
export function isClaimingSink(sink: Sink): sink is ClaimingSink {
  const candidate = sink as Partial<ClaimingSink>;
  return typeof candidate.claims === 'function' && typeof candidate.applyOnce === 'function';
}
