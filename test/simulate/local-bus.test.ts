/**
 * The simulator feeding the project's own local event bus through its HTTP endpoint (the AWS
 * JSON 1.1 PutEvents API), with the real AWS SDK: what goes in comes out of the partner bus's
 * rule as valid Genesys events, and the bus refuses exactly the lines the API cannot carry.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBridgeEvent } from '../../src/eventbridge/index.js';
import { LocalEventBridge, functionTarget, startEventBusServer } from '../../src/eventbridge/index.js';
import type { EventBusServer } from '../../src/eventbridge/index.js';
import { parseGenesysEvent } from '../../src/events/index.js';
import { SIMULATION_DEFAULTS, generateAnnotatedEvents, sendEvents } from '../../src/simulate/index.js';
import type { SendFailure, SimulatedLine } from '../../src/simulate/index.js';
import { tempDir } from '../support/tmp.js';

const BUS = `aws.partner/genesys.com/cloud/${SIMULATION_DEFAULTS.orgId}/${SIMULATION_DEFAULTS.suffix}`;
const REFUSED_BY_API = new Set(['truncated-json', 'missing-detail', 'detail-as-string', 'batch-array']);
let eb: LocalEventBridge;
let server: EventBusServer;
const delivered: EventBridgeEvent[] = [];

beforeAll(async () => {
  eb = LocalEventBridge.open({
    path: join(tempDir('gep-sim-bus-'), 'bus.sqlite'),
    accountId: SIMULATION_DEFAULTS.account,
    archive: false,
  });
  eb.createEventBus({ Name: BUS, EventSourceName: BUS });
  eb.putRule({
    Name: 'genesys',
    EventBusName: BUS,
    EventPattern: { source: [{ prefix: 'aws.partner/genesys.com/cloud/' }] },
  });
  eb.putTargets({
    Rule: 'genesys',
    EventBusName: BUS,
    Targets: [
      {
        Id: 'collect',
        target: functionTarget(
          'arn:aws:lambda:us-east-1:123456789012:function:collect',
          (_body, event) => void delivered.push(event),
        ),
      },
    ],
  });
  server = await startEventBusServer({ eventBridge: eb });
});

afterAll(async () => {
  await server?.close();
  await eb?.close();
});

describe('simulate → local event bus', () => {
  it('delivers every event the API can carry to the partner bus rule, as a valid Genesys event with the same detail', async () => {
    const lines: SimulatedLine[] = [
      ...generateAnnotatedEvents({ conversations: 80, seed: 31, malformed: 0.06, oversized: 0.01, duplicates: 0.03 }),
    ];
    const failures: SendFailure[] = [];
    const summary = await sendEvents(
      lines.map((l) => l.line),
      { endpoint: server.url, eventBusName: BUS, onFailure: (f) => failures.push(f) },
    );
    const refused = lines
      .map((l, i) => ({ ...l, n: i + 1 }))
      .filter((l) => l.fault === 'oversized' || (l.fault === 'malformed' && REFUSED_BY_API.has(l.malformation!)));
    expect(failures.map((f) => f.line).sort((a, b) => a - b)).toEqual(refused.map((l) => l.n));
    expect(summary.accepted).toBe(lines.length - refused.length);
    expect(await eb.drain()).toBe(true);
    // The tutorial-shaped lines (source "genesys.cloud") reach the bus but match no Genesys rule.
    const unmatched = lines.filter((l) => l.malformation === 'tutorial-shape').length;
    expect(unmatched).toBeGreaterThan(0);
    expect(delivered).toHaveLength(summary.accepted - unmatched);

    // Every clean event comes out of the bus valid, with its detail unchanged (and the bus's own id and time).
    const byDetail = new Map<string, EventBridgeEvent[]>();
    for (const e of delivered)
      byDetail.set(JSON.stringify(e.detail), [...(byDetail.get(JSON.stringify(e.detail)) ?? []), e]);
    for (const line of lines.filter((l) => l.fault === undefined || l.fault === 'duplicate')) {
      const sent = JSON.parse(line.line) as { detail: unknown; 'detail-type': string; time: string };
      const out = byDetail.get(JSON.stringify(sent.detail));
      expect(out).toBeDefined();
      // Matched on detail, detail-type and time (a re-delivery is a second event with its own time;
      // a malformed "topic-mismatch" line has the same detail under another detail-type).
      const match = out!.find((e) => e['detail-type'] === sent['detail-type'] && e.time === sent.time);
      expect(match).toBeDefined();
      expect(match!.source).toBe(BUS);
      expect(parseGenesysEvent(match!).ok).toBe(true);
    }
  });
});
