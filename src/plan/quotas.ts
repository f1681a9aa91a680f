/**
 * AWS service quotas the planner checks a design against, as documented defaults per Region.
 * Every figure names its page and the date it was checked; most are soft quotas that an
 * account can have raised, so the planner reports which one binds and how far it is exceeded.
 */
import { figure } from './figure.js';
import type { SourcedFigure } from './figure.js';

/** Source pages (the AWS documentation each figure was read from). */
const QUOTA_SOURCES = {
  stepFunctions: 'https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html',
  inlineMap: 'https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html',
  lambdaScaling: 'https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html',
  lambdaConcurrency: 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html',
  lambdaQuotas: 'https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html',
  eventBridgeQuotas: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html',
  eventBridgeRetry: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html',
  lambdaSqsScaling: 'https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html',
  lambdaSqsConfigure: 'https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html',
  lambdaScalingConfig: 'https://docs.aws.amazon.com/lambda/latest/dg/API_ScalingConfig.html',
  lambdaEventSourceMapping: 'https://docs.aws.amazon.com/lambda/latest/dg/API_CreateEventSourceMapping.html',
  sqsQueueQuotas: 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-queues.html',
  sqsMessageQuotas: 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html',
  dynamodbOnDemand: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/on-demand-capacity-mode.html',
  dynamodbQuotas: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html',
} as const;

/** A token bucket: `bucket` requests at once, refilled at `refillPerSecond`. */
export interface TokenBucketQuota {
  readonly bucket: SourcedFigure;
  readonly refillPerSecond: SourcedFigure;
}

/** The Regions AWS lists with the larger Step Functions quotas. */
const LARGE_QUOTA_REGIONS: readonly string[] = ['us-east-1', 'us-west-2', 'eu-west-1'];

/** Whether `region` is one of {@link LARGE_QUOTA_REGIONS}. */
function isLargeQuotaRegion(region: string): boolean {
  return LARGE_QUOTA_REGIONS.includes(region);
}

// EventBridge per-Region defaults (Custom Event Bus - Classic quotas table).
const EVENTBRIDGE_INVOCATIONS: Readonly<Record<string, number>> = {
  'us-east-1': 18_750,
  'us-east-2': 4_500,
  'us-west-1': 2_250,
  'us-west-2': 18_750,
  'ap-east-1': 1_100,
  'ap-northeast-1': 2_250,
  'ap-northeast-2': 1_100,
  'ap-south-1': 1_100,
  'ap-southeast-1': 2_250,
  'ap-southeast-2': 2_250,
  'ca-central-1': 1_100,
  'eu-central-1': 4_500,
  'eu-north-1': 1_100,
  'eu-south-2': 4_500,
  'eu-west-1': 18_750,
  'eu-west-2': 2_250,
  'eu-west-3': 1_100,
  'sa-east-1': 1_100,
};
const EVENTBRIDGE_INVOCATIONS_OTHER = 750;
const EVENTBRIDGE_PUT_EVENTS: Readonly<Record<string, number>> = {
  'us-east-1': 10_000,
  'us-east-2': 2_400,
  'us-west-1': 1_200,
  'us-west-2': 10_000,
  'ap-east-1': 600,
  'ap-northeast-1': 1_200,
  'ap-northeast-2': 600,
  'ap-south-1': 600,
  'ap-southeast-1': 1_200,
  'ap-southeast-2': 1_200,
  'ca-central-1': 600,
  'eu-central-1': 2_400,
  'eu-north-1': 600,
  'eu-south-2': 2_400,
  'eu-west-1': 10_000,
  'eu-west-2': 1_200,
  'eu-west-3': 600,
  'sa-east-1': 600,
};
const EVENTBRIDGE_PUT_EVENTS_OTHER = 400;

/** Every quota the planner uses, resolved for one Region. */
export interface RegionQuotas {
  readonly region: string;
  /** `true` for us-east-1, us-west-2 and eu-west-1. */
  readonly largeRegion: boolean;
  readonly stepFunctions: {
    /** Standard `StartExecution` API token bucket (StartSyncExecution does not draw from it). */
    readonly standardStartExecution: TokenBucketQuota;
    /** Standard workflows' `StateTransition` token bucket (Express: unlimited). */
    readonly standardStateTransitions: TokenBucketQuota;
    /** Express `StartExecution` token bucket. */
    readonly expressStartExecution: TokenBucketQuota;
    /** Maximum concurrent iterations of an Inline Map state. */
    readonly inlineMapMaxConcurrency: SourcedFigure;
    /** Maximum input/output of a task, state or execution (bytes of UTF-8). */
    readonly payloadBytes: SourcedFigure;
    /** Maximum duration of an Express execution (seconds). */
    readonly expressMaxDurationSeconds: SourcedFigure;
  };
  readonly lambda: {
    /** Default concurrent executions per account and Region. */
    readonly accountConcurrency: SourcedFigure;
    /** Concurrency Lambda keeps unreserved: reservations may total at most account − this. */
    readonly unreservedMinimum: SourcedFigure;
    /** New execution environments per function per 10 seconds. */
    readonly scalingPer10Seconds: SourcedFigure;
    /** The longest function timeout (seconds): bounds the batch starter, which waits for its executions. */
    readonly maxTimeoutSeconds: SourcedFigure;
    /** Payload of a synchronous invocation (bytes): an event source mapping's batch is at most this. */
    readonly syncPayloadBytes: SourcedFigure;
  };
  readonly eventBridge: {
    /** Rule target invocations per second (throttled invocations are delayed, not dropped). */
    readonly invocationsPerSecond: SourcedFigure;
    /** `PutEvents` requests per second per account. */
    readonly putEventsPerSecond: SourcedFigure;
    /** Default retry policy of a rule target: attempts. */
    readonly retryAttempts: SourcedFigure;
    /** Default retry policy of a rule target: maximum event age (seconds). */
    readonly retryMaxAgeSeconds: SourcedFigure;
  };
  readonly eventSourceMapping: {
    /** Largest `ScalingConfig.MaximumConcurrency` (E); the smallest is 2. */
    readonly maxConcurrency: SourcedFigure;
    /** Batches an SQS event source mapping starts with when messages appear. */
    readonly initialConcurrency: SourcedFigure;
    /** Additional concurrent batches per minute while messages remain. */
    readonly scaleUpPerMinute: SourcedFigure;
    /** Maximum `BatchSize` of a standard queue. */
    readonly maxBatchSize: SourcedFigure;
    /** Maximum `MaximumBatchingWindowInSeconds` (whole seconds). */
    readonly maxBatchingWindowSeconds: SourcedFigure;
  };
  readonly sqs: {
    /** Approximate in-flight messages (received, not deleted) per standard queue. */
    readonly inFlightMessages: SourcedFigure;
    /** Messages per `ReceiveMessage` / `DeleteMessageBatch` request. */
    readonly messagesPerBatchRequest: SourcedFigure;
    /** Default message retention (seconds). */
    readonly retentionSeconds: SourcedFigure;
  };
  readonly dynamodb: {
    /** Default table-level throughput quota of an on-demand table (write request units/s). */
    readonly tableWriteUnitsPerSecond: SourcedFigure;
    /** Writes per second a new on-demand table sustains before it has scaled (no warm throughput). */
    readonly newTableWritesPerSecond: SourcedFigure;
  };
}

/**
 * The documented default quotas for `region`. Regions AWS does not list individually get the
 * "each other supported Region" figures.
 *
 * @example
 * quotasForRegion('us-east-1').stepFunctions.standardStartExecution.refillPerSecond.value // 300
 * quotasForRegion('eu-central-1').stepFunctions.standardStartExecution.refillPerSecond.value // 150
 */
export function quotasForRegion(region: string): RegionQuotas {
  const large = isLargeQuotaRegion(region);
  const group = large ? 'us-east-1, us-west-2, eu-west-1' : 'Regions other than us-east-1, us-west-2, eu-west-1';
  const sf = QUOTA_SOURCES.stepFunctions;
  const invocations = EVENTBRIDGE_INVOCATIONS[region] ?? EVENTBRIDGE_INVOCATIONS_OTHER;
  const putEvents = EVENTBRIDGE_PUT_EVENTS[region] ?? EVENTBRIDGE_PUT_EVENTS_OTHER;
  const listed = (table: Readonly<Record<string, number>>): string =>
    table[region] === undefined ? 'default for Regions not listed individually' : `listed for ${region}`;
  return {
    region,
    largeRegion: large,
    stepFunctions: {
      standardStartExecution: {
        bucket: figure(large ? 1_300 : 800, 'executions', sf, `Standard StartExecution bucket, ${group}`),
        refillPerSecond: figure(large ? 300 : 150, 'executions/s', sf, `Standard StartExecution refill, ${group}`),
      },
      standardStateTransitions: {
        bucket: figure(
          large ? 5_000 : 800,
          'transitions',
          sf,
          `Standard StateTransition bucket, ${group}; new accounts start lower`,
        ),
        refillPerSecond: figure(
          large ? 1_500 : 500,
          'transitions/s',
          sf,
          `Standard StateTransition refill, ${group}; new accounts start lower`,
        ),
      },
      expressStartExecution: {
        bucket: figure(6_000, 'executions', sf, 'Express StartExecution bucket, every Region'),
        refillPerSecond: figure(
          6_000,
          'executions/s',
          sf,
          'Express StartExecution refill; StartSyncExecution does not count against account capacity limits, so this is a conservative check',
        ),
      },
      inlineMapMaxConcurrency: figure(
        40,
        'concurrent iterations',
        QUOTA_SOURCES.inlineMap,
        'Inline Map runs at most 40 iterations at once whatever MaxConcurrency says',
      ),
      payloadBytes: figure(
        262_144,
        'bytes',
        sf,
        'task, state and execution input/output: the batch starter splits a batch into executions under it',
      ),
      expressMaxDurationSeconds: figure(300, 's', sf, 'Express executions time out after 5 minutes'),
    },
    lambda: {
      accountConcurrency: figure(
        1_000,
        'concurrent executions',
        QUOTA_SOURCES.lambdaQuotas,
        'default per account and Region; new accounts may start lower',
      ),
      unreservedMinimum: figure(
        100,
        'concurrent executions',
        QUOTA_SOURCES.lambdaConcurrency,
        'reserved concurrency may total at most the account concurrency minus 100',
      ),
      scalingPer10Seconds: figure(1_000, 'execution environments per function per 10 s', QUOTA_SOURCES.lambdaScaling),
      maxTimeoutSeconds: figure(900, 's', QUOTA_SOURCES.lambdaQuotas, 'function timeout: 15 minutes'),
      syncPayloadBytes: figure(
        6 * 1_024 * 1_024,
        'bytes',
        QUOTA_SOURCES.lambdaQuotas,
        'invocation payload, synchronous (request and response): an SQS batch stops growing there',
      ),
    },
    eventBridge: {
      invocationsPerSecond: figure(
        invocations,
        'invocations/s',
        QUOTA_SOURCES.eventBridgeQuotas,
        `Invocations throttle limit, ${listed(EVENTBRIDGE_INVOCATIONS)}; throttled invocations are delayed`,
      ),
      putEventsPerSecond: figure(
        putEvents,
        'requests/s',
        QUOTA_SOURCES.eventBridgeQuotas,
        `PutEvents throttle limit, ${listed(EVENTBRIDGE_PUT_EVENTS)}`,
      ),
      retryAttempts: figure(
        185,
        'attempts',
        QUOTA_SOURCES.eventBridgeRetry,
        'default rule-target retry policy (exponential backoff with jitter)',
      ),
      retryMaxAgeSeconds: figure(
        86_400,
        's',
        QUOTA_SOURCES.eventBridgeRetry,
        'default rule-target retry policy: 24 hours, then the event is dropped unless the target has a DLQ',
      ),
    },
    eventSourceMapping: {
      maxConcurrency: figure(
        1_000,
        'concurrent batches',
        QUOTA_SOURCES.lambdaScalingConfig,
        'ScalingConfig.MaximumConcurrency: 2–1,000 (the mapping polls no more batches than that)',
      ),
      initialConcurrency: figure(
        5,
        'concurrent batches',
        QUOTA_SOURCES.lambdaSqsScaling,
        'when messages are available, Lambda starts processing five batches at a time',
      ),
      scaleUpPerMinute: figure(
        300,
        'concurrent batches per minute',
        QUOTA_SOURCES.lambdaSqsScaling,
        'while messages remain, up to 300 more instances per minute',
      ),
      maxBatchSize: figure(
        10_000,
        'messages',
        QUOTA_SOURCES.lambdaEventSourceMapping,
        'standard queue; more than 10 needs a batching window',
      ),
      maxBatchingWindowSeconds: figure(
        300,
        's',
        QUOTA_SOURCES.lambdaEventSourceMapping,
        'MaximumBatchingWindowInSeconds is 0–300 in whole seconds',
      ),
    },
    sqs: {
      inFlightMessages: figure(120_000, 'messages', QUOTA_SOURCES.sqsQueueQuotas, 'approximate, standard queue'),
      messagesPerBatchRequest: figure(10, 'messages', QUOTA_SOURCES.sqsMessageQuotas),
      retentionSeconds: figure(
        345_600,
        's',
        QUOTA_SOURCES.sqsQueueQuotas,
        'default retention 4 days (configurable up to 14 days)',
      ),
    },
    dynamodb: {
      tableWriteUnitsPerSecond: figure(
        40_000,
        'write request units/s',
        QUOTA_SOURCES.dynamodbOnDemand,
        'default table-level throughput quota, adjustable',
      ),
      newTableWritesPerSecond: figure(
        4_000,
        'writes/s',
        QUOTA_SOURCES.dynamodbOnDemand,
        'a new on-demand table sustains up to 4,000 writes/s and doubles from its previous peak; pre-warm it for more',
      ),
    },
  };
}
