/**
 * DynamoDB work per event, the same in both topologies: the Powertools idempotency record (a
 * conditional put of the in-progress record, then an update to completed) and one update of the
 * conversation projection. One write request unit covers up to 1 KB of item; the happy path
 * reads nothing (conditional writes need no read).
 */
import { ASSUMPTIONS } from './assumptions.js';
import type { PlanInputs } from './inputs.js';

/** Write request units one event consumes. */
export function writeUnitsPerEvent(inputs: Pick<PlanInputs, 'projectionKb'>): number {
  const idempotencyUnits = Math.ceil(ASSUMPTIONS.idempotencyItemBytes.value / 1_024);
  return (
    ASSUMPTIONS.idempotencyWritesPerEvent.value * idempotencyUnits +
    ASSUMPTIONS.projectionWritesPerEvent.value * Math.ceil(inputs.projectionKb)
  );
}

/** Write requests (API calls, not units) per event: what the new-table warm-up limit counts. */
export function writeRequestsPerEvent(): number {
  return ASSUMPTIONS.idempotencyWritesPerEvent.value + ASSUMPTIONS.projectionWritesPerEvent.value;
}
