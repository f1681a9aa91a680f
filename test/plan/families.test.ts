/**
 * The planner counts the DynamoDB writes of every family's projection (`--mix`): agent state,
 * audits with their indexes, transcript utterances, generic events with the event and its index.
 */
import { describe, expect, it } from 'vitest';
import { eventWrites, familyWrites, writeRequestsPerEvent, writeUnitsPerEvent } from '../../src/plan/dynamodb-units.js';
import { planCapacity, resolvePlanInputs } from '../../src/plan/index.js';
import { runCli } from '../support/cli.js';

describe('DynamoDB writes per family', () => {
  const sizes = { projectionKb: 2, eventKb: 3 };

  it('counts each projection the way its store writes', () => {
    expect(familyWrites('conversation', sizes)).toEqual({ requests: 1, units: 2 });
    // A fact put and a conditional update of the current state, 1 KB each.
    expect(familyWrites('user-presence', sizes)).toEqual({ requests: 2, units: 2 });
    expect(familyWrites('user-routing-status', sizes)).toEqual({ requests: 2, units: 2 });
    // Two facts: routing status and presence.
    expect(familyWrites('user-activity', sizes)).toEqual({ requests: 4, units: 4 });
    // One put of a 2 KB entry, billed again on each of its two indexes.
    expect(familyWrites('audit', sizes)).toEqual({ requests: 1, units: 6 });
    expect(familyWrites('transcription', sizes)).toEqual({ requests: 2, units: 2 });
    // The whole event (3 KB), and its index by topic.
    expect(familyWrites('generic', sizes)).toEqual({ requests: 1, units: 6 });
  });

  it('averages over the mix: a conversation event is its fact alone (the claim), the others add the 2 writes of the idempotency record', () => {
    const mix = { conversation: 0.5, audit: 0.25, 'user-activity': 0.25 } as const;
    expect(eventWrites('conversation', sizes)).toEqual({ requests: 1, units: 2 });
    expect(eventWrites('audit', sizes)).toEqual({ requests: 3, units: 8 });
    expect(writeUnitsPerEvent({ ...sizes, familyMix: mix })).toBe(0.5 * 2 + 0.25 * (2 + 6) + 0.25 * (2 + 4));
    expect(writeRequestsPerEvent({ ...sizes, familyMix: mix })).toBe(0.5 * 1 + 0.25 * (2 + 1) + 0.25 * (2 + 4));
    // Conversation events alone: one conditional put of the fact.
    expect(writeUnitsPerEvent(sizes)).toBe(2);
    expect(writeUnitsPerEvent({ projectionKb: 0.5, eventKb: 2 })).toBe(1);
  });

  it('costs and checks the extra writes; shares are normalized; a bad mix is refused', () => {
    const only = planCapacity(resolvePlanInputs({ rate: 1_000, modes: ['buffered'] }));
    const mixed = planCapacity(
      resolvePlanInputs({ rate: 1_000, modes: ['buffered'], familyMix: { conversation: 3, audit: 1 } }),
    );
    const writes = (plan: typeof only) =>
      plan.modes[0]!.costBreakdown.find((l) => l.priceId === 'dynamodbWriteRequestUnitsPerMillion')!.quantity;
    // 1 WRU per conversation event → 0.75 × 1 + 0.25 × (2 + 6) = 2.75 WRU per event.
    expect(writes(mixed) / writes(only)).toBeCloseTo(2.75 / 1, 10);
    const check = mixed.modes[0]!.checks.find((c) => c.id === 'dynamodb.tableWrites')!;
    expect(check.demand).toBeCloseTo(2_750, 6);
    expect(mixed.notes.join(' ')).toContain(
      'conversation 1 (one conditional put: the fact is the idempotency claim) × 75 %',
    );
    expect(mixed.notes.join(' ')).toContain('audit 8 (idempotency record 2 + projection 6) × 25 %');
    expect(() => resolvePlanInputs({ rate: 1, familyMix: { conversation: 0 } })).toThrow(/--mix/);
  });

  it('takes --mix on the command line', async () => {
    const run = await runCli([
      'plan',
      '--rate',
      '100',
      '--mode',
      'buffered',
      '--mix',
      'conversation=9,generic=1',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { inputs: { familyMix: unknown } }).inputs.familyMix).toEqual({
      conversation: 0.9,
      generic: 0.1,
    });
    const bad = await runCli(['plan', '--rate', '100', '--mix', 'conversation']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('expected family=share pairs');
  });
});
