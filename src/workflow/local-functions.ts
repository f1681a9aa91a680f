/**
 * The Lambda side of a local execution, shared by both local executors: in-process handlers
 * behind the emulation of the optimized integration `arn:aws:states:::lambda:invoke`, with
 * per-function concurrency caps and counters.
 *
 * Each invocation behaves as Lambda and the integration do: the payload is serialized to JSON
 * and back on the way in and on the way out (a handler can neither see nor change the state
 * machine's values), the result comes back wrapped as `{ ExecutedVersion, Payload, StatusCode }`,
 * and a thrown error surfaces with the error's `name` as the state error and
 * `{"errorType","errorMessage","trace"}` JSON as its cause. So the same `ResultSelector`, `Retry`
 * and `Catch` run locally as on AWS, whichever executor interprets the definition.
 */
import type { LocalLambdaHandler } from '../contract/index.js';
import type { AslDefinition, AslState, JsonValue } from './asl.js';
import { LAMBDA_INVOKE_RESOURCE } from './definition.js';
import { LocalExecutorConfigError } from './errors.js';
import { jsonCopy } from './json-copy.js';
import { LambdaFunctionError } from './state-errors.js';

/**
 * A limit on simultaneous invocations of one function across all executions of an executor —
 * the local counterpart of Lambda reserved concurrency.
 */
export interface ConcurrencyLimit {
  limit: number;
  /**
   * `wait` (default): an invocation over the limit waits for a free slot.
   * `throttle`: it fails at once with `Lambda.TooManyRequestsException`, as Lambda throttles,
   * and the task's `Retry` decides what happens next.
   */
  onLimit?: 'wait' | 'throttle';
}

/** Options of both local executors ({@link LocalWorkflowExecutor}, {@link FastWorkflowExecutor}). */
export interface LocalExecutorOptions {
  /** One handler per function placeholder of the definition, e.g. `{ ProcessorFunctionArn: handler }`. */
  functions: Readonly<Record<string, LocalLambdaHandler>>;
  /** Global concurrency limits by placeholder, e.g. `{ ProcessorFunctionArn: { limit: 10 } }`. */
  concurrency?: Readonly<Record<string, ConcurrencyLimit>>;
  /** Told of every invocation a `throttle` limit refused (by placeholder). */
  onThrottle?: (fn: string) => void;
  /**
   * Pause before every retry, in milliseconds, instead of the definition's backoff (which
   * then also skips the jitter). For tests and fast local replays; leave unset to back off as on AWS.
   */
  retryPauseMs?: number;
  /**
   * Copy each payload into and out of a handler as a JSON round trip would (default `true`), as
   * the Lambda API serialises them on AWS: a handler cannot change the execution's data through
   * a reference it was given or kept, and what it returns becomes plain JSON (`undefined`
   * members dropped, `Date`s as strings). `false` hands the values over as they are — only for
   * handlers that return plain JSON values and never change their input or what they returned
   * (the processing core's handlers; `docs/processing.md`): it saves a deep copy of every
   * event per invocation.
   */
  copyPayloads?: boolean;
}

/** Options of one execution. */
export interface ExecuteOptions {
  /** Aborts the execution: the promise rejects with a {@link WorkflowExecutionError} of error `ExecutionAborted`. */
  signal?: AbortSignal;
}

/** Counters of one function. */
export interface FunctionStats {
  invocations: number;
  errors: number;
  throttles: number;
  inFlight: number;
  peakInFlight: number;
}

/** Counters of an executor since it was created (or since `resetStats()`). */
export interface ExecutorStats {
  executions: { started: number; succeeded: number; failed: number };
  functions: Record<string, FunctionStats>;
}

/**
 * What the runtime needs of a local executor; both {@link LocalWorkflowExecutor} (the reference,
 * `aws-local-stepfunctions`) and {@link FastWorkflowExecutor} (compiled) provide it.
 */
export interface WorkflowExecutor {
  /**
   * Runs one execution to its end.
   *
   * @returns the execution output.
   * @throws {WorkflowExecutionError} when the execution fails, times out or is aborted.
   */
  execute(input: JsonValue, options?: ExecuteOptions): Promise<JsonValue>;
  /** Counters per function (by placeholder) and per execution. */
  stats(): ExecutorStats;
  /** Zeroes every counter (not the in-flight gauges). */
  resetStats(): void;
}

/** One `lambda:invoke` task of a definition and the placeholder its `FunctionName` names. */
interface LambdaTaskRef {
  state: string;
  fn: string;
}

/** An invocation: the task's effective `Parameters` (`{ FunctionName, Payload }`) in, the integration's result out. */
export type LambdaInvoker = (request: JsonValue) => Promise<JsonValue>;

/**
 * The functions of one executor: an invoker per placeholder (emulation, concurrency cap,
 * counters) and the execution counters.
 *
 * @internal shared by the two executors; not exported from the package.
 */
export class LocalFunctions {
  /** Every `lambda:invoke` task of the definition, nested ones included. */
  readonly tasks: readonly LambdaTaskRef[];
  readonly #invokers = new Map<string, LambdaInvoker>();
  readonly #functionStats = new Map<string, FunctionStats>();
  readonly executions = { started: 0, succeeded: 0, failed: 0 };

  constructor(definition: AslDefinition, options: LocalExecutorOptions) {
    this.tasks = lambdaTasks(definition);
    const missing = [...new Set(this.tasks.map((t) => t.fn))].filter((fn) => !options.functions[fn]);
    if (missing.length) {
      throw new LocalExecutorConfigError(
        `No local handler for ${missing.map((m) => `\${${m}}`).join(', ')}: pass functions: { ${missing.map((m) => `${m}: handler`).join(', ')} }.`,
      );
    }
    for (const [fn, limit] of Object.entries(options.concurrency ?? {})) {
      if (!Number.isInteger(limit.limit) || limit.limit < 1) {
        throw new LocalExecutorConfigError(
          `concurrency.${fn}.limit must be a positive integer, got ${String(limit.limit)}.`,
        );
      }
    }
    if (options.retryPauseMs !== undefined && !(Number.isFinite(options.retryPauseMs) && options.retryPauseMs >= 0)) {
      throw new LocalExecutorConfigError(
        `retryPauseMs must be a number of milliseconds ≥ 0, got ${String(options.retryPauseMs)}.`,
      );
    }
    for (const fn of new Set(this.tasks.map((t) => t.fn))) {
      this.#invokers.set(
        fn,
        this.#invoker(
          fn,
          options.functions[fn]!,
          options.concurrency?.[fn],
          options.copyPayloads ?? true,
          options.onThrottle,
        ),
      );
    }
  }

  /** The invoker of a placeholder's function. */
  invoker(fn: string): LambdaInvoker {
    const invoker = this.#invokers.get(fn);
    if (!invoker) throw new LocalExecutorConfigError(`No local handler for \${${fn}}.`);
    return invoker;
  }

  stats(): ExecutorStats {
    return {
      executions: { ...this.executions },
      functions: Object.fromEntries([...this.#functionStats].map(([fn, s]) => [fn, { ...s }])),
    };
  }

  resetStats(): void {
    Object.assign(this.executions, { started: 0, succeeded: 0, failed: 0 });
    for (const s of this.#functionStats.values())
      Object.assign(s, { invocations: 0, errors: 0, throttles: 0, peakInFlight: s.inFlight });
  }

  #invoker(
    fn: string,
    handler: LocalLambdaHandler,
    limit: ConcurrencyLimit | undefined,
    copyPayloads: boolean,
    onThrottle: ((fn: string) => void) | undefined,
  ): LambdaInvoker {
    const pass = copyPayloads ? roundTrip : (value: JsonValue | undefined): JsonValue => value ?? null;
    const stats: FunctionStats = { invocations: 0, errors: 0, throttles: 0, inFlight: 0, peakInFlight: 0 };
    this.#functionStats.set(fn, stats);
    const waiting: Array<() => void> = [];
    // A slot is handed straight from a finishing invocation to a waiting one, so the count never
    // exceeds the limit even for an instant.
    const acquire = (): Promise<void> | undefined => {
      if (!limit || stats.inFlight < limit.limit) {
        stats.inFlight++;
        return undefined;
      }
      if (limit.onLimit === 'throttle') {
        stats.throttles++;
        onThrottle?.(fn);
        throw new LambdaFunctionError(
          'Lambda.TooManyRequestsException',
          `Rate Exceeded. (Service: Lambda, Status Code: 429, Error Code: TooManyRequestsException; local reserved concurrency ${limit.limit} of \${${fn}})`,
        );
      }
      return new Promise<void>((resolve) => waiting.push(resolve));
    };
    const release = (): void => {
      const next = waiting.shift();
      if (next) next();
      else stats.inFlight--;
    };
    return async (input: JsonValue): Promise<JsonValue> => {
      const request = input as { FunctionName?: unknown; Payload?: JsonValue } | null;
      const wait = acquire();
      if (wait) await wait;
      stats.invocations++;
      if (stats.inFlight > stats.peakInFlight) stats.peakInFlight = stats.inFlight;
      try {
        const payload = pass(request?.Payload ?? null);
        let result: JsonValue | undefined;
        try {
          result = await handler(payload);
        } catch (error) {
          stats.errors++;
          throw asLambdaError(error);
        }
        return { ExecutedVersion: '$LATEST', Payload: pass(result ?? null), StatusCode: 200 };
      } finally {
        release();
      }
    };
  }
}

/**
 * JSON serialization and back, as a payload crossing the Lambda API: what
 * `JSON.parse(JSON.stringify(value))` gives (`null` for nothing), made by {@link jsonCopy}.
 */
function roundTrip(value: JsonValue): JsonValue {
  const copy = jsonCopy(value);
  return copy === undefined ? null : (copy as JsonValue);
}

/** A handler's thrown value as Step Functions reports a Lambda function error. */
function asLambdaError(error: unknown): LambdaFunctionError {
  const errorType = error instanceof Error ? error.name : 'Error';
  const errorMessage = error instanceof Error ? error.message : String(error);
  const trace = error instanceof Error && error.stack ? error.stack.split('\n').slice(0, 10) : [];
  return new LambdaFunctionError(errorType, JSON.stringify({ errorType, errorMessage, trace }));
}

/** Every state of a definition, the states of Map processors included, as `[name, state]`. */
export function* walkStates(states: Record<string, AslState>): Generator<[string, AslState]> {
  for (const [name, state] of Object.entries(states)) {
    yield [name, state];
    if (state.Type === 'Map') yield* walkStates(state.ItemProcessor.States);
  }
}

/** The placeholder a task's `FunctionName` names (`"${Name}"` → `Name`), or `undefined`. */
export function functionPlaceholderOf(state: AslState): string | undefined {
  if (state.Type !== 'Task' || state.Resource !== LAMBDA_INVOKE_RESOURCE) return undefined;
  const fnName = state.Parameters?.FunctionName;
  const match = typeof fnName === 'string' ? /^\$\{([A-Za-z0-9_]+)\}$/.exec(fnName) : null;
  return match ? match[1] : undefined;
}

/** Every `lambda:invoke` task and the placeholder its `FunctionName` names; state names must be unique. */
function lambdaTasks(definition: AslDefinition): LambdaTaskRef[] {
  const tasks: LambdaTaskRef[] = [];
  const seen = new Set<string>();
  for (const [name, state] of walkStates(definition.States)) {
    if (seen.has(name))
      throw new LocalExecutorConfigError(
        `State name "${name}" is used twice; local task overrides need unique state names.`,
      );
    seen.add(name);
    if (state.Type !== 'Task') continue;
    const fn = functionPlaceholderOf(state);
    if (fn === undefined) {
      throw new LocalExecutorConfigError(
        `Task "${name}" must call ${LAMBDA_INVOKE_RESOURCE} with FunctionName "\${Placeholder}" to run locally.`,
      );
    }
    tasks.push({ state: name, fn });
  }
  return tasks;
}
