/**
 * `npm run bench -- patterns`: matching realistic Genesys events (from the simulator, each
 * validated by parseGenesysEvent) against 1, 100 and 1,000 Genesys-style rules — source prefix
 * `aws.partner/genesys.com/cloud/<org>/`, `detail-type` lists of conversation topics, and some
 * `detail.eventBody` conditions (mediaType, queueId, numeric eventTime, anything-but, exists,
 * $or) — with the EventPatternIndex and, in the same run, with a naive matcher that tries each
 * compiled rule in turn. Reports events/s of both and the speed-up.
 */
import { compileEventPattern, EventPatternIndex } from '../../src/eventbridge/index.js';
import type { CompiledEventPattern } from '../../src/eventbridge/index.js';
import { GENERIC_CONVERSATION_TOPICS, parseGenesysEvent } from '../../src/events/index.js';
import { generateEvents, SIMULATION_DEFAULTS, simulationCatalogue } from '../../src/simulate/index.js';
import type { BenchResult, BenchSuite } from '../harness.js';
import { Prng } from '../../src/simulate/prng.js';
import { rate } from '../harness.js';

const CONVERSATIONS = 400;
const MIN_SECONDS = 0.5;

/** Seeded uniform numbers in [0, 1), so every run is reproducible. */
function prng(seed: number): () => number {
  const rng = new Prng(seed);
  return () => rng.float();
}

function pick<T>(random: () => number, items: readonly T[], count = 1): T[] {
  const copy = [...items];
  const out: T[] = [];
  while (out.length < count && copy.length > 0) out.push(copy.splice(Math.floor(random() * copy.length), 1)[0]!);
  return out;
}

/** Rules as Genesys integrators write them: mostly per topic, some narrowed by the event body. */
function genesysRules(count: number, seed: number): object[] {
  const random = prng(seed);
  const queues = simulationCatalogue().queues.map((q) => q.id);
  const orgs = [
    SIMULATION_DEFAULTS.orgId,
    '0d9c2b1e-1111-4a2b-8c3d-000000000002',
    '5e7f8a9b-2222-4c3d-9e4f-000000000003',
  ];
  const rules: object[] = [];
  for (let i = 0; i < count; i++) {
    const org = random() < 0.8 ? orgs[0]! : pick(random, orgs)[0]!;
    const rule: Record<string, unknown> = {
      source: [{ prefix: `aws.partner/genesys.com/cloud/${org}/` }],
      'detail-type': pick(random, GENERIC_CONVERSATION_TOPICS, 1 + Math.floor(random() * 3)),
    };
    const body: Record<string, unknown> = {};
    const r = random();
    if (r < 0.3)
      body.mediaType = pick(random, ['VOICE', 'CHAT', 'MESSAGE', 'EMAIL', 'CALLBACK'], 1 + Math.floor(random() * 2));
    else if (r < 0.5) body.queueId = pick(random, queues, 1 + Math.floor(random() * 4));
    else if (r < 0.6)
      body.eventTime = [{ numeric: ['>=', SIMULATION_DEFAULTS.startTime + Math.floor(random() * 3_600_000)] }];
    else if (r < 0.65) body.acdOutcome = [{ 'anything-but': ['ABANDON'] }];
    else if (r < 0.7) body.userId = [{ exists: true }];
    if (Object.keys(body).length > 0) rule.detail = { eventBody: body };
    if (random() < 0.05) {
      rule.$or = [
        { detail: { eventBody: { direction: ['INBOUND'] } } },
        { detail: { eventBody: { mediaType: ['VOICE'] } } },
      ];
    }
    rules.push(rule);
  }
  return rules;
}

function loadEvents(): object[] {
  const events: object[] = [];
  for (const line of generateEvents({ conversations: CONVERSATIONS, seed: 11 })) {
    const parsed = parseGenesysEvent(line);
    if (!parsed.ok) throw new Error(`the simulator produced an invalid event: ${parsed.problems[0]?.message}`);
    events.push(JSON.parse(line) as object);
  }
  return events;
}

/** Runs `matchAll` over the events repeatedly for at least MIN_SECONDS (after one warm-up pass); events/s and one pass's match count. */
function measure(
  events: readonly object[],
  matchAll: (event: object) => number,
): { eventsPerSecond: number; seconds: number; matched: number; processed: number } {
  let matched = 0;
  for (const e of events) matched += matchAll(e); // warm-up pass, also the reference count
  let processed = 0;
  const start = process.hrtime.bigint();
  let seconds = 0;
  do {
    for (const e of events) matchAll(e);
    processed += events.length;
    seconds = Number(process.hrtime.bigint() - start) / 1e9;
  } while (seconds < MIN_SECONDS);
  return { eventsPerSecond: rate(processed, seconds), seconds, matched, processed };
}

function compare(events: readonly object[], ruleCount: number): BenchResult[] {
  const rules = genesysRules(ruleCount, 42 + ruleCount);
  const index = new EventPatternIndex<number>();
  rules.forEach((rule, i) => index.add(`rule-${i}`, rule, i));
  const compiled: CompiledEventPattern[] = rules.map((rule) => compileEventPattern(rule));

  const byIndex = (e: object): number => index.match(e).length;
  const ruleByRule = (e: object): number => {
    let n = 0;
    for (const pattern of compiled) if (pattern.matches(e)) n++;
    return n;
  };
  // Two interleaved rounds, best of each: neither side profits from running after the other.
  const rounds = [
    measure(events, byIndex),
    measure(events, ruleByRule),
    measure(events, byIndex),
    measure(events, ruleByRule),
  ];
  const indexed = rounds[0]!.eventsPerSecond >= rounds[2]!.eventsPerSecond ? rounds[0]! : rounds[2]!;
  const naive = rounds[1]!.eventsPerSecond >= rounds[3]!.eventsPerSecond ? rounds[1]! : rounds[3]!;
  if (indexed.matched !== naive.matched) {
    throw new Error(
      `index and rule-by-rule disagree for ${ruleCount} rules: ${indexed.matched} vs ${naive.matched} matches`,
    );
  }
  const details = { rules: ruleCount, events: events.length, matchesPerPass: indexed.matched };
  return [
    {
      name: `${ruleCount} rules, EventPatternIndex`,
      events: indexed.processed,
      seconds: indexed.seconds,
      eventsPerSecond: indexed.eventsPerSecond,
      ratios: { 'index/naive': indexed.eventsPerSecond / naive.eventsPerSecond },
      details,
    },
    {
      name: `${ruleCount} rules, rule by rule (naive)`,
      events: naive.processed,
      seconds: naive.seconds,
      eventsPerSecond: naive.eventsPerSecond,
      details,
    },
  ];
}

const suite: BenchSuite = {
  name: 'patterns',
  description: 'event pattern matching of simulated Genesys events: EventPatternIndex vs trying each rule in turn',
  async run() {
    const events = loadEvents();
    return [...compare(events, 1), ...compare(events, 100), ...compare(events, 1000)];
  },
};

export default suite;
