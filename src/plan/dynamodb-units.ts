/**
 * DynamoDB work per event, the same in both topologies: the Powertools idempotency record (a
 * conditional put of the in-progress record, then an update to completed) for every event, and the
 * writes of the projection of the event's family (`--mix`):
 *
 * | family | writes per event |
 * | --- | --- |
 * | conversation | one update of the conversation projection (`--projection-kb`) |
 * | user-presence, user-routing-status | a fact put and a conditional update of the current state |
 * | user-activity | the same for each of its two facts |
 * | audit | one put, plus one per index (by user, by entity type) |
 * | transcription | one conditional put per utterance |
 * | generic | one put of the whole event (`--event-kb`), plus one for the index by topic |
 *
 * One write request unit covers up to 1 KB of item (a write to an index is billed like one to
 * the table); the happy path reads nothing (conditional writes need no read).
 */
import type { EventKind } from '../events/topics.js';
import { ASSUMPTIONS } from './assumptions.js';
import type { PlanInputs } from './inputs.js';

type UnitInputs = Pick<PlanInputs, 'projectionKb' | 'eventKb'> & Partial<Pick<PlanInputs, 'familyMix'>>;

const units = (bytes: number): number => Math.ceil(bytes / 1_024);

/** Write requests and write request units of one event of a family (its projection only). */
export function familyWrites(
  kind: EventKind,
  inputs: Pick<PlanInputs, 'projectionKb' | 'eventKb'>,
): {
  requests: number;
  units: number;
} {
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

/** The family mix as given, or conversation events alone. */
function mixOf(inputs: UnitInputs): [EventKind, number][] {
  return Object.entries(inputs.familyMix ?? { conversation: 1 }) as [EventKind, number][];
}

/** Write request units one event consumes, on average over the family mix. */
export function writeUnitsPerEvent(inputs: UnitInputs): number {
  const idempotencyUnits = Math.ceil(ASSUMPTIONS.idempotencyItemBytes.value / 1_024);
  let projection = 0;
  for (const [kind, share] of mixOf(inputs)) projection += share * familyWrites(kind, inputs).units;
  return ASSUMPTIONS.idempotencyWritesPerEvent.value * idempotencyUnits + projection;
}

/** Write requests (API calls, not units) per event, on average over the mix: what the new-table warm-up limit counts. */
export function writeRequestsPerEvent(inputs: UnitInputs = { projectionKb: 1, eventKb: 1 }): number {
  let projection = 0;
  for (const [kind, share] of mixOf(inputs)) projection += share * familyWrites(kind, inputs).requests;
  return ASSUMPTIONS.idempotencyWritesPerEvent.value + projection;
}
