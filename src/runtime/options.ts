/**
 * The local runtime's options: what `genesys-pipeline run` and {@link startRuntime} accept, the
 * defaults, and their validation (pure). Defaults mirror the AWS deployment (`infra/`) where
 * one exists there.
 */
import { LOCAL_PIPELINE_DEFAULTS, PIPELINE_DEFAULTS } from '../contract/index.js';
import { validateTopics } from '../events/index.js';
import { partnerEventSourceName, GENESYS_PARTNER_SOURCE_PREFIX } from '../genesys/partner-event-source.js';
import { DEFAULT_MAX_PROCESSING_ATTEMPTS } from '../processing/failure-counter.js';
import { backstopMaxReceiveCount } from '../queue/backstop.js';
import { resolveConcurrencyBound, WORKFLOW_EXECUTORS } from '../workflow/index.js';
import type { ConcurrencyBoundNames } from '../workflow/concurrency-bound.js';
import type { WorkflowExecutorKind, WorkflowMode } from '../workflow/index.js';
import { SIMULATION_DEFAULTS } from '../simulate/options.js';
import { RuntimeOptionsError } from './errors.js';
import { resolveAdmissionLimits } from './admission.js';
import type { AdmissionLimits, AdmissionOptions } from './admission.js';
import { TYPED_TOPICS } from '../events/topics.js';

/** The options of a runtime. Only `dataDir` is required. */
export interface RuntimeOptions {
  /** Directory of the database and lock file (created if missing). */
  dataDir: string;
  /** HTTP port; 0 picks a free one. Default 4010. */
  port?: number;
  /** Address to bind. Default `127.0.0.1`. A non-loopback address requires `token`. */
  host?: string;
  /** `buffered` (queue → batches of at most E at once → Express, default) or `direct` (rule → one execution per event). */
  mode?: WorkflowMode;
  /**
   * The bound on processor invocations at once, E × M, as on AWS: split into `pollers` (E) and
   * `maxConcurrency` (M) unless those are given. Default 100 (4 × 25).
   */
  maxProcessorConcurrency?: number;
  /** Map `MaxConcurrency` of one buffered execution (M), 1–40. Default: derived from the bound. */
  maxConcurrency?: number;
  /** Messages per batch (the event source mapping's `BatchSize`). Default 100. */
  batchSize?: number;
  /** How long a poller gathers a batch once it has a first message (the batching window), ms. Default 250. */
  batchWindowMs?: number;
  /**
   * Batches in flight at once (E): the event source mapping's `MaximumConcurrency`, each poller
   * running one execution at a time; 2–1,000. Default: derived from the bound.
   */
  pollers?: number;
  /**
   * Each function's concurrency limit, enforced as Lambda throttles: an invocation beyond it fails
   * with `Lambda.TooManyRequestsException`, which the state machine retries and then hands back
   * to the queue (never a failure). Default: no limit (an account with room for the bound).
   */
  lambdaConcurrencyLimit?: number;
  /** Buffered mode: processor attempts, across deliveries, before the processor dead-letters an event. Default 9. */
  maxProcessingAttempts?: number;
  /** The event queue's visibility timeout, ms. Default 30,000 (SQS's default). */
  visibilityTimeoutMs?: number;
  /**
   * Receives before a message moves to the queue's dead-letter queue (redrive policy), a backstop.
   * Default ⌈24 h / visibility timeout⌉ at most 1,000, as in `infra/`.
   */
  maxReceiveCount?: number;
  /** Bearer token every HTTP route requires (PutEvents, reads, admin). */
  token?: string;
  /** Genesys organization id: names the partner bus and scopes the rule. Default: the simulator's. */
  orgId?: string;
  /** Event source suffix of the integration. Default: the simulator's. */
  suffix?: string;
  /**
   * Topics the rule forwards: any generic Genesys topic name, short conversation names, or families
   * (`validateTopics`). Default: every topic with a typed model (the 16 conversation detail topics,
   * presence, routing status, activity, audits, transcription) — what the simulator sends.
   */
  topics?: readonly string[];
  /** How long the bus archive keeps events, days (fractions allowed; 0 = forever); `false` = no archive. Default 0.25 (6 h). */
  archiveRetentionDays?: number | false;
  /** Group commit interval, ms. Default 5. */
  commitIntervalMs?: number;
  /** Rule target retry policy (direct mode: the state machine target). Defaults: 185 attempts, 24 h, as EventBridge. */
  targetRetry?: { maximumRetryAttempts?: number; maximumEventAgeSeconds?: number };
  /** Replace the state machine's retry backoff by this pause (ms); for tests. */
  retryPauseMs?: number;
  /**
   * Which local executor runs the state machine: `fast` (compiled from the definition; default)
   * or `reference` (`aws-local-stepfunctions`, the generic interpreter it is checked against).
   */
  executor?: WorkflowExecutorKind;
  /**
   * `normal` (default): both SQLite files run `synchronous = NORMAL` — everything acknowledged
   * survives a crash of the process, not an OS crash or power loss. `full`: `synchronous = FULL`
   * on both — it survives those too, at the cost of a WAL sync per group commit
   * (docs/runtime.md, "The guarantee").
   */
  durability?: Durability;
  /** Backpressure: the backlog and free disk space at which PutEvents answers `ThrottlingException` (`admission.ts`). */
  admission?: AdmissionOptions;
}

/** Options with every default applied and checked. */
export interface ResolvedRuntimeOptions {
  dataDir: string;
  port: number;
  host: string;
  mode: WorkflowMode;
  /** E × M. */
  maxProcessorConcurrency: number;
  maxConcurrency: number;
  batchSize: number;
  batchWindowMs: number;
  pollers: number;
  lambdaConcurrencyLimit: number | undefined;
  maxProcessingAttempts: number;
  visibilityTimeoutMs: number;
  maxReceiveCount: number;
  token: string | undefined;
  orgId: string;
  suffix: string;
  /** The partner event bus (and source) name. */
  busName: string;
  /** Generic topic names. */
  topics: string[];
  archiveRetentionDays: number | false;
  commitIntervalMs: number;
  targetRetry: { maximumRetryAttempts: number; maximumEventAgeSeconds: number };
  retryPauseMs: number | undefined;
  executor: WorkflowExecutorKind;
  durability: Durability;
  admission: AdmissionLimits;
}

/** How a commit is synced: `normal` survives a process crash, `full` an OS crash or power loss too. */
export type Durability = 'normal' | 'full';

/** The values of {@link Durability}. */
export const DURABILITY_LEVELS: readonly Durability[] = ['normal', 'full'];

/** Defaults of {@link RuntimeOptions}. */
export const RUNTIME_DEFAULTS = {
  port: 4010,
  host: '127.0.0.1',
  mode: PIPELINE_DEFAULTS.mode as WorkflowMode,
  batchSize: LOCAL_PIPELINE_DEFAULTS.batchSize,
  batchWindowMs: LOCAL_PIPELINE_DEFAULTS.batchWindowMs,
  maxProcessingAttempts: DEFAULT_MAX_PROCESSING_ATTEMPTS,
  visibilityTimeoutMs: LOCAL_PIPELINE_DEFAULTS.visibilityTimeoutMs,
  orgId: SIMULATION_DEFAULTS.orgId,
  suffix: SIMULATION_DEFAULTS.suffix,
  archiveRetentionDays: LOCAL_PIPELINE_DEFAULTS.archiveRetentionDays,
  commitIntervalMs: 5,
  targetRetry: PIPELINE_DEFAULTS.targetRetry,
  executor: 'fast' as WorkflowExecutorKind,
  durability: 'normal' as Durability,
} as const;

/** The bound's settings as the runtime and `run` name them. */
const BOUND_NAMES: ConcurrencyBoundNames = {
  maxProcessorConcurrency: 'maxProcessorConcurrency (--max-processor-concurrency)',
  eventSourceConcurrency: 'pollers (--pollers)',
  maxConcurrency: 'maxConcurrency (--max-concurrency)',
};

const ORG_ID = /^[A-Za-z0-9-]{1,64}$/;
const SUFFIX = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Applies the defaults and checks every option.
 *
 * @throws RuntimeOptionsError listing every problem.
 * @example
 * resolveRuntimeOptions({ dataDir: '.pipeline', mode: 'direct' }).busName
 * // → 'aws.partner/genesys.com/cloud/a3c1e4b2-…/genesys-event-pipeline'
 */
export function resolveRuntimeOptions(options: RuntimeOptions): ResolvedRuntimeOptions {
  const d = RUNTIME_DEFAULTS;
  const problems: string[] = [];
  const int = (name: string, value: number, min: number, max: number, hint = ''): number => {
    if (!Number.isInteger(value) || value < min || value > max)
      problems.push(`${name} must be a whole number from ${min} to ${max}${hint}; got ${String(value)}.`);
    return value;
  };
  if (typeof options.dataDir !== 'string' || options.dataDir.trim() === '')
    problems.push('dataDir (--data-dir) must name a directory.');
  const mode = options.mode ?? d.mode;
  if (mode !== 'buffered' && mode !== 'direct')
    problems.push(`mode must be "buffered" or "direct"; got ${JSON.stringify(mode)}.`);
  const bound = resolveConcurrencyBound(
    {
      ...(options.maxProcessorConcurrency !== undefined
        ? { maxProcessorConcurrency: options.maxProcessorConcurrency }
        : {}),
      ...(options.pollers !== undefined ? { eventSourceConcurrency: options.pollers } : {}),
      ...(options.maxConcurrency !== undefined ? { maxConcurrency: options.maxConcurrency } : {}),
    },
    problems,
    BOUND_NAMES,
  );
  const lambdaConcurrencyLimit = options.lambdaConcurrencyLimit;
  if (lambdaConcurrencyLimit !== undefined)
    int('lambdaConcurrencyLimit (--lambda-concurrency-limit)', lambdaConcurrencyLimit, 1, 100_000);
  const maxProcessingAttempts = int(
    'maxProcessingAttempts',
    options.maxProcessingAttempts ?? d.maxProcessingAttempts,
    1,
    1000,
  );
  const batchSize = int(
    'batchSize',
    options.batchSize ?? d.batchSize,
    1,
    10_000,
    ' (SQS event source mapping BatchSize)',
  );
  const batchWindowMs = int(
    'batchWindowMs',
    options.batchWindowMs ?? d.batchWindowMs,
    0,
    300_000,
    ' (an event source mapping allows up to 300 s)',
  );
  const visibilityTimeoutMs = int(
    'visibilityTimeoutMs',
    options.visibilityTimeoutMs ?? d.visibilityTimeoutMs,
    1000,
    12 * 3600_000,
    ' (SQS: up to 12 h)',
  );
  if (visibilityTimeoutMs <= batchWindowMs)
    problems.push(
      `visibilityTimeoutMs (${visibilityTimeoutMs}) must be longer than batchWindowMs (${batchWindowMs}): a batch being gathered would be delivered again.`,
    );
  const maxReceiveCount = int(
    'maxReceiveCount',
    options.maxReceiveCount ?? backstopMaxReceiveCount(visibilityTimeoutMs / 1000),
    1,
    1000,
    ' (SQS redrive policy)',
  );
  const port = int('port', options.port ?? d.port, 0, 65_535);
  const host = options.host ?? d.host;
  const token = options.token;
  if (token !== undefined && (token.length < 16 || /\s/.test(token)))
    problems.push('token must be at least 16 characters without spaces (e.g. `openssl rand -hex 24`).');
  const orgId = options.orgId ?? d.orgId;
  if (!ORG_ID.test(orgId))
    problems.push(`orgId must be a Genesys organization id (letters, digits, "-"); got ${JSON.stringify(orgId)}.`);
  const suffix = options.suffix ?? d.suffix;
  if (!SUFFIX.test(suffix))
    problems.push(
      `suffix must be 1–64 letters, digits, ".", "-" or "_" (the integration's eventSourceSuffix); got ${JSON.stringify(suffix)}.`,
    );
  let topics = [...TYPED_TOPICS];
  if (options.topics !== undefined) {
    const checked = validateTopics(options.topics);
    if (!checked.ok) for (const p of checked.problems) problems.push(`topics: ${p.message}`);
    else if (checked.topics.length === 0)
      problems.push(
        'topics: name at least one topic (e.g. acd.end, v2.users.{id}.presence) or leave the option out for every typed topic.',
      );
    topics = checked.topics;
  }
  const archive = options.archiveRetentionDays ?? d.archiveRetentionDays;
  if (archive !== false && !(typeof archive === 'number' && archive >= 0 && archive <= 3650)) {
    problems.push(
      `archiveRetentionDays must be a number of days from 0 (keep forever) to 3650, or false for no archive; got ${String(archive)}.`,
    );
  }
  const commitIntervalMs = int('commitIntervalMs', options.commitIntervalMs ?? d.commitIntervalMs, 1, 1000);
  const maximumRetryAttempts = int(
    'targetRetry.maximumRetryAttempts',
    options.targetRetry?.maximumRetryAttempts ?? d.targetRetry.maximumRetryAttempts,
    0,
    185,
  );
  const maximumEventAgeSeconds = int(
    'targetRetry.maximumEventAgeSeconds',
    options.targetRetry?.maximumEventAgeSeconds ?? d.targetRetry.maximumEventAgeSeconds,
    60,
    86_400,
  );
  const retryPauseMs = options.retryPauseMs;
  if (retryPauseMs !== undefined) int('retryPauseMs', retryPauseMs, 0, 60_000);
  const executor = options.executor ?? d.executor;
  if (!(WORKFLOW_EXECUTORS as readonly string[]).includes(executor))
    problems.push(
      `executor must be ${WORKFLOW_EXECUTORS.map((e) => `"${e}"`).join(' or ')}; got ${JSON.stringify(executor)}.`,
    );
  const durability = options.durability ?? d.durability;
  if (!DURABILITY_LEVELS.includes(durability))
    problems.push(
      `durability (--durability) must be "normal" (survives a process crash) or "full" (an OS crash or power loss too); got ${JSON.stringify(durability)}.`,
    );
  const admission = resolveAdmissionLimits(options.admission, problems);
  if (problems.length || !bound) throw new RuntimeOptionsError(problems);
  return {
    dataDir: options.dataDir,
    port,
    host,
    mode,
    maxProcessorConcurrency: bound.maxProcessorConcurrency,
    maxConcurrency: bound.maxConcurrency,
    batchSize,
    batchWindowMs,
    pollers: bound.eventSourceConcurrency,
    lambdaConcurrencyLimit,
    maxProcessingAttempts,
    visibilityTimeoutMs,
    maxReceiveCount,
    token,
    orgId,
    suffix,
    busName: partnerEventSourceName(orgId, suffix),
    topics,
    archiveRetentionDays: archive,
    commitIntervalMs,
    targetRetry: { maximumRetryAttempts, maximumEventAgeSeconds },
    retryPauseMs,
    executor,
    durability,
    admission,
  };
}

/** The rule's event pattern: the org's Genesys partner source and the topics, as `infra/` deploys it. */
export function ruleEventPattern(options: Pick<ResolvedRuntimeOptions, 'orgId' | 'topics'>): {
  source: Array<{ prefix: string }>;
  'detail-type': string[];
} {
  return {
    source: [{ prefix: `${GENESYS_PARTNER_SOURCE_PREFIX}${options.orgId}/` }],
    'detail-type': [...options.topics],
  };
}
