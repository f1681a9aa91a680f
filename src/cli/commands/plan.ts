/**
 * `genesys-pipeline plan`: capacity and cost of the buffered and direct topologies for a given
 * event rate, against AWS's documented quotas and prices. The model is pure (src/plan); this
 * command parses options, reads the optional prices file and prints.
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import {
  applyPriceOverrides,
  DEFAULT_PRICES,
  formatPlanJson,
  formatPlanText,
  parsePriceOverrides,
  PLAN_DEFAULTS,
  planCapacity,
  PlanInputError,
  PriceFileError,
  resolvePlanInputs,
} from '../../plan/index.js';
import { PRICE_REGION } from '../../plan/prices.js';
import type { PlanCapacityOptions } from '../../plan/index.js';
import type { WorkflowMode } from '../../contract/index.js';
import { CliError } from '../errors.js';
import { parseInteger, parseNumber } from '../options.js';

interface PlanCliOptions {
  rate: number;
  peakRate?: number;
  region: string;
  mode: 'buffered' | 'direct' | 'both';
  batchSize: number;
  batchWindowMs: number;
  maxConcurrency: number;
  processMs: number;
  validateMs: number;
  summarizeMs: number;
  lambdaMemoryMb: number;
  eventKb: number;
  projectionKb: number;
  targetLatencyMs: number;
  accountConcurrency: number;
  reservedConcurrency?: number;
  logBytesPerInvocation: number;
  retryAttempts: number;
  retryMaxAgeS: number;
  burst?: number;
  prices?: string;
  json?: boolean;
}

const d = PLAN_DEFAULTS;

/** Registers the `plan` command. */
export function register(program: Command): void {
  program
    .command('plan')
    .description(
      'Capacity and cost plan: will the buffered and direct topologies keep up, what concurrency will they use, what will they cost?',
    )
    .requiredOption('--rate <events/s>', 'average event rate (drives the monthly cost)', parseNumber(0))
    .option('--peak-rate <events/s>', 'peak event rate (drives the capacity verdicts; default: --rate)', parseNumber(0))
    .option('--region <region>', 'AWS Region (selects the quota group)', d.region)
    .addOption(
      new Option('--mode <mode>', 'topologies to plan').choices(['buffered', 'direct', 'both']).default('both'),
    )
    .option('--batch-size <n>', 'Pipe SQS source BatchSize (1–10,000)', parseInteger(1, 10_000), d.batchSize)
    .option(
      '--batch-window-ms <ms>',
      'Pipe batching window, whole seconds in ms (0, 1000, … 300000)',
      parseInteger(0, 300_000),
      d.batchWindowMs,
    )
    .option(
      '--max-concurrency <n>',
      'Map MaxConcurrency (0 = no limit; Inline Map runs ≤ 40)',
      parseInteger(0),
      d.maxConcurrency,
    )
    .option('--process-ms <ms>', 'duration of one Process invocation', parseNumber(0), d.processMs)
    .option('--validate-ms <ms>', 'duration of one Validate invocation', parseNumber(0), d.validateMs)
    .option(
      '--summarize-ms <ms>',
      'duration of the per-batch summary (ReportBatch) invocation (0 = none)',
      parseNumber(0),
      d.summarizeMs,
    )
    .option('--lambda-memory-mb <mb>', 'Lambda memory', parseInteger(128, 10_240), d.lambdaMemoryMb)
    .option('--event-kb <kb>', 'size of one EventBridge event', parseNumber(0), d.eventKb)
    .option('--projection-kb <kb>', 'size of a conversation projection item', parseNumber(0), d.projectionKb)
    .option(
      '--target-latency-ms <ms>',
      'worst-case latency the recommendations aim for',
      parseNumber(0),
      d.targetLatencyMs,
    )
    .option(
      '--account-concurrency <n>',
      "the account's Lambda concurrency quota",
      parseInteger(1),
      d.accountConcurrency,
    )
    .option('--reserved-concurrency <n>', 'reserved concurrency of the Process function', parseInteger(1))
    .option(
      '--log-bytes-per-invocation <bytes>',
      'CloudWatch Logs bytes per Lambda invocation',
      parseNumber(0),
      d.logBytesPerInvocation,
    )
    .option(
      '--retry-attempts <n>',
      'direct mode: rule target MaximumRetryAttempts (0–185)',
      parseInteger(0, 185),
      d.retryAttempts,
    )
    .option(
      '--retry-max-age-s <s>',
      'direct mode: rule target MaximumEventAgeInSeconds (60–86,400)',
      parseInteger(60, 86_400),
      d.retryMaxAgeSeconds,
    )
    .option('--burst <events>', 'simulate this many extra events arriving at once on top of --rate', parseInteger(1))
    .option('--prices <file>', 'JSON file overriding prices (see docs/capacity.md)')
    .option('--json', 'print the plan as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  genesys-pipeline plan --rate 500 --peak-rate 2000\n  genesys-pipeline plan --rate 200 --mode direct --region eu-central-1 --burst 50000\n  genesys-pipeline plan --rate 1000 --prices eu-west-1-prices.json --json\n\nModel, sources and limits: docs/capacity.md',
    )
    .action((options: PlanCliOptions) => {
      process.stdout.write(runPlan(options));
    });
}

function runPlan(options: PlanCliOptions): string {
  const modes: WorkflowMode[] = options.mode === 'both' ? ['buffered', 'direct'] : [options.mode];
  try {
    const inputs = resolvePlanInputs({
      rate: options.rate,
      peakRate: options.peakRate,
      region: options.region,
      modes,
      batchSize: options.batchSize,
      batchWindowMs: options.batchWindowMs,
      maxConcurrency: options.maxConcurrency,
      processMs: options.processMs,
      validateMs: options.validateMs,
      summarizeMs: options.summarizeMs,
      lambdaMemoryMb: options.lambdaMemoryMb,
      eventKb: options.eventKb,
      projectionKb: options.projectionKb,
      targetLatencyMs: options.targetLatencyMs,
      accountConcurrency: options.accountConcurrency,
      reservedConcurrency: options.reservedConcurrency ?? null,
      logBytesPerInvocation: options.logBytesPerInvocation,
      retryAttempts: options.retryAttempts,
      retryMaxAgeSeconds: options.retryMaxAgeS,
      burst: options.burst ?? null,
    });
    const report = planCapacity(inputs, options.prices === undefined ? {} : loadPrices(options.prices));
    return options.json ? formatPlanJson(report) : formatPlanText(report);
  } catch (error) {
    if (error instanceof PlanInputError || error instanceof PriceFileError)
      throw new CliError(`genesys-pipeline plan: ${error.message}`, 1);
    throw error;
  }
}

function loadPrices(file: string): PlanCapacityOptions {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new PriceFileError(file, [`cannot be read (${code}); give the path of a JSON file of price overrides`]);
  }
  const overrides = parsePriceOverrides(text, file);
  return { prices: applyPriceOverrides(DEFAULT_PRICES, overrides), pricesRegion: overrides.region ?? PRICE_REGION };
}
