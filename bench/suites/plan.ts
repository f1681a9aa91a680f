/**
 * `npm run bench -- plan`: the capacity planner's burst simulations, which step in time rather
 * than per event, so a burst of a million events must simulate in well under a second:
 *
 * (a) buffered topology, 1,000,000 events on top of 100 events/s;
 * (b) direct topology, the same burst (drains in about 1.5 hours of simulated time);
 * (c) direct topology with the base rate above the StartExecution refill (400/s in us-east-1):
 *     the worst case, simulated to the end of EventBridge's 24-hour retry window;
 * (d) a whole plan of both topologies with a burst, as `genesys-pipeline plan --burst` runs it.
 */
import { planCapacity, quotasForRegion, resolvePlanInputs, simulateBurst } from '../../src/plan/index.js';
import type { BurstResult } from '../../src/plan/index.js';
import type { BenchResult, BenchSuite } from '../harness.js';
import { rate, timed } from '../harness.js';

const BURST = 1_000_000;

async function burst(name: string, baseRate: number, mode: 'buffered' | 'direct'): Promise<BenchResult> {
  const inputs = resolvePlanInputs({ rate: baseRate });
  const quotas = quotasForRegion('us-east-1');
  simulateBurst(inputs, quotas, mode, 1_000); // warm-up
  const { seconds, value } = await timed<BurstResult>(() => simulateBurst(inputs, quotas, mode, BURST));
  const events = BURST + baseRate * value.simulatedSeconds;
  return {
    name,
    events: Math.round(events),
    seconds,
    eventsPerSecond: rate(events, seconds),
    details: {
      steps: value.steps,
      simulatedSeconds: value.simulatedSeconds,
      timeToDrainSeconds: value.timeToDrainSeconds,
      atRiskOfDrop: value.atRiskOfDrop,
    },
  };
}

const suite: BenchSuite = {
  name: 'plan',
  description: 'capacity planner: burst simulations of 1,000,000 events, time-stepped',
  async run() {
    const results = [
      await burst('buffered burst 1M on 100/s', 100, 'buffered'),
      await burst('direct burst 1M on 100/s', 100, 'direct'),
      await burst('direct burst 1M on 400/s (overload, 24 h)', 400, 'direct'),
    ];
    const inputs = resolvePlanInputs({ rate: 500, peakRate: 2_000, burst: BURST });
    const { seconds } = await timed(() => planCapacity(inputs));
    results.push({
      name: 'plan both topologies with a 1M burst',
      seconds,
      details: { rate: 500, peakRate: 2_000, burst: BURST },
    });
    return results;
  },
};

export default suite;
