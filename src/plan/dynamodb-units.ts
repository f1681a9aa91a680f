/**
 * DynamoDB work per event, the same in both topologies: the writes of the projection of the
 * event's family (`--mix`) and, for the families whose projection cannot prove "first time" by
 * itself, the Powertools idempotency record (a conditional put of the in-progress record, then an
 * update to completed):
 *
 * | family | idempotency | projection writes per event |
 * | --- | --- | --- |
 * | conversation | none: the fact's conditional put is the claim (`src/processing/claims.ts`) | one conditional put of the fact (`--projection-kb`) |
 * | user-presence, user-routing-status | record (2 writes) | a fact put and a conditional update of the current state |
 * | user-activity | record (2 writes) | the same for each of its two facts |
 * | audit | record (2 writes) | one put, plus one per index (by user, by entity type) |
 * | transcription | record (2 writes) | one conditional put per utterance |
 * | generic | record (2 writes) | one put of the whole event (`--event-kb`), plus one for the index by topic |
 *
 * One write request unit covers up to 1 KB of item (a write to an index is billed like one to
 * the table); the happy path reads nothing (conditional writes need no read).
 * `test/plan/measured-costs.test.ts` runs the processor against dynalite with a counting
 * middleware on its DynamoDB client and fails when the code's writes drift from these figures.
 */
import type { EventKind } from '../events/topics.js';
import { ASSUMPTIONS } from './assumptions.js';
import type { PlanInputs } from './inputs.js';

type SizeInputs = Pick<PlanInputs, 'projectionKb' | 'eventKb'>;
type UnitInputs = SizeInputs & Partial<Pick<PlanInputs, 'familyMix'>>;

/** Write requests and write request units. */
export interface Writes {
  readonly requests: number;
  readonly units: number;
}

const units = (bytes: number): number => Math.ceil(bytes / 1_024);

/** Write requests and write request units of one event of a family (its projection only). */
export function familyWrites(kind: EventKind, inputs: SizeInputs): Writes {
  const a = ASSUMPTIONS;
  switch (kind) {
    case 'conversation':
      return {
        requests: a.projectionWritesPerEvent.value,
        units: a.projectionWritesPerEvent.value * Math.ceil(inputs.projectionKb),
      };
    case 'user-presence':
    case 'user-routing-status':
    case 'user-activity': {
      const facts = kind === 'user-activity' ? a.agentStateFactsPerActivityEvent.value : 1;
      const requests = facts * a.agentStateWritesPerFact.value;
      return { requests, units: requests * units(a.agentStateItemBytes.value) };
    }
    case 'audit': {
      const writes = 1 + a.auditIndexesPerEntry.value;
      return { requests: 1, units: writes * units(a.auditItemBytes.value) };
    }
    case 'transcription': {
      const writes = a.utterancesPerTranscriptionEvent.value;
      return { requests: writes, units: writes * units(a.utteranceItemBytes.value) };
    }
    case 'generic':
      return { requests: 1, units: (1 + a.genericIndexesPerEvent.value) * Math.ceil(inputs.eventKb) };
  }
}

/** Whether the projection's own write is the event's idempotency claim (no Powertools record). */
export function claimedByProjection(kind: EventKind): boolean {
  return kind === 'conversation';
}

/** The idempotency writes of one event of a family: none when its projection claims it, else the Powertools record's two. */
export function idempotencyWrites(kind: EventKind): Writes {
  if (claimedByProjection(kind)) return { requests: 0, units: 0 };
  const writes = ASSUMPTIONS.idempotencyWritesPerEvent.value;
  return { requests: writes, units: writes * units(ASSUMPTIONS.idempotencyItemBytes.value) };
}

/** Every write of one event of a family: idempotency and projection. */
export function eventWrites(kind: EventKind, inputs: SizeInputs): Writes {
  const projection = familyWrites(kind, inputs);
  const idempotency = idempotencyWrites(kind);
  return { requests: projection.requests + idempotency.requests, units: projection.units + idempotency.units };
}

/** The family mix as given, or conversation events alone. */
function mixOf(inputs: Partial<Pick<PlanInputs, 'familyMix'>>): [EventKind, number][] {
  return Object.entries(inputs.familyMix ?? { conversation: 1 }) as [EventKind, number][];
}

/** Write request units one event consumes, on average over the family mix. */
export function writeUnitsPerEvent(inputs: UnitInputs): number {
  return mixOf(inputs).reduce((sum, [kind, share]) => sum + share * eventWrites(kind, inputs).units, 0);
}

/** Write requests (API calls, not units) per event, on average over the mix: what the new-table warm-up limit counts. */
export function writeRequestsPerEvent(inputs: UnitInputs = { projectionKb: 0.5, eventKb: 1 }): number {
  return mixOf(inputs).reduce((sum, [kind, share]) => sum + share * eventWrites(kind, inputs).requests, 0);
}

/** The share of events that keep a Powertools idempotency record (the rest are claimed by their projection). */
export function recordedShare(inputs: Partial<Pick<PlanInputs, 'familyMix'>>): number {
  return mixOf(inputs).reduce((sum, [kind, share]) => sum + (claimedByProjection(kind) ? 0 : share), 0);
}
