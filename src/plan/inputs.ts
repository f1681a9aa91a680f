/**
 * The planner's inputs: what the user tells us about their traffic and their configuration,
 * with defaults and validation. Validation is pure and throws {@link PlanInputError} naming the
 * CLI option at fault, the accepted range and why.
 */
import { PIPELINE_DEFAULTS } from '../contract/index.js';
import { EVENT_KINDS } from '../events/topics.js';
import type { EventKind } from '../events/topics.js';
import { resolveConcurrencyBound } from '../workflow/concurrency-bound.js';
import type { ConcurrencyBoundNames } from '../workflow/concurrency-bound.js';
import { stripUndefined } from '../shared/index.js';
import { PlanInputError } from './errors.js';

/** The two topologies the project deploys. */
export type Mode = 'buffered' | 'direct';

/** Every mode, in report order. */
export const MODES: readonly Mode[] = ['buffered', 'direct'];

/** Complete, validated planner inputs. Durations in milliseconds, sizes in KB (1 KB = 1,024 bytes). */
export interface PlanInputs {
  /** Average event rate (events/s): drives the monthly cost. */
  readonly rate: number;
  /** Peak event rate (events/s): drives the capacity verdicts. ≥ `rate`. */
  readonly peakRate: number;
  /** AWS Region, e.g. `us-east-1`: selects the quota group. */
  readonly region: string;
  readonly modes: readonly Mode[];
  /** The event source mapping's `BatchSize` (1–10,000). */
  readonly batchSize: number;
  /** The event source mapping's `MaximumBatchingWindowInSeconds` × 1,000: whole seconds only, 0–300,000. */
  readonly batchWindowMs: number;
  /** The bound: processor invocations at once, at most (E × M). */
  readonly maxProcessorConcurrency: number;
  /** E: the event source mapping's `ScalingConfig.MaximumConcurrency` (2–1,000), batches at once. */
  readonly eventSourceConcurrency: number;
  /** M: the Map's `MaxConcurrency` (1–40). */
  readonly maxConcurrency: number;
  /** The functions' timeout the construct deploys (its worst-case time budget counts every attempt at it + 5 s). */
  readonly functionTimeoutMs: number;
  /** Duration of one Process invocation as the state machine sees it. */
  readonly processMs: number;
  /** Duration of one Validate invocation (one per batch in buffered mode, one per event in direct mode). */
  readonly validateMs: number;
  /** Duration of the per-batch summary invocation (the project's ReportBatch); 0 = none. Buffered mode only. */
  readonly summarizeMs: number;
  readonly lambdaMemoryMb: number;
  /** Size of one EventBridge event as delivered (envelope included). */
  readonly eventKb: number;
  /** Size of one item of the conversation projection in DynamoDB: a conversation fact (the projection is stored as its facts). */
  readonly projectionKb: number;
  /**
   * The share of the events of each family (`conversation`, `user-presence`, …, `generic`): what
   * the topics forwarded bring. Shares as given (normalized by {@link resolvePlanInputs} to sum 1);
   * families left out have none.
   */
  readonly familyMix: Readonly<Partial<Record<EventKind, number>>>;
  /** Worst-case latency the recommendations aim for (arrival on the bus → processed). */
  readonly targetLatencyMs: number;
  /** The account's Lambda concurrency quota in the Region. */
  readonly accountConcurrency: number;
  /** Reserved concurrency of the Process function, if set. */
  readonly reservedConcurrency: number | null;
  /**
   * CloudWatch Logs bytes Lambda's platform writes per invocation: 0 as the construct deploys
   * (JSON format, system log level WARN); ~300 for the text-format START/END/REPORT lines. The
   * functions' own lines are costed apart (measured, in the assumptions).
   */
  readonly logBytesPerInvocation: number;
  /** Keep an EventBridge archive of the events for replay (the construct's `archive`, default on): priced, and shown apart. */
  readonly archive: boolean;
  /** Direct mode: the rule target's `MaximumRetryAttempts` (0–185). */
  readonly retryAttempts: number;
  /** Direct mode: the rule target's `MaximumEventAgeInSeconds` (60–86,400). */
  readonly retryMaxAgeSeconds: number;
  /** Extra events arriving at once on top of `rate`, for the burst simulation; null = no simulation. */
  readonly burst: number | null;
}

/** Inputs as given: only `rate` is required; the bound's factors are derived from it when not given. */
export type PlanInputOptions = { readonly rate: number } & Partial<Omit<PlanInputs, 'rate'>>;

/** The defaults applied by {@link resolvePlanInputs}. */
export const PLAN_DEFAULTS = {
  region: 'us-east-1',
  modes: MODES,
  batchSize: PIPELINE_DEFAULTS.batchSize,
  batchWindowMs: PIPELINE_DEFAULTS.batchWindowSeconds * 1_000,
  functionTimeoutMs: PIPELINE_DEFAULTS.functionTimeoutSeconds * 1_000,
  processMs: 50,
  validateMs: 20,
  summarizeMs: 20,
  lambdaMemoryMb: PIPELINE_DEFAULTS.lambdaMemoryMb,
  eventKb: 2,
  projectionKb: 0.5,
  familyMix: { conversation: 1 },
  targetLatencyMs: 5_000,
  accountConcurrency: 1_000,
  reservedConcurrency: null,
  logBytesPerInvocation: 0,
  archive: true,
  retryAttempts: PIPELINE_DEFAULTS.targetRetry.maximumRetryAttempts,
  retryMaxAgeSeconds: PIPELINE_DEFAULTS.targetRetry.maximumEventAgeSeconds,
  burst: null,
} as const satisfies Omit<
  PlanInputs,
  'rate' | 'peakRate' | 'maxProcessorConcurrency' | 'eventSourceConcurrency' | 'maxConcurrency'
>;

/** The bound's settings as `plan` names them. */
const BOUND_OPTIONS: ConcurrencyBoundNames = {
  maxProcessorConcurrency: '--max-processor-concurrency',
  eventSourceConcurrency: '--event-source-concurrency',
  maxConcurrency: '--max-concurrency',
};

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

function requireNumber(
  input: string,
  value: number,
  min: number,
  max: number,
  what: string,
  opts: { integer?: boolean; exclusiveMin?: boolean } = {},
): void {
  const lowOk = opts.exclusiveMin ? value > min : value >= min;
  if (!Number.isFinite(value) || !lowOk || value > max || (opts.integer && !Number.isInteger(value))) {
    const range = `${opts.exclusiveMin ? '>' : '≥'} ${min}${Number.isFinite(max) ? ` and ≤ ${max.toLocaleString('en-US')}` : ''}`;
    throw new PlanInputError(
      input,
      `expected ${opts.integer ? 'a whole number' : 'a number'} ${range} (${what}), got ${value}`,
    );
  }
}

/**
 * Applies defaults and validates every input.
 *
 * @throws {PlanInputError} naming the CLI option at fault.
 * @example
 * resolvePlanInputs({ rate: 200 }).peakRate // 200
 * resolvePlanInputs({ rate: 200, batchWindowMs: 250 }) // throws: batching windows are whole seconds
 * resolvePlanInputs({ rate: 200 }).eventSourceConcurrency // 4 (the default bound 100 = 4 × 25)
 */
export function resolvePlanInputs(options: PlanInputOptions): PlanInputs {
  const problems: string[] = [];
  const bound = resolveConcurrencyBound(
    stripUndefined({
      maxProcessorConcurrency: options.maxProcessorConcurrency,
      eventSourceConcurrency: options.eventSourceConcurrency,
      maxConcurrency: options.maxConcurrency,
    }),
    problems,
    BOUND_OPTIONS,
  );
  if (!bound) {
    const problem = problems[0]!;
    const option =
      Object.values(BOUND_OPTIONS).find((name) => problem.startsWith(name)) ?? BOUND_OPTIONS.maxProcessorConcurrency;
    throw new PlanInputError(option, problem.slice(problem.startsWith(option) ? option.length + 1 : 0));
  }
  const inputs: PlanInputs = {
    rate: options.rate,
    peakRate: options.peakRate ?? options.rate,
    ...PLAN_DEFAULTS,
    ...stripUndefined(options),
    ...bound,
  };
  requireNumber('--rate', inputs.rate, 0, 10_000_000, 'average events per second', { exclusiveMin: true });
  requireNumber('--peak-rate', inputs.peakRate, 0, 10_000_000, 'peak events per second', { exclusiveMin: true });
  if (inputs.peakRate < inputs.rate) {
    throw new PlanInputError(
      '--peak-rate',
      `the peak rate (${inputs.peakRate}/s) is below the average rate (${inputs.rate}/s); give a peak ≥ the average, or omit it to use the average`,
    );
  }
  if (!REGION.test(inputs.region)) {
    throw new PlanInputError(
      '--region',
      `"${inputs.region}" is not an AWS Region code; expected something like us-east-1 or eu-west-2`,
    );
  }
  if (inputs.modes.length === 0 || inputs.modes.some((m) => !MODES.includes(m))) {
    throw new PlanInputError('--mode', `expected buffered, direct or both, got ${inputs.modes.join(',') || 'nothing'}`);
  }
  requireNumber('--batch-size', inputs.batchSize, 1, 10_000, 'the event source mapping BatchSize', {
    integer: true,
  });
  requireNumber('--batch-window-ms', inputs.batchWindowMs, 0, 300_000, 'the batching window', { integer: true });
  if (inputs.batchWindowMs % 1_000 !== 0) {
    throw new PlanInputError(
      '--batch-window-ms',
      `${inputs.batchWindowMs} ms cannot be configured: an event source mapping's MaximumBatchingWindowInSeconds is a whole number of seconds (0–300); use 0, 1000, 2000, … 300000`,
    );
  }
  if (inputs.batchSize > 10 && inputs.batchWindowMs === 0) {
    throw new PlanInputError(
      '--batch-window-ms',
      `a batch of more than 10 (--batch-size ${inputs.batchSize}) needs a batching window of at least 1000 ms; an SQS event source mapping takes more than 10 messages only with one`,
    );
  }
  requireNumber('--function-timeout-ms', inputs.functionTimeoutMs, 1_000, 900_000, 'the functions’ timeout', {
    integer: true,
  });
  requireNumber('--process-ms', inputs.processMs, 0, 900_000, 'one Process invocation; Lambda stops at 15 minutes', {
    exclusiveMin: true,
  });
  requireNumber('--validate-ms', inputs.validateMs, 0, 900_000, 'one Validate invocation');
  requireNumber('--summarize-ms', inputs.summarizeMs, 0, 900_000, 'the Summarize invocation per batch; 0 = none');
  requireNumber('--lambda-memory-mb', inputs.lambdaMemoryMb, 128, 10_240, 'Lambda memory', { integer: true });
  requireNumber('--event-kb', inputs.eventKb, 0, 256, 'an EventBridge event is at most 256 KB', { exclusiveMin: true });
  requireNumber('--projection-kb', inputs.projectionKb, 0, 400, 'a DynamoDB item is at most 400 KB', {
    exclusiveMin: true,
  });
  requireNumber('--target-latency-ms', inputs.targetLatencyMs, 0, 86_400_000, 'the latency to plan for', {
    exclusiveMin: true,
  });
  const mix = Object.entries(inputs.familyMix);
  for (const [kind, share] of mix) {
    if (!(EVENT_KINDS as readonly string[]).includes(kind))
      throw new PlanInputError('--mix', `unknown family "${kind}"; the families are ${EVENT_KINDS.join(', ')}`);
    requireNumber('--mix', share!, 0, Number.POSITIVE_INFINITY, `the share of ${kind} events`);
  }
  const total = mix.reduce((sum, [, share]) => sum + share!, 0);
  if (!(total > 0)) throw new PlanInputError('--mix', 'give at least one family a share > 0, e.g. conversation=1');
  (inputs as { familyMix: PlanInputs['familyMix'] }).familyMix = Object.fromEntries(
    mix.filter(([, share]) => share! > 0).map(([kind, share]) => [kind, share! / total]),
  );
  requireNumber(
    '--account-concurrency',
    inputs.accountConcurrency,
    1,
    10_000_000,
    'the account Lambda concurrency quota',
    { integer: true },
  );
  if (inputs.reservedConcurrency !== null) {
    const max = Math.max(0, inputs.accountConcurrency - 100);
    requireNumber(
      '--reserved-concurrency',
      inputs.reservedConcurrency,
      1,
      max,
      `Lambda keeps 100 of the account's ${inputs.accountConcurrency} unreserved`,
      { integer: true },
    );
  }
  requireNumber(
    '--log-bytes-per-invocation',
    inputs.logBytesPerInvocation,
    0,
    10_000_000,
    'CloudWatch Logs bytes per invocation',
  );
  requireNumber('--retry-attempts', inputs.retryAttempts, 0, 185, 'the rule target MaximumRetryAttempts', {
    integer: true,
  });
  requireNumber(
    '--retry-max-age-s',
    inputs.retryMaxAgeSeconds,
    60,
    86_400,
    'the rule target MaximumEventAgeInSeconds',
    { integer: true },
  );
  if (inputs.burst !== null)
    requireNumber('--burst', inputs.burst, 1, 1_000_000_000, 'extra events arriving at once', { integer: true });
  return inputs;
}
