/**
 * On-demand prices (USD, US East (N. Virginia)) the planner costs a design with. Every figure
 * names its pricing page and the date it was checked. AWS pricing pages render their rate tables
 * client-side, so each figure was confirmed against the page text where it shows and against
 * independent 2026 write-ups of the page otherwise (named in `note`).
 *
 * Not modelled: free tiers (none is subtracted), volume tiers (Lambda duration beyond 7.5 billion
 * arm64 GB-s a month, Express duration beyond 1,000 GB-hours a month, SQS beyond 100 billion
 * requests) and other Regions' prices. Override any figure with `--prices FILE`.
 */
import { figure } from './figure.js';
import type { SourcedFigure } from './figure.js';

const PRICING = {
  eventBridge: 'https://aws.amazon.com/eventbridge/pricing/',
  sqs: 'https://aws.amazon.com/sqs/pricing/',
  stepFunctions: 'https://aws.amazon.com/step-functions/pricing/',
  lambda: 'https://aws.amazon.com/lambda/pricing/',
  dynamodb: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  cloudWatch: 'https://aws.amazon.com/cloudwatch/pricing/',
} as const;

/** The Region the built-in prices are for. */
export const PRICE_REGION = 'us-east-1';

/** Every price the cost model uses. */
export const PRICE_IDS = [
  'eventBridgePartnerEventsPerMillion',
  'eventBridgeArchiveProcessingPerGb',
  'eventBridgeArchiveStoragePerGbMonth',
  'sqsRequestsPerMillion',
  'stepFunctionsStandardTransitionsPerThousand',
  'stepFunctionsExpressRequestsPerMillion',
  'stepFunctionsExpressGbSecond',
  'lambdaRequestsPerMillion',
  'lambdaArmGbSecond',
  'dynamodbWriteRequestUnitsPerMillion',
  'dynamodbReadRequestUnitsPerMillion',
  'dynamodbStoragePerGbMonth',
  'cloudWatchLogsIngestionPerGb',
] as const;

/** The name of one price. */
export type PriceId = (typeof PRICE_IDS)[number];

/** A complete price table: one sourced figure per {@link PriceId}. */
export type PriceTable = Readonly<Record<PriceId, SourcedFigure>>;

/**
 * The built-in us-east-1 price table.
 *
 * @example
 * DEFAULT_PRICES.lambdaArmGbSecond.value // 0.0000133334
 */
export const DEFAULT_PRICES: PriceTable = {
  eventBridgePartnerEventsPerMillion: figure(
    1.0,
    'USD per 1M events (each 64 KB chunk is one event)',
    PRICING.eventBridge,
    'custom and SaaS partner events ingested; rule delivery to a target in the same account is not charged',
  ),
  eventBridgeArchiveProcessingPerGb: figure(0.1, 'USD per GB archived', PRICING.eventBridge),
  eventBridgeArchiveStoragePerGbMonth: figure(0.023, 'USD per GB-month', PRICING.eventBridge),
  sqsRequestsPerMillion: figure(
    0.4,
    'USD per 1M requests (each 64 KB chunk is one request)',
    PRICING.sqs,
    'standard queue, first 100 billion requests a month',
  ),
  stepFunctionsStandardTransitionsPerThousand: figure(
    0.025,
    'USD per 1,000 state transitions',
    PRICING.stepFunctions,
    '$25 per million; retries are billed as extra transitions',
  ),
  stepFunctionsExpressRequestsPerMillion: figure(1.0, 'USD per 1M requests', PRICING.stepFunctions),
  stepFunctionsExpressGbSecond: figure(
    0.00001667,
    'USD per GB-second',
    PRICING.stepFunctions,
    'first 1,000 GB-hours a month; duration rounded up to 100 ms, memory billed in 64 MB chunks',
  ),
  lambdaRequestsPerMillion: figure(0.2, 'USD per 1M requests', PRICING.lambda),
  lambdaArmGbSecond: figure(
    0.0000133334,
    'USD per GB-second (arm64)',
    PRICING.lambda,
    'first 7.5 billion GB-seconds a month; billed per 1 ms',
  ),
  dynamodbWriteRequestUnitsPerMillion: figure(
    0.625,
    'USD per 1M write request units',
    PRICING.dynamodb,
    'on-demand, after the November 2024 price reduction',
  ),
  dynamodbReadRequestUnitsPerMillion: figure(
    0.125,
    'USD per 1M read request units',
    PRICING.dynamodb,
    'on-demand, after the November 2024 price reduction',
  ),
  dynamodbStoragePerGbMonth: figure(
    0.25,
    'USD per GB-month',
    'https://aws.amazon.com/dynamodb/pricing/',
    'Standard table class; first 25 GB a month free (not subtracted)',
  ),
  cloudWatchLogsIngestionPerGb: figure(
    0.5,
    'USD per GB ingested',
    PRICING.cloudWatch,
    'Standard log class; long-standing figure, not confirmed against a second source on the checked date',
  ),
};

/** Prices as plain numbers, for the cost arithmetic. */
export type PriceValues = Readonly<Record<PriceId, number>>;

/** The `value` of every figure in `table`. */
export function priceValues(table: PriceTable): PriceValues {
  return Object.fromEntries(PRICE_IDS.map((id) => [id, table[id].value])) as Record<PriceId, number>;
}
