/**
 * CDK context (`cdk synth -c key=value`, or `context` in cdk.json) → construct props.
 *
 * Values given with `-c` arrive as strings; the same keys in cdk.json may be numbers, booleans
 * or arrays. Without an org id the app uses example values so that `npm run synth` works offline
 * on a fresh clone — and says so, because a stack deployed with them never receives an event.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { LogLevel as SfnLogLevel } from 'aws-cdk-lib/aws-stepfunctions';
import type { FunctionLogLevel, GenesysEventPipelineProps } from './config.js';
import { PipelineConfigError } from './errors.js';

/** The org id used when none is given: an obviously fake UUID. */
export const EXAMPLE_ORG_ID = '00000000-0000-4000-8000-000000000000';
/** The suffix used with the example org id. */
export const EXAMPLE_EVENT_SOURCE_SUFFIX = 'genesys-event-pipeline';
/** The stack name used when none is given. */
export const DEFAULT_STACK_NAME = 'GenesysEventPipeline';

/** The context keys the app reads (everything else in the context is CDK's own). */
export const CONTEXT_KEYS = [
  'orgId',
  'eventSourceSuffix',
  'partnerEventSourceName',
  'topics',
  'mode',
  'maxProcessorConcurrency',
  'eventSourceConcurrency',
  'maxConcurrency',
  'reserveConcurrency',
  'batchSize',
  'batchWindowSeconds',
  'maxProcessingAttempts',
  'reservedConcurrency',
  'maxReceiveCount',
  'visibilityTimeoutSeconds',
  'queueRetentionDays',
  'archive',
  'archiveRetentionDays',
  'memorySize',
  'functionTimeoutSeconds',
  'logLevel',
  'tracing',
  'stateMachineLogLevel',
  'includeExecutionData',
  'logRetentionDays',
  'removalPolicy',
  'alarmTopicArn',
  'oldestMessageAgeAlarmSeconds',
  'genesysSecret',
  'genesysRegion',
  'directoryRefreshMinutes',
  'fanOutBus',
  'stackName',
] as const;

/** One of {@link CONTEXT_KEYS}. */
export type ContextKey = (typeof CONTEXT_KEYS)[number];

/** What the app builds from the context. */
export interface AppSettings {
  stackName: string;
  /** Props for the construct (`alarmTopic` is given as `alarmTopicArn` and imported by the stack). */
  pipeline: Omit<GenesysEventPipelineProps, 'alarmTopic'>;
  alarmTopicArn?: string;
  /** Non-empty when example values stand in for missing settings: the notice to print. */
  exampleValues: string[];
}

/**
 * Reads the app settings from context.
 *
 * @param get returns the context value for a key (`app.node.tryGetContext`).
 * @throws PipelineConfigError listing every unreadable value (the construct checks the rest).
 * @example
 * settingsFromContext((key) => ({ orgId: '0c5c…', topics: 'acd.end,wrapup', batchSize: '50' })[key])
 */
export function settingsFromContext(get: (key: ContextKey) => unknown): AppSettings {
  const problems: string[] = [];
  const text = (key: ContextKey): string | undefined => {
    const value = get(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'string') return value.trim();
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    problems.push(`context ${key}: expected a string, got ${JSON.stringify(value)}.`);
    return undefined;
  };
  const int = (key: ContextKey): number | undefined => {
    const value = text(key);
    if (value === undefined) return undefined;
    if (!/^-?\d+$/.test(value)) {
      problems.push(`context ${key}: "${value}" is not a whole number (e.g. -c ${key}=10).`);
      return undefined;
    }
    return Number(value);
  };
  const bool = (key: ContextKey): boolean | undefined => {
    const value = text(key)?.toLowerCase();
    if (value === undefined) return undefined;
    if (value === 'true' || value === 'false') return value === 'true';
    problems.push(`context ${key}: "${value}" is not true or false.`);
    return undefined;
  };
  const oneOf = <T extends string>(
    key: ContextKey,
    allowed: readonly T[],
    normalize: (v: string) => string = (v) => v,
  ): T | undefined => {
    const value = text(key);
    if (value === undefined) return undefined;
    const normalized = normalize(value);
    if ((allowed as readonly string[]).includes(normalized)) return normalized as T;
    problems.push(`context ${key}: "${value}" is not one of ${allowed.join(', ')}.`);
    return undefined;
  };
  const seconds = (key: ContextKey) => optional(int(key), Duration.seconds);
  const days = (key: ContextKey) => optional(int(key), Duration.days);

  const topicsValue = get('topics');
  let topics: string[] | undefined;
  if (Array.isArray(topicsValue)) topics = topicsValue.map(String);
  else if (typeof topicsValue === 'string' && topicsValue.trim() !== '') {
    topics = topicsValue.trim().startsWith('[')
      ? parseJsonArray('topics', topicsValue, problems)
      : topicsValue
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean);
  } else if (topicsValue !== undefined && topicsValue !== '')
    problems.push(`context topics: expected a comma-separated list, got ${JSON.stringify(topicsValue)}.`);

  let reservedConcurrency: GenesysEventPipelineProps['reservedConcurrency'];
  const reservedValue = get('reservedConcurrency');
  if (typeof reservedValue === 'object' && reservedValue !== null && !Array.isArray(reservedValue)) {
    reservedConcurrency = reservedValue as Record<string, number>;
  } else if (typeof reservedValue === 'string' && reservedValue.trim().startsWith('{')) {
    try {
      reservedConcurrency = JSON.parse(reservedValue) as Record<string, number>;
    } catch {
      problems.push(
        `context reservedConcurrency: "${reservedValue}" is neither a number nor a JSON object such as {"processor":50}.`,
      );
    }
  } else {
    reservedConcurrency = int('reservedConcurrency');
  }

  const removal = oneOf('removalPolicy', ['retain', 'destroy'] as const, (v) => v.toLowerCase());
  const logRetentionDays = int('logRetentionDays');
  if (logRetentionDays !== undefined && !Object.values(RetentionDays).includes(logRetentionDays)) {
    problems.push(
      `context logRetentionDays: ${logRetentionDays} is not a CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, …).`,
    );
  }

  const exampleValues: string[] = [];
  let orgId = text('orgId');
  const partnerEventSourceName = text('partnerEventSourceName');
  let eventSourceSuffix = text('eventSourceSuffix');
  if (!orgId && !partnerEventSourceName) {
    orgId = EXAMPLE_ORG_ID;
    exampleValues.push(`orgId=${EXAMPLE_ORG_ID} (example)`);
    // The suffix must be the integration's own; it is only made up together with the org id.
    if (!eventSourceSuffix) {
      eventSourceSuffix = EXAMPLE_EVENT_SOURCE_SUFFIX;
      exampleValues.push(`eventSourceSuffix=${EXAMPLE_EVENT_SOURCE_SUFFIX} (example)`);
    }
  }

  const pipeline: Omit<GenesysEventPipelineProps, 'alarmTopic'> = {
    orgId,
    eventSourceSuffix,
    partnerEventSourceName,
    topics,
    mode: oneOf('mode', ['buffered', 'direct'] as const, (v) => v.toLowerCase()),
    maxProcessorConcurrency: int('maxProcessorConcurrency'),
    eventSourceConcurrency: int('eventSourceConcurrency'),
    maxConcurrency: int('maxConcurrency'),
    reserveConcurrency: bool('reserveConcurrency'),
    batchSize: int('batchSize'),
    batchWindow: seconds('batchWindowSeconds'),
    maxProcessingAttempts: int('maxProcessingAttempts'),
    reservedConcurrency,
    maxReceiveCount: int('maxReceiveCount'),
    visibilityTimeout: seconds('visibilityTimeoutSeconds'),
    queueRetention: days('queueRetentionDays'),
    archive: bool('archive'),
    archiveRetention: days('archiveRetentionDays'),
    memorySize: int('memorySize'),
    functionTimeout: seconds('functionTimeoutSeconds'),
    logLevel: oneOf<FunctionLogLevel>('logLevel', ['DEBUG', 'INFO', 'WARN', 'ERROR'], (v) => v.toUpperCase()),
    tracing: bool('tracing'),
    stateMachineLogLevel: oneOf('stateMachineLogLevel', ['ALL', 'ERROR', 'FATAL', 'OFF'] as const, (v) =>
      v.toUpperCase(),
    ) as SfnLogLevel | undefined,
    includeExecutionData: bool('includeExecutionData'),
    logRetention: logRetentionDays as RetentionDays | undefined,
    removalPolicy:
      removal === undefined ? undefined : removal === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    oldestMessageAgeAlarmThreshold: seconds('oldestMessageAgeAlarmSeconds'),
  };
  const alarmTopicArn = text('alarmTopicArn');
  if (
    alarmTopicArn !== undefined &&
    !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/.test(alarmTopicArn)
  ) {
    problems.push(
      `context alarmTopicArn: "${alarmTopicArn}" is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>).`,
    );
  }
  // The Genesys directory: on when the OAuth client's secret is named.
  const genesysSecret = text('genesysSecret');
  const genesysRegion = text('genesysRegion');
  const refreshMinutes = int('directoryRefreshMinutes');
  if (genesysSecret && !genesysRegion)
    problems.push(
      'context genesysRegion: required with genesysSecret (the region of your Genesys Cloud org, e.g. eu-west-1).',
    );
  if (!genesysSecret && (genesysRegion || refreshMinutes !== undefined))
    problems.push(
      'context genesysSecret: give the name or ARN of the Secrets Manager secret with the Genesys OAuth client to turn the directory on (docs/directory.md).',
    );
  const directory: GenesysEventPipelineProps['directory'] =
    genesysSecret && genesysRegion
      ? {
          oauthClientSecret: genesysSecret,
          genesysRegion,
          ...(refreshMinutes !== undefined ? { refreshInterval: Duration.minutes(refreshMinutes) } : {}),
        }
      : undefined;
  // The fan-out bus: created with this name (docs/processing.md, "Fan-out to an event bus").
  const fanOutBus = text('fanOutBus');
  const fanOut: GenesysEventPipelineProps['fanOut'] = fanOutBus ? { eventBus: { name: fanOutBus } } : undefined;
  if (problems.length) throw new PipelineConfigError(problems);

  return {
    stackName: text('stackName') ?? DEFAULT_STACK_NAME,
    pipeline: Object.fromEntries(
      Object.entries({ ...pipeline, directory, fanOut }).filter(([, v]) => v !== undefined),
    ) as AppSettings['pipeline'],
    ...(alarmTopicArn ? { alarmTopicArn } : {}),
    exampleValues,
  };
}

function optional<T>(value: number | undefined, make: (n: number) => T): T | undefined {
  return value === undefined ? undefined : make(value);
}

function parseJsonArray(key: string, value: string, problems: string[]): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(value);
    if (Array.isArray(parsed)) return parsed.map(String);
  } catch {
    // reported below
  }
  problems.push(`context ${key}: "${value}" is not a JSON array of strings.`);
  return undefined;
}
