/**
 * Verdicts: what the numbers mean for the user, in sentences they can act on — which limit
 * binds, what AWS does when it is exceeded, what to set, what it costs. Notes carry the context
 * (how a limit works, what the estimate leaves out).
 */
import type { BufferedCapacity } from './buffered.js';
import type { BurstResult } from './burst/index.js';
import type { Check } from './capacity.js';
import type { CostEstimate } from './cost.js';
import type { DirectCapacity } from './direct.js';
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
  // The direct simulation does not cap Lambda: compare its peak with what the account allows.
  const processPeak = b.peakProcessConcurrency;
  let lambda = '';
  if (inputs.reservedConcurrency !== null && processPeak > inputs.reservedConcurrency * 1.001) {
    lambda = ` Process needs ${num(processPeak)} concurrent executions at the peak, above its reserved concurrency of ${num(inputs.reservedConcurrency)}: the excess is throttled and Step Functions retries it (bounded Retry, then the failure path).`;
  } else if (b.peakLambdaConcurrency > inputs.accountConcurrency * 1.001) {
    lambda = ` The peak exceeds the account's Lambda concurrency of ${num(inputs.accountConcurrency)}: invocations across the account are throttled and Step Functions retries them.`;
  }
  if (b.timeToDrainSeconds === null) {
    return `${head} never drains within ${duration(b.simulatedSeconds * 1_000)}${throttled}: ${peaks}; ${late}; ${num(b.backlogAtEnd)} still waiting at the end and ${risk}.${lambda}`;
  }
  return `${head} drains in ${duration(b.timeToDrainSeconds * 1_000)}${throttled}: ${peaks}; ${late}; ${risk}.${lambda}`;
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
      ? 'Lambda logs are not costed (--log-bytes-per-invocation 0: JSON log format with system and application log level WARN writes nothing per successful invocation).'
      : `Lambda logs are costed at ${num(inputs.logBytesPerInvocation)} bytes per invocation (the text-format START/END/REPORT lines); JSON log format with system log level WARN removes them: --log-bytes-per-invocation 0.`,
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
    if (c.id === 'stepFunctions.batchPayload') {
      verdicts.push(
        `BatchSize ${num(inputs.batchSize)} does not fit the 256 KiB Step Functions input: with ${num(inputs.eventKb, 2)} KB events (${num(cap.geometry.recordBytes)}-byte records with the SQS envelope) a batch holds at most ${num(cap.geometry.payloadLimit)}. Set BatchSize ≤ ${num(cap.geometry.payloadLimit)} (the estimate uses ${num(cap.geometry.maxBatch)}).`,
      );
    } else if (c.id === 'stepFunctions.inlineMapConcurrency') {
      verdicts.push(
        `MaxConcurrency ${inputs.maxConcurrency === 0 ? '0 (no limit)' : num(inputs.maxConcurrency)}: an Inline Map runs at most 40 iterations at once, so the estimate uses 40.`,
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
    `Lambda concurrency at peak ≈ ${num(lc.total, 1)} (Little's law: ${num(inputs.peakRate)} events/s × ${num(inputs.processMs)} ms Process = ${num((inputs.peakRate * inputs.processMs) / 1_000, 1)}, plus ${num(lc.validate + lc.summarize, 1)} for the per-batch functions), bounded by pipe concurrency × MaxConcurrency = ${num(cap.pipeConcurrencyLimit)} × ${num(cap.geometry.mapConcurrency)} = ${num(cap.pipeConcurrencyLimit * cap.geometry.mapConcurrency)}.`,
  );
  if (rec.achievable) {
    verdicts.push(
      `For a worst-case latency of ${duration(rec.targetLatencyMs)} at ${num(inputs.peakRate)} events/s: BatchSize ${num(rec.batchSize)} (the largest that fits the Step Functions input and fills within the window), MaxConcurrency ${num(rec.maxConcurrency)} (the smallest that fits batch fill and execution in half the target — expected ${duration(rec.expectedLatencyMs)}, ${num(rec.pipeConcurrency, 1)} executions in flight; a larger value only shortens executions and lowers the Express cost), reserved concurrency ${reservedText(rec.reservedConcurrency)}.`,
    );
  } else {
    verdicts.push(
      `No setting meets a worst-case latency of ${duration(rec.targetLatencyMs)} at ${num(inputs.peakRate)} events/s within the pipe's concurrency: the closest is BatchSize ${num(rec.batchSize)}, MaxConcurrency ${num(rec.maxConcurrency)} (${duration(rec.expectedLatencyMs)}). Raise --target-latency-ms, shorten Process, or lower the batching window.`,
    );
  }
  const account = accountVerdict(inputs, rec.reservedConcurrency);
  if (account) verdicts.push(account);
  if (inputs.reservedConcurrency !== null && inputs.reservedConcurrency < rec.reservedConcurrency.process) {
    verdicts.push(
      `The Process function's reserved concurrency (${num(inputs.reservedConcurrency)}) is below the recommended ${num(rec.reservedConcurrency.process)}: peaks will be throttled and retried.`,
    );
  }
  verdicts.push(
    `Cost: ${usd(cost.monthlyUsd)} a month, ${usd(cost.perMillionEventsUsd)} per million events at ${num(inputs.rate)} events/s average.`,
  );
  if (burst) verdicts.push(burstVerdict(burst, inputs));

  const notes = [
    `MaxConcurrency bounds the Map inside one execution only. The pipe runs one synchronous Express execution per batch and scales its SQS pollers with the backlog (5 batches at first, up to 60 more a minute, at most ${num(cap.pipeConcurrencyLimit)} here), so concurrency multiplies; reserved concurrency on the Process function is the hard global cap.`,
    `Batches at peak: ${num(cap.geometry.batch, 1)} events (of at most ${num(cap.geometry.maxBatch)}), filled in ${duration(cap.geometry.fillMs)}, executed in ${duration(cap.geometry.executionMs)} (${num(cap.geometry.waves)} waves of ${num(cap.geometry.mapConcurrency)}); ${num(cap.geometry.executionsPerSecond, 1)} executions/s, ${num(cap.pipeConcurrency, 1)} in flight.`,
    'With a batching window and little traffic, Pipes may wait up to 20 s before invoking: quiet-period latency can exceed the steady-state figure.',
    'Express workflows logging at ERROR level write only failed executions to CloudWatch Logs: negligible, not costed.',
    'StartSyncExecution does not draw from the StartExecution token bucket; Express has no state-transition quota.',
  ];
  return { verdicts, notes };
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
