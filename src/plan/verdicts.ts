/**
 * Verdicts: what the numbers mean for the user, in sentences they can act on — which limit
 * binds, what AWS does when it is exceeded, what to set, what it costs. Notes carry the context
 * (how a limit works, what the estimate leaves out).
 */
import type { EventKind } from '../events/topics.js';
import type { BufferedCapacity } from './buffered.js';
import type { BurstResult } from './burst/index.js';
import type { Check } from './capacity.js';
import type { CostEstimate } from './cost.js';
import type { DirectCapacity } from './direct.js';
import {
  claimedByProjection,
  eventWrites,
  familyWrites,
  idempotencyWrites,
  writeUnitsPerEvent,
} from './dynamodb-units.js';
import type { PlanInputs } from './inputs.js';
import type { RegionQuotas } from './quotas.js';
import type { BufferedRecommendation, DirectRecommendation, ReservedConcurrency } from './recommend.js';

/** Verdicts (act on these) and notes (context) of one topology. */
interface Verdicts {
  readonly verdicts: string[];
  readonly notes: string[];
}

/** Formats a number for a sentence: thousands separators, at most `digits` decimals. */
export function num(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return value > 0 ? 'unlimited' : '—';
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** Formats US dollars with cents. */
export function usd(value: number): string {
  return `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** Formats a duration given in ms. */
export function duration(ms: number): string {
  if (ms < 1_000) return `${num(ms)} ms`;
  if (ms < 120_000) return `${num(ms / 1_000, 1)} s`;
  if (ms < 7_200_000) return `${num(ms / 60_000, 1)} min`;
  return `${num(ms / 3_600_000, 1)} h`;
}

function failing(checks: readonly Check[], kind: Check['kind']): Check[] {
  return checks.filter((c) => c.kind === kind && !c.ok).sort((a, b) => (a.maxEventRate ?? -1) - (b.maxEventRate ?? -1));
}

function exceeded(mode: string, inputs: PlanInputs, c: Check): string {
  return `${mode} mode at ${num(inputs.peakRate)} events/s exceeds the ${c.name}: ${num(c.demand, 1)} vs ${num(c.limit)} ${c.unit}. ${capitalize(c.consequence)}.`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function reservedText(r: ReservedConcurrency): string {
  const parts = [`Process ${num(r.process)}`];
  if (r.validate > 0) parts.push(`Validate ${num(r.validate)}`);
  if (r.summarize > 0) parts.push(`ReportBatch ${num(r.summarize)}`);
  if (r.starter > 0) parts.push(`batch starter ${num(r.starter)}`);
  return parts.join(', ');
}

function accountVerdict(inputs: PlanInputs, r: ReservedConcurrency): string | null {
  if (r.accountNeeded <= inputs.accountConcurrency) return null;
  return `These reservations need an account Lambda concurrency quota of at least ${num(r.accountNeeded)} (Lambda keeps 100 unreserved); the account has ${num(inputs.accountConcurrency)}: request an increase in Service Quotas before go-live.`;
}

function burstVerdict(b: BurstResult, inputs: PlanInputs): string {
  const head = `A burst of ${num(b.burstEvents)} events on top of ${num(b.baseRate, 1)} events/s`;
  const peaks = `peak backlog ${num(b.peakBacklog)}, peak Lambda concurrency ${num(b.peakLambdaConcurrency)}`;
  const late = `${num(b.delayedOverOneMinute)} events complete more than a minute after arrival`;
  const risk =
    b.atRiskOfDrop > 0
      ? `${num(b.atRiskOfDrop)} are at risk of being dropped${b.mode === 'direct' ? ' (EventBridge gives up retrying; only a DLQ on the target keeps them)' : ' (SQS retention expires)'}`
      : 'none is at risk of being dropped';
  const throttled = b.throttledAttempts ? ` (${num(b.throttledAttempts)} throttled StartExecution attempts)` : '';
  const processPeak = b.peakProcessConcurrency;
  let lambda = '';
  if (b.mode === 'buffered') {
    // The buffered simulation caps Process at the bound (and at the reservation or account within it).
    const bound = inputs.maxProcessorConcurrency;
    const within =
      inputs.reservedConcurrency !== null && inputs.reservedConcurrency < bound
        ? `; the reserved ${num(inputs.reservedConcurrency)} is below the bound, so invocations beyond it are throttled, retried and handed back to the queue`
        : inputs.reservedConcurrency === null && inputs.accountConcurrency < bound + 100
          ? `; the account's ${num(inputs.accountConcurrency)} leaves less than the bound to the pipeline, so some invocations are throttled and handed back`
          : '';
    lambda = ` Process peaks at ${num(processPeak)} invocations at once, within the bound E × M = ${num(inputs.eventSourceConcurrency)} × ${num(inputs.maxConcurrency)} = ${num(bound)}${within}; no throttle is ever dead-lettered.`;
  } else if (inputs.reservedConcurrency !== null && processPeak > inputs.reservedConcurrency * 1.001) {
    // The direct simulation does not cap Lambda: compare its peak with what the account allows.
    lambda = ` Process needs ${num(processPeak)} concurrent executions at the peak, above its reserved concurrency of ${num(inputs.reservedConcurrency)}: the excess is throttled and Step Functions retries it (a throttle past the retries fails the execution, to be redriven).`;
  } else if (b.peakLambdaConcurrency > inputs.accountConcurrency * 1.001) {
    lambda = ` The peak exceeds the account's Lambda concurrency of ${num(inputs.accountConcurrency)}: invocations across the account are throttled and Step Functions retries them.`;
  }
  if (b.timeToDrainSeconds === null) {
    return `${head} never drains within ${duration(b.simulatedSeconds * 1_000)}${throttled}: ${peaks}; ${late}; ${num(b.backlogAtEnd)} still waiting at the end and ${risk}.${lambda}`;
  }
  const pace = b.timeToDrainSeconds > 0 ? ` (about ${num(b.processed / b.timeToDrainSeconds)} events/s)` : '';
  return `${head} drains in ${duration(b.timeToDrainSeconds * 1_000)}${pace}${throttled}: ${peaks}; ${late}; ${risk}.${lambda}`;
}

/** Notes that apply to the whole report, whatever the topology. */
export function reportNotes(inputs: PlanInputs, quotas: RegionQuotas, pricesRegion: string): string[] {
  const notes: string[] = [];
  if (pricesRegion !== inputs.region) {
    notes.push(
      `Costs use ${pricesRegion} prices; prices in ${inputs.region} differ — pass --prices FILE with that Region's figures.`,
    );
  }
  notes.push(
    'Costs: 30-day month at the average rate; free tiers not subtracted; volume tiers not applied; data transfer not included.',
  );
  notes.push(
    inputs.logBytesPerInvocation === 0
      ? "Lambda logs: the functions' own lines as measured (metrics and one INFO line per batch and per execution; nothing per processed event in buffered mode); the platform's START/END/REPORT lines are filtered as the construct deploys (JSON format, system log level WARN)."
      : `Lambda logs: the functions' own lines as measured, plus ${num(inputs.logBytesPerInvocation)} bytes of platform lines per invocation (text format START/END/REPORT); the construct deploys JSON format with system log level WARN, which removes them: --log-bytes-per-invocation 0.`,
  );
  const mix = Object.entries(inputs.familyMix) as [EventKind, number][];
  notes.push(
    `DynamoDB: ${num(writeUnitsPerEvent(inputs), 2)} write request units per event on average — ${mix
      .map(
        ([kind, share]) =>
          `${kind} ${num(eventWrites(kind, inputs).units, 2)} (${claimedByProjection(kind) ? 'one conditional put: the fact is the idempotency claim' : `idempotency record ${num(idempotencyWrites(kind).units)} + projection ${num(familyWrites(kind, inputs).units, 2)}`}) × ${num(share * 100, 1)} %`,
      )
      .join(
        ', ',
      )}${mix.length === 1 && mix[0]![0] === 'conversation' ? ' (--mix to plan for the other families the topics bring: presence, routing status, audits, transcription, generic topics)' : ''}. A sink beyond the projections (a webhook) keeps the idempotency record for every event: +2.`,
  );
  notes.push(
    `The PutEvents quota (${num(quotas.eventBridge.putEventsPerSecond.value)}/s in ${quotas.region}) applies to PutEvents calls made in your account (e.g. replays and load tests), not checked here; Genesys delivers through the partner event source.`,
  );
  return notes;
}

/** Verdicts of the buffered topology. */
export function bufferedVerdicts(
  inputs: PlanInputs,
  quotas: RegionQuotas,
  cap: BufferedCapacity,
  rec: BufferedRecommendation,
  cost: CostEstimate,
  burst: BurstResult | null,
): Verdicts {
  const verdicts: string[] = [];
  const limits = failing(cap.checks, 'limit');
  if (limits.length === 0) {
    verdicts.push(
      `buffered mode sustains ${num(inputs.peakRate)} events/s in ${quotas.region}: the first limit is the ${cap.limitingFactor} at ${num(cap.maxSustainableRate)} events/s (${num(cap.maxSustainableRate / inputs.peakRate, 1)}× the peak).`,
    );
  } else {
    for (const c of limits) verdicts.push(exceeded('buffered', inputs, c));
  }
  for (const c of failing(cap.checks, 'warning')) {
    if (c.id === 'lambda.batchPayload') {
      verdicts.push(
        `BatchSize ${num(inputs.batchSize)} does not fit the 6 MB invocation payload: with ${num(inputs.eventKb, 2)} KB events (${num(cap.geometry.recordBytes)}-byte records with the SQS envelope) a batch holds at most ${num(cap.geometry.payloadLimit)}. Set BatchSize ≤ ${num(cap.geometry.payloadLimit)} (the estimate uses ${num(cap.geometry.maxBatch)}).`,
      );
    } else if (c.id === 'stepFunctions.chunks') {
      verdicts.push(
        `A full batch of ${num(cap.fullBatch.batch)} events of ${num(inputs.eventKb, 2)} KB is ${num(c.demand)} executions (the 256 KiB execution input), run one after another by the batch starter: consider a smaller BatchSize.`,
      );
    } else if (c.id === 'dynamodb.newTable') {
      verdicts.push(
        `At peak the table takes ${num(c.demand)} writes/s, above the ${num(c.limit)} writes/s a new on-demand table sustains: set its warm throughput to at least ${num(Math.ceil(c.demand))} writes/s before go-live.`,
      );
    } else {
      verdicts.push(`${c.name}: ${c.consequence}.`);
    }
  }
  const lc = cap.lambdaConcurrency;
  verdicts.push(
    `Process concurrency at peak ≈ ${num(lc.process, 1)} (Little's law: ${num(inputs.peakRate)} events/s × ${num(inputs.processMs)} ms), never above the bound E × M = ${num(inputs.eventSourceConcurrency)} × ${num(inputs.maxConcurrency)} = ${num(cap.bound)} at any backlog; all functions ≈ ${num(lc.total, 1)} (${num(lc.starter, 1)} batch starters, ${num(lc.validate + lc.summarize, 1)} per-execution functions, each never above E).`,
  );
  if (rec.achievable) {
    verdicts.push(
      `For a worst-case latency of ${duration(rec.targetLatencyMs)} at ${num(inputs.peakRate)} events/s: maxProcessorConcurrency ${num(rec.maxProcessorConcurrency)} (E = ${num(rec.eventSourceConcurrency)} batches × a Map of M = ${num(rec.maxConcurrency)}; the peak uses ${num(((inputs.peakRate * inputs.processMs) / 1_000 / rec.maxProcessorConcurrency) * 100)} % of it), BatchSize ${num(rec.batchSize)} (the largest that fits an Express execution at worst with ${num(inputs.functionTimeoutMs / 1_000)} s functions, the invocation payload and the window) — expected ${duration(rec.expectedLatencyMs)}, ${num(rec.batchesInFlight, 1)} batches in flight; with reserveConcurrency: ${reservedText(rec.reservedConcurrency)}.`,
    );
  } else {
    verdicts.push(
      `No setting meets a worst-case latency of ${duration(rec.targetLatencyMs)} at ${num(inputs.peakRate)} events/s: the closest is maxProcessorConcurrency ${num(rec.maxProcessorConcurrency)} (${num(rec.eventSourceConcurrency)} × ${num(rec.maxConcurrency)}), BatchSize ${num(rec.batchSize)} (${duration(rec.expectedLatencyMs)}). Raise --target-latency-ms, shorten Process or the function timeout, or lower the batching window.`,
    );
  }
  const account = accountVerdict(inputs, rec.reservedConcurrency);
  if (account) verdicts.push(account);
  if (inputs.reservedConcurrency !== null && inputs.reservedConcurrency < cap.bound) {
    verdicts.push(
      `The Process function's reserved concurrency (${num(inputs.reservedConcurrency)}) is below the bound ${num(cap.bound)}: beyond it invocations are throttled, retried and handed back to the queue — never dead-lettered, but the drain is slower. Reserve exactly the bound (reserveConcurrency: true).`,
    );
  }
  verdicts.push(
    `Cost: ${usd(cost.monthlyUsd)} a month, ${usd(cost.perMillionEventsUsd)} per million events at ${num(inputs.rate)} events/s average (the batch starter is billed while it waits: ${usd(starterCost(cost) / (cost.monthlyEvents / 1e6))} per million events).`,
  );
  if (burst) verdicts.push(burstVerdict(burst, inputs));

  const g = cap.geometry;
  const notes = [
    `The bound is structural: the event source mapping polls at most E = ${num(inputs.eventSourceConcurrency)} batches at once (ScalingConfig.MaximumConcurrency; it starts with up to 5 and adds up to 300 a minute while messages remain), each batch is one batch starter running its executions one after another, and each execution runs at most M = ${num(inputs.maxConcurrency)} Process invocations at once. Reserved concurrency only decides whether the account can throttle the pipeline inside that bound.`,
    `Batches at peak: ${num(g.batch, 1)} events (of at most ${num(g.maxBatch)}), filled in ${duration(g.fillMs)}, ${num(g.executionsPerBatch)} execution(s) of ${duration(g.executionMs)} (${num(g.waves)} wave(s) of ${num(g.mapConcurrency)}), so the starter is busy ${duration(g.starterMs)} per batch; ${num(g.executionsPerSecond, 1)} executions/s, ${num(cap.batchesInFlight, 1)} batches in flight.`,
    `At low traffic a lone event waits up to the batching window (${duration(inputs.batchWindowMs)}) before the mapping invokes the batch starter: quiet-period latency is about the window plus one execution.`,
    'A Lambda throttle is retried inside the execution with backoff and full jitter, then handed back to the queue; it never counts toward dead-lettering (the processor counts only its own failures). The queue DLQ is a backstop sized so that only a message returned continuously for 24 h could reach it.',
    'Express workflows logging at ERROR level write only failed executions to CloudWatch Logs: negligible, not costed.',
    'StartSyncExecution does not count against the account capacity limits of Step Functions (AWS: "surges in workload may be throttled until capacity is available"); Express has no state-transition quota.',
  ];
  return { verdicts, notes };
}

/** The monthly cost of the batch starter's billed duration. */
function starterCost(cost: CostEstimate): number {
  return cost.lines
    .filter((l) => l.component.includes('batch starter waiting'))
    .reduce((sum, l) => sum + l.monthlyUsd, 0);
}

/** Verdicts of the direct topology. */
export function directVerdicts(
  inputs: PlanInputs,
  quotas: RegionQuotas,
  cap: DirectCapacity,
  rec: DirectRecommendation,
  cost: CostEstimate,
  bufferedCost: CostEstimate | null,
  burst: BurstResult | null,
): Verdicts {
  const verdicts: string[] = [];
  const start = quotas.stepFunctions.standardStartExecution;
  const limits = failing(cap.checks, 'limit');
  if (limits.length === 0) {
    verdicts.push(
      `direct mode sustains ${num(inputs.peakRate)} events/s in ${quotas.region}: the first limit is the ${cap.limitingFactor} at ${num(cap.maxSustainableRate, 1)} events/s (${num(cap.maxSustainableRate / inputs.peakRate, 1)}× the peak); bursts of up to ${num(start.bucket.value)} executions are absorbed by the StartExecution bucket.`,
    );
  } else {
    for (const c of limits) verdicts.push(exceeded('direct', inputs, c));
    verdicts.push(
      `Above ${num(cap.maxSustainableRate, 1)} events/s in ${quotas.region}, use buffered mode, or ask AWS to raise the Standard StartExecution and StateTransition quotas to at least ${num(inputs.peakRate)} executions/s and ${num(inputs.peakRate * cap.transitionsPerExecution)} transitions/s.`,
    );
  }
  for (const c of failing(cap.checks, 'warning')) {
    if (c.id === 'dynamodb.newTable') {
      verdicts.push(
        `At peak the table takes ${num(c.demand)} writes/s, above the ${num(c.limit)} writes/s a new on-demand table sustains: set its warm throughput to at least ${num(Math.ceil(c.demand))} writes/s before go-live.`,
      );
    } else verdicts.push(`${c.name}: ${c.consequence}.`);
  }
  verdicts.push(
    `Lambda concurrency at peak ≈ ${num(cap.lambdaConcurrency.total, 1)} (Little's law: ${num(inputs.peakRate)} events/s × (${num(inputs.validateMs)} + ${num(inputs.processMs)}) ms); set reserved concurrency ${reservedText(rec.reservedConcurrency)}.`,
  );
  const account = accountVerdict(inputs, rec.reservedConcurrency);
  if (account) verdicts.push(account);
  if (!rec.achievable) {
    verdicts.push(
      `Validate + Process take ${duration(rec.expectedLatencyMs)}, above the ${duration(rec.targetLatencyMs)} target latency.`,
    );
  }
  const transitionsPerMillion = cost.lines.find((l) => l.priceId === 'stepFunctionsStandardTransitionsPerThousand');
  const compare = bufferedCost ? ` (buffered: ${usd(bufferedCost.perMillionEventsUsd)})` : '';
  verdicts.push(
    `Cost: ${usd(cost.monthlyUsd)} a month, ${usd(cost.perMillionEventsUsd)} per million events${compare}; state transitions alone are ${usd(transitionsPerMillion ? transitionsPerMillion.monthlyUsd / (cost.monthlyEvents / 1e6) : 0)} per million events (${cap.transitionsPerExecution} per execution).`,
  );
  if (burst) verdicts.push(burstVerdict(burst, inputs));

  const notes = [
    `Direct mode starts one Standard execution per event: Validate (Task) → CheckValid (Choice) → Process (Task), ${cap.transitionsPerExecution} state transitions. MaxConcurrency does not apply (no Map), so nothing but reserved concurrency bounds Lambda.`,
    `Throttled StartExecution calls are retried by EventBridge with exponential backoff and jitter for up to ${num(inputs.retryAttempts)} retries / ${duration(inputs.retryMaxAgeSeconds * 1_000)}, then dropped unless the rule target has a dead-letter queue (standard SQS): always configure one.`,
  ];
  return { verdicts, notes };
}
