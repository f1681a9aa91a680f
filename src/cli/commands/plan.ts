/**
 * `genesys-pipeline plan`: capacity and cost of the buffered and direct topologies for a given
 * event rate, against AWS's documented quotas and prices. The model is pure (src/plan); this
 * command parses options, reads the optional prices file, prints, and with `--html` writes the
 * plan as a page of charts. Several `--batch-size` / `--max-concurrency` values plan every
 * combination, for comparison.
 */
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import {
  applyPriceOverrides,
  DEFAULT_PRICES,
  formatPlanJson,
  formatPlanText,
  loadPlanPageAssets,
  parsePriceOverrides,
  PLAN_DEFAULTS,
  planCapacity,
  PlanInputError,
  planPageModel,
  PlanPageAssetsError,
  PriceFileError,
  resolvePlanInputs,
  renderPlanPage,
} from '../../plan/index.js';
import { PRICE_REGION } from '../../plan/prices.js';
import type { PlanCapacityOptions, PlanVariant } from '../../plan/index.js';
import type { WorkflowMode } from '../../contract/index.js';
import { CliError } from '../errors.js';
import { parseInteger, parseIntegerList, parseNumber } from '../options.js';

interface PlanCliOptions {
  rate: number;
  peakRate?: number;
  region: string;
  mode: 'buffered' | 'direct' | 'both';
  batchSize?: number[];
  batchWindowMs: number;
  maxProcessorConcurrency?: number;
  eventSourceConcurrency?: number;
  maxConcurrency?: number[];
  functionTimeoutMs: number;
  processMs: number;
  validateMs: number;
  summarizeMs: number;
  lambdaMemoryMb: number;
  eventKb: number;
  projectionKb: number;
  mix?: Record<string, number>;
  targetLatencyMs: number;
  accountConcurrency: number;
  reservedConcurrency?: number;
  logBytesPerInvocation: number;
  archive: boolean;
  retryAttempts: number;
  retryMaxAgeS: number;
  burst?: number;
  prices?: string;
  json?: boolean;
  html?: string;
}

/** Most combinations of batch sizes and MaxConcurrency values one plan compares. */
const MAX_VARIANTS = 12;

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
    .option(
      '--max-processor-concurrency <n>',
      'the bound E × M: processor invocations at once, at most (default 100 = 4 × 25)',
      parseInteger(2, 40_000),
    )
    .option(
      '--event-source-concurrency <n>',
      'E: the event source mapping MaximumConcurrency, batches at once (2–1,000); default: from the bound',
      parseInteger(2, 1_000),
    )
    .option(
      '--max-concurrency <n>',
      'M: the Map MaxConcurrency (1–40); default: from the bound; several (5,10,25) are compared',
      parseIntegerList(1, 40),
    )
    .option(
      '--batch-size <n>',
      `event source mapping BatchSize (1–10,000; default ${d.batchSize}); several (10,100,1000) are compared`,
      parseIntegerList(1, 10_000),
    )
    .option(
      '--batch-window-ms <ms>',
      'batching window, whole seconds in ms (0, 1000, … 300000)',
      parseInteger(0, 300_000),
      d.batchWindowMs,
    )
    .option(
      '--function-timeout-ms <ms>',
      'the functions’ timeout as deployed (the worst-case time budget of an execution counts every attempt at it)',
      parseInteger(1_000, 900_000),
      d.functionTimeoutMs,
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
    .option(
      '--projection-kb <kb>',
      'size of one conversation projection item (a fact: one conditional put per conversation event)',
      parseNumber(0),
      d.projectionKb,
    )
    .option(
      '--mix <shares>',
      'share of the events of each family, e.g. conversation=0.85,user-routing-status=0.08,user-presence=0.04,audit=0.01,transcription=0.02 (normalized; default conversation=1): the projections they write',
      parseMix,
    )
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
      "CloudWatch Logs bytes of Lambda's platform lines per invocation (0 as deployed: JSON format, system log level WARN; ~300 in text format)",
      parseNumber(0),
      d.logBytesPerInvocation,
    )
    .option('--no-archive', 'plan without the EventBridge archive (no replay); its price is shown either way')
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
    .option(
      '--html <file>',
      'also write the plan as one self-contained page of charts (burst over time, cost with its floor, verdicts)',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  genesys-pipeline plan --rate 500 --peak-rate 2000\n  genesys-pipeline plan --rate 200 --mode direct --region eu-central-1 --burst 50000\n  genesys-pipeline plan --rate 1000 --prices eu-west-1-prices.json --json\n  genesys-pipeline plan --rate 100 --burst 1000000 --batch-size 10,100,1000 --html plan.html\n\nModel, sources and limits: docs/capacity.md',
    )
    .action((options: PlanCliOptions) => {
      const variants = planVariants(options);
      if (options.html !== undefined) writeHtml(options.html, variants);
      process.stdout.write(formatVariants(variants, options.json ?? false));
    });
}

/**
 * One plan per combination of the batch sizes and MaxConcurrency values given. Without
 * `--max-concurrency` the Map's MaxConcurrency comes from the bound (and is read back from the plan).
 */
function planVariants(options: PlanCliOptions): PlanVariant[] {
  const batchSizes = [...new Set(options.batchSize ?? [d.batchSize])];
  const concurrencies: (number | undefined)[] = options.maxConcurrency
    ? [...new Set(options.maxConcurrency)]
    : [undefined];
  if (batchSizes.length * concurrencies.length > MAX_VARIANTS)
    throw new CliError(
      `genesys-pipeline plan: ${batchSizes.length} batch sizes × ${concurrencies.length} MaxConcurrency values make ${batchSizes.length * concurrencies.length} plans; compare at most ${MAX_VARIANTS} at once.`,
      1,
    );
  const prices = options.prices === undefined ? {} : loadPrices(options.prices);
  return batchSizes.flatMap((batchSize) =>
    concurrencies.map((maxConcurrency) => {
      const report = runPlan(options, batchSize, maxConcurrency, {
        ...prices,
        burstSeries: options.html !== undefined,
      });
      return { batchSize, maxConcurrency: report.inputs.maxConcurrency, report };
    }),
  );
}

/** One plan as today; several one after another (JSON: `{ "variants": [{ batchSize, maxConcurrency, plan }] }`). */
function formatVariants(variants: readonly PlanVariant[], json: boolean): string {
  if (variants.length === 1) {
    const report = variants[0]!.report;
    return json ? formatPlanJson(report) : formatPlanText(report);
  }
  if (json) {
    const wrapped = variants.map((v) => ({ batchSize: v.batchSize, maxConcurrency: v.maxConcurrency, plan: v.report }));
    // formatPlanJson trims the numbers of any value; it is typed for one report.
    return formatPlanJson({ variants: wrapped } as unknown as Parameters<typeof formatPlanJson>[0]);
  }
  return variants
    .map(
      (v) =>
        `════ batch size ${v.batchSize.toLocaleString('en-US')}, MaxConcurrency ${v.maxConcurrency} ════\n\n${formatPlanText(v.report)}`,
    )
    .join('\n');
}

function writeHtml(file: string, variants: readonly PlanVariant[]): void {
  let html: string;
  try {
    html = renderPlanPage(planPageModel(variants), loadPlanPageAssets());
  } catch (error) {
    if (error instanceof PlanPageAssetsError) throw new CliError(`genesys-pipeline plan: ${error.message}`, 2);
    throw error;
  }
  try {
    writeFileSync(file, html);
  } catch (error) {
    throw new CliError(`genesys-pipeline plan: cannot write ${file}: ${(error as Error).message}`, 2);
  }
  process.stderr.write(`Wrote the plan's charts to ${file} (open it in a browser; it fetches nothing).\n`);
}

function runPlan(
  options: PlanCliOptions,
  batchSize: number,
  maxConcurrency: number | undefined,
  capacityOptions: PlanCapacityOptions,
) {
  const modes: WorkflowMode[] = options.mode === 'both' ? ['buffered', 'direct'] : [options.mode];
  try {
    const inputs = resolvePlanInputs({
      rate: options.rate,
      peakRate: options.peakRate,
      region: options.region,
      modes,
      batchSize,
      batchWindowMs: options.batchWindowMs,
      maxProcessorConcurrency: options.maxProcessorConcurrency,
      eventSourceConcurrency: options.eventSourceConcurrency,
      maxConcurrency,
      functionTimeoutMs: options.functionTimeoutMs,
      processMs: options.processMs,
      validateMs: options.validateMs,
      summarizeMs: options.summarizeMs,
      lambdaMemoryMb: options.lambdaMemoryMb,
      eventKb: options.eventKb,
      projectionKb: options.projectionKb,
      ...(options.mix ? { familyMix: options.mix } : {}),
      targetLatencyMs: options.targetLatencyMs,
      accountConcurrency: options.accountConcurrency,
      reservedConcurrency: options.reservedConcurrency ?? null,
      logBytesPerInvocation: options.logBytesPerInvocation,
      archive: options.archive,
      retryAttempts: options.retryAttempts,
      retryMaxAgeSeconds: options.retryMaxAgeS,
      burst: options.burst ?? null,
    });
    return planCapacity(inputs, capacityOptions);
  } catch (error) {
    if (error instanceof PlanInputError || error instanceof PriceFileError)
      throw new CliError(`genesys-pipeline plan: ${error.message}`, 1);
    throw error;
  }
}

function loadPrices(file: string): PlanCapacityOptions {
  try {
    return readPrices(file);
  } catch (error) {
    if (error instanceof PriceFileError) throw new CliError(`genesys-pipeline plan: ${error.message}`, 1);
    throw error;
  }
}

function readPrices(file: string): PlanCapacityOptions {
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

/** `--mix conversation=0.9,audit=0.1` → `{ conversation: 0.9, audit: 0.1 }` (names and shares checked by the planner). */
function parseMix(value: string): Record<string, number> {
  const mix: Record<string, number> = {};
  for (const part of value.split(',')) {
    const [name, share] = part.split('=').map((s) => s.trim());
    const n = Number(share);
    if (!name || share === undefined || !Number.isFinite(n) || n < 0)
      throw new InvalidArgumentError(
        `expected family=share pairs such as conversation=0.9,audit=0.1, got "${part.trim()}" in "${value}"`,
      );
    mix[name] = n;
  }
  return mix;
}
