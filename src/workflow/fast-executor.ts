/**
 * The fast local executor: the same definitions as the reference executor
 * ({@link LocalWorkflowExecutor}, `aws-local-stepfunctions`), compiled once into closures.
 *
 * The reference interprets generically: for every state of every execution and Map iteration it
 * deep-clones the input, evaluates each path with jsonpath-plus and creates abort controllers and
 * event logs. Here, at construction, every path is parsed, every payload template and `ResultPath`
 * becomes a function, every state a closure that knows its successor, and every `Retry`/`Catch`
 * a matcher; an execution then only runs them. Values flow between states by reference (nothing
 * is ever changed in place: templates and `ResultPath` build new objects), and a Lambda payload
 * still crosses the emulated Lambda API as JSON both ways, exactly as with the reference
 * (`local-functions.ts`, shared by both).
 *
 * Supported — everything `buildStateMachineDefinition` produces, and the same constructs in
 * other definitions:
 *
 * - **Task** `arn:aws:states:::lambda:invoke` with `Parameters` (`FunctionName: "${Placeholder}"`,
 *   `Payload` / `Payload.$`), `InputPath`, `ResultSelector`, `ResultPath`, `OutputPath`,
 *   `TimeoutSeconds` (→ `States.Timeout`; absent: no timeout, as on AWS), `Retry`, `Catch`;
 * - **Map** (inline): `ItemsPath`, `ItemSelector` (with `$$.Map.Item.Value`/`Index`),
 *   `MaxConcurrency` (0 or absent: 40, the inline limit), `ItemProcessor`, `ResultSelector`,
 *   `ResultPath`, `OutputPath`, `Retry`, `Catch`; results in item order;
 * - **Pass** (`Parameters` or `Result`, `ResultPath`), **Choice** (`And`/`Or`/`Not`, the five
 *   `Numeric…` comparisons, `StringEquals`, `BooleanEquals`, `IsNull`, `IsPresent`; a value of
 *   another type compares false), **Succeed**, **Fail** (`Error`/`Cause`, `ErrorPath`/`CausePath`);
 * - definition `TimeoutSeconds`.
 *
 * Semantics (AWS Step Functions, "Handling errors in Step Functions workflows"): the first
 * retrier whose `ErrorEquals` matches decides (`States.ALL` matches every error,
 * `States.TaskFailed` every error of a Task but `States.Timeout`); once its `MaxAttempts` are used
 * up the error goes to `Catch`. A retrier waits `IntervalSeconds × BackoffRate^n`, capped by
 * `MaxDelaySeconds`, and with `JitterStrategy: FULL` a random time between 0 and that. A catcher
 * puts `{Error, Cause}` at its `ResultPath` in the state's input and goes to `Next`.
 * `States.Runtime` (a path that finds nothing) is never retried or caught. `States.ALL` must be
 * alone in its `ErrorEquals` and in the last retrier/catcher (checked at construction).
 *
 * Where this executor differs from the reference — each a case the reference gets wrong with
 * respect to AWS and our definitions never meet: when a Map iteration fails with an error the
 * Map does not catch, the other iterations are stopped (no new item starts, no retry, no next
 * state) and the Map fails once those in flight have settled (the reference keeps starting the
 * remaining items in the background after the execution has failed); a numeric comparison of a
 * non-number is false (the reference compares with JavaScript `>`); `$$.Execution.Input` is the
 * execution's input inside a Map iteration too; `Pass` `Result` may be any value; `IsNull: false`
 * matches a non-null value; `ResultPath: "$"` replaces the input on any input.
 *
 * Anything else in a definition (Wait, Parallel, distributed Map, JSONata, intrinsic functions,
 * wildcard paths, other integrations) is refused at construction with a
 * {@link LocalExecutorConfigError} that names the state and says to use the reference executor.
 */
import type { AslCatcher, AslDefinition, AslRetrier, AslState, JsonValue } from './asl.js';
import { compileCatchers, compileRetriers, matchesError, retryDelayMs } from './asl-retry.js';
import { compilePath, compileResultPath, compileTemplate, requireValue, UnsupportedPathError } from './asl-paths.js';
import type { CompiledPath, PathContext } from './asl-paths.js';
import { LocalExecutorConfigError, WorkflowExecutionError } from './errors.js';
import { LocalFunctions, functionPlaceholderOf } from './local-functions.js';
import type {
  ExecuteOptions,
  ExecutorStats,
  LambdaInvoker,
  LocalExecutorOptions,
  WorkflowExecutor,
} from './local-functions.js';
import { FailStateError, isRecoverable, stateErrorOf, StatesRuntimeError, StatesTimeoutError } from './state-errors.js';

/** What a state did: its output, and the state to run next (`undefined`: the end). */
interface Step {
  output: JsonValue;
  next: CompiledState | undefined;
}

interface CompiledState {
  readonly name: string;
  run(input: JsonValue, scope: Scope): Step | Promise<Step>;
}

/** Why a scope stopped: the execution was aborted or timed out, or a sibling Map iteration failed. */
class ScopeStopped extends Error {
  constructor(readonly reason: unknown) {
    super('stopped');
  }
}

/**
 * The running part of an execution (the execution itself, or one Map state's iterations): once
 * stopped, nothing new starts in it — no state, no retry, no Map item — and retry pauses end.
 */
class Scope {
  #stopped: ScopeStopped | undefined;
  #sleepers: Set<() => void> | undefined;

  constructor(
    readonly context: PathContext,
    readonly parent?: Scope,
  ) {}

  /** Why this scope or an enclosing one stopped, or `undefined` while it runs. */
  get stopped(): ScopeStopped | undefined {
    return this.#stopped ?? this.parent?.stopped;
  }

  stop(reason: unknown): void {
    if (this.#stopped) return;
    this.#stopped = reason instanceof ScopeStopped ? reason : new ScopeStopped(reason);
    for (const wake of this.#sleepers ?? []) wake();
  }

  /** Resolves after `ms`, or as soon as this scope (or an enclosing one) stops. */
  sleep(ms: number): Promise<void> | undefined {
    if (ms <= 0 || this.stopped) return undefined;
    return new Promise<void>((resolve) => {
      const scopes: Scope[] = [];
      const wake = (): void => {
        clearTimeout(timer);
        for (const s of scopes) s.#sleepers!.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      scopes.push(this);
      for (let s = this.parent; s; s = s.parent) scopes.push(s);
      for (const s of scopes) (s.#sleepers ??= new Set()).add(wake);
    });
  }
}

/** Fields each state type may have (beyond `Type` and `Comment`); anything else is refused. */
const ALLOWED_FIELDS: Record<string, ReadonlySet<string>> = {
  Task: new Set([
    'Resource',
    'Parameters',
    'InputPath',
    'ResultSelector',
    'ResultPath',
    'OutputPath',
    'TimeoutSeconds',
    'Retry',
    'Catch',
    'Next',
    'End',
  ]),
  Map: new Set([
    'ItemsPath',
    'ItemSelector',
    'ItemProcessor',
    'MaxConcurrency',
    'InputPath',
    'ResultSelector',
    'ResultPath',
    'OutputPath',
    'Retry',
    'Catch',
    'Next',
    'End',
  ]),
  Pass: new Set(['Parameters', 'Result', 'InputPath', 'ResultPath', 'OutputPath', 'Next', 'End']),
  Choice: new Set(['Choices', 'Default', 'InputPath', 'OutputPath']),
  Succeed: new Set(['InputPath', 'OutputPath']),
  Fail: new Set(['Error', 'Cause', 'ErrorPath', 'CausePath']),
};

const NUMERIC_OPERATORS = {
  NumericEquals: (a: number, b: number) => a === b,
  NumericLessThan: (a: number, b: number) => a < b,
  NumericGreaterThan: (a: number, b: number) => a > b,
  NumericLessThanEquals: (a: number, b: number) => a <= b,
  NumericGreaterThanEquals: (a: number, b: number) => a >= b,
} as const;

/** The inline Map's limit on iterations at once (and what `MaxConcurrency` 0 means). */
const INLINE_MAP_LIMIT = 40;

/**
 * Runs one state machine definition locally, many executions at once, from closures compiled
 * when it is constructed. Same options, results, errors, counters and concurrency caps as
 * {@link LocalWorkflowExecutor}; see the module description for the supported subset.
 *
 * @throws {LocalExecutorConfigError} at construction for a definition outside the subset, a
 *   missing handler or a bad option.
 * @example
 * const executor = new FastWorkflowExecutor(buildStateMachineDefinition({ mode: 'buffered' }), {
 *   functions: local.functions,
 *   concurrency: { ProcessorFunctionArn: { limit: 10 } },
 * });
 * const response = await executor.execute(sqsRecords); // { batchItemFailures, processed, … }
 */
export class FastWorkflowExecutor implements WorkflowExecutor {
  readonly #functions: LocalFunctions;
  readonly #start: CompiledState;
  readonly #retryPauseMs: number | undefined;
  readonly #executionTimeoutMs: number | undefined;

  constructor(definition: AslDefinition, options: LocalExecutorOptions) {
    if (!definition || typeof definition !== 'object' || !definition.States || typeof definition.StartAt !== 'string') {
      throw new LocalExecutorConfigError(
        'The definition must be an Amazon States Language object with StartAt and States.',
      );
    }
    const language = (definition as { QueryLanguage?: unknown }).QueryLanguage;
    if (language !== undefined && language !== 'JSONPath') {
      throw unsupported('the definition', `QueryLanguage ${JSON.stringify(language)}`);
    }
    for (const key of Object.keys(definition)) {
      if (!['Comment', 'QueryLanguage', 'StartAt', 'States', 'TimeoutSeconds', 'Version'].includes(key))
        throw unsupported('the definition', `field "${key}"`);
    }
    this.#functions = new LocalFunctions(definition, options);
    this.#retryPauseMs = options.retryPauseMs;
    const timeout = definition.TimeoutSeconds;
    if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0))
      throw new LocalExecutorConfigError(
        `The definition's TimeoutSeconds must be a positive integer, got ${String(timeout)}.`,
      );
    this.#executionTimeoutMs = timeout === undefined ? undefined : timeout * 1000;
    try {
      this.#start = this.#compileMachine(definition.States, definition.StartAt, 'the definition');
    } catch (error) {
      if (error instanceof UnsupportedPathError)
        throw new LocalExecutorConfigError(
          `${error.message} Use the reference executor (LocalWorkflowExecutor; genesys-pipeline run --executor reference) for this definition.`,
        );
      throw error;
    }
  }

  /**
   * Runs one execution to its end. The input is not copied: do not change it while the
   * execution runs.
   *
   * @returns the execution output.
   * @throws {WorkflowExecutionError} when the execution fails, times out or is aborted.
   */
  async execute(input: JsonValue, options: ExecuteOptions = {}): Promise<JsonValue> {
    const executions = this.#functions.executions;
    executions.started++;
    const scope = new Scope({ executionInput: input, startTime: new Date().toISOString() });
    try {
      const output =
        options.signal || this.#executionTimeoutMs !== undefined
          ? await this.#guarded(input, scope, options.signal)
          : await runMachine(this.#start, input, scope);
      executions.succeeded++;
      return output;
    } catch (error) {
      executions.failed++;
      throw toExecutionError(error);
    }
  }

  /** The execution, ended early by the abort signal or the definition's `TimeoutSeconds` (what runs then stops at its next step). */
  #guarded(input: JsonValue, scope: Scope, signal: AbortSignal | undefined): Promise<JsonValue> {
    const timeoutMs = this.#executionTimeoutMs;
    return new Promise<JsonValue>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (): void => {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const stop = (error: WorkflowExecutionError): void => {
        finish();
        scope.stop(error);
        reject(error);
      };
      const onAbort = (): void => stop(new WorkflowExecutionError('ExecutionAborted', 'The execution was aborted.'));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined)
        timer = setTimeout(
          () =>
            stop(new WorkflowExecutionError('States.Timeout', 'The execution timed out (definition TimeoutSeconds).')),
          timeoutMs,
        );
      runMachine(this.#start, input, scope).then(
        (output) => {
          finish();
          resolve(output);
        },
        (error: unknown) => {
          finish();
          reject(error);
        },
      );
    });
  }

  /** Counters per function (by placeholder) and per execution. */
  stats(): ExecutorStats {
    return this.#functions.stats();
  }

  /** Zeroes every counter (not the in-flight gauges). */
  resetStats(): void {
    this.#functions.resetStats();
  }

  /** Compiles the states of one machine (the definition, or a Map's processor); returns the first. */
  #compileMachine(states: Record<string, AslState>, startAt: string, where: string): CompiledState {
    if (!states || typeof states !== 'object')
      throw new LocalExecutorConfigError(`${where}: States must be an object.`);
    const compiled = new Map<string, CompiledState>();
    const resolve = (name: string | undefined, from: string): (() => CompiledState | undefined) => {
      if (name === undefined) return () => undefined;
      if (!Object.hasOwn(states, name))
        throw new LocalExecutorConfigError(`State "${from}" goes to "${name}", which is not a state of ${where}.`);
      return () => compiled.get(name);
    };
    for (const [name, state] of Object.entries(states)) compiled.set(name, this.#compileState(name, state, resolve));
    const start = compiled.get(startAt);
    if (!start) throw new LocalExecutorConfigError(`StartAt "${startAt}" is not a state of ${where}.`);
    return start;
  }

  #compileState(
    name: string,
    state: AslState,
    resolve: (next: string | undefined, from: string) => () => CompiledState | undefined,
  ): CompiledState {
    const where = `State "${name}"`;
    const type = (state as { Type?: unknown }).Type;
    const allowed = typeof type === 'string' ? ALLOWED_FIELDS[type] : undefined;
    if (!allowed) throw unsupported(where, `type ${JSON.stringify(type)}`);
    for (const key of Object.keys(state)) {
      if (key === 'QueryLanguage') {
        const language = (state as { QueryLanguage?: unknown }).QueryLanguage;
        if (language !== 'JSONPath') throw unsupported(where, `QueryLanguage ${JSON.stringify(language)}`);
      } else if (key !== 'Type' && key !== 'Comment' && !allowed.has(key))
        throw unsupported(where, `field "${key}" on a ${String(type)} state`);
    }
    const s = state as unknown as Record<string, unknown>;
    const flow = (): (() => CompiledState | undefined) => {
      if (s.End === true && s.Next === undefined) return () => undefined;
      if (typeof s.Next === 'string' && s.End === undefined) return resolve(s.Next, name);
      throw new LocalExecutorConfigError(`${where} must have either Next or "End": true.`);
    };
    const inputPath = pathOption(s.InputPath, `${where} InputPath`);
    const outputPath = pathOption(s.OutputPath, `${where} OutputPath`);
    const effectiveInput = (input: JsonValue, context: PathContext): JsonValue =>
      inputPath === undefined ? input : inputPath === null ? {} : requireValue(inputPath, input, context);
    const finalOutput = (output: JsonValue, context: PathContext): JsonValue =>
      outputPath === undefined ? output : outputPath === null ? {} : requireValue(outputPath, output, context);

    switch (state.Type) {
      case 'Task': {
        const fn = functionPlaceholderOf(state)!;
        const invoke = this.#functions.invoker(fn);
        const parameters =
          state.Parameters === undefined ? undefined : compileTemplate(state.Parameters, `${where} Parameters`);
        const selector =
          state.ResultSelector === undefined
            ? undefined
            : compileTemplate(state.ResultSelector, `${where} ResultSelector`);
        const resultPath = compileResultPath(state.ResultPath, where);
        const timeout = state.TimeoutSeconds;
        if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0))
          throw new LocalExecutorConfigError(
            `${where}: TimeoutSeconds must be a positive integer, got ${String(timeout)}.`,
          );
        const timeoutMs = timeout === undefined ? undefined : timeout * 1000;
        const attempt = async (input: JsonValue, scope: Scope): Promise<JsonValue> => {
          const context = scope.context;
          const effective = effectiveInput(input, context);
          const request = parameters ? parameters(effective, context) : effective;
          const result = await invokeWithTimeout(invoke, request, timeoutMs);
          const selected = selector ? selector(result, context) : result;
          return finalOutput(resultPath(input, selected), context);
        };
        return this.#withErrorHandling(name, 'Task', attempt, flow(), state.Retry, state.Catch, resolve);
      }
      case 'Map': {
        const itemsPath =
          state.ItemsPath === undefined ? undefined : compilePath(state.ItemsPath, `${where} ItemsPath`);
        const selectorTemplate = state.ItemSelector;
        const itemSelector =
          selectorTemplate === undefined ? undefined : compileTemplate(selectorTemplate, `${where} ItemSelector`, true);
        const processor = state.ItemProcessor;
        const mode = processor?.ProcessorConfig?.Mode;
        if (!processor || typeof processor !== 'object')
          throw new LocalExecutorConfigError(`${where} has no ItemProcessor.`);
        if (mode !== undefined && mode !== 'INLINE')
          throw unsupported(where, `ItemProcessor mode ${JSON.stringify(mode)} (only INLINE)`);
        for (const key of Object.keys(processor))
          if (!['ProcessorConfig', 'StartAt', 'States', 'Comment'].includes(key))
            throw unsupported(where, `ItemProcessor field "${key}"`);
        const first = this.#compileMachine(processor.States, processor.StartAt, `the ItemProcessor of ${where}`);
        const maxConcurrency = state.MaxConcurrency ?? 0;
        if (!(Number.isInteger(maxConcurrency) && maxConcurrency >= 0))
          throw new LocalExecutorConfigError(
            `${where}: MaxConcurrency must be an integer ≥ 0, got ${String(maxConcurrency)}.`,
          );
        const limit = maxConcurrency === 0 ? INLINE_MAP_LIMIT : maxConcurrency;
        const selector =
          state.ResultSelector === undefined
            ? undefined
            : compileTemplate(state.ResultSelector, `${where} ResultSelector`);
        const resultPath = compileResultPath(state.ResultPath, where);
        const attempt = async (input: JsonValue, scope: Scope): Promise<JsonValue> => {
          const context = scope.context;
          const effective = effectiveInput(input, context);
          let items: JsonValue;
          if (itemsPath) {
            items = requireValue(itemsPath, effective, context);
            if (!Array.isArray(items))
              throw new StatesRuntimeError(
                `Path expression '${itemsPath.text}' evaluated to ${JSON.stringify(items)}, but expected an array`,
              );
          } else {
            items = effective;
            if (!Array.isArray(items))
              throw new StatesRuntimeError(
                'Input of Map state must be an array or ItemsPath property must point to an array',
              );
          }
          const results = await runIterations(items, limit, scope, (item, index, iterations) => {
            const iterationInput = itemSelector
              ? itemSelector(effective, {
                  executionInput: context.executionInput,
                  startTime: context.startTime,
                  mapItem: { index, value: item },
                })
              : item;
            return runMachine(first, iterationInput, iterations);
          });
          const selected = selector ? selector(results, context) : results;
          return finalOutput(resultPath(input, selected), context);
        };
        return this.#withErrorHandling(name, 'Map', attempt, flow(), state.Retry, state.Catch, resolve);
      }
      case 'Pass': {
        const hasResult = Object.hasOwn(state, 'Result');
        const resultText = hasResult ? JSON.stringify(state.Result) : undefined;
        const parameters =
          state.Parameters === undefined ? undefined : compileTemplate(state.Parameters, `${where} Parameters`);
        const resultPath = compileResultPath(state.ResultPath, where);
        const next = flow();
        return {
          name,
          run(input, scope) {
            const context = scope.context;
            const effective = effectiveInput(input, context);
            const result =
              resultText !== undefined
                ? (JSON.parse(resultText) as JsonValue)
                : parameters
                  ? parameters(effective, context)
                  : effective;
            return { output: finalOutput(resultPath(input, result), context), next: next() };
          },
        };
      }
      case 'Choice': {
        if (!Array.isArray(state.Choices) || state.Choices.length === 0)
          throw new LocalExecutorConfigError(`${where}: Choices must be a non-empty array.`);
        const rules = state.Choices.map((rule, i) => {
          const r = rule as unknown as Record<string, unknown>;
          if (typeof r.Next !== 'string') throw new LocalExecutorConfigError(`${where}: Choices[${i}] has no Next.`);
          return { test: compileChoiceRule(r, `${where} Choices[${i}]`, true), next: resolve(r.Next, name) };
        });
        const fallback = state.Default === undefined ? undefined : resolve(state.Default, name);
        return {
          name,
          run(input, scope) {
            const context = scope.context;
            const effective = effectiveInput(input, context);
            for (const rule of rules) {
              if (rule.test(effective, context)) return { output: finalOutput(effective, context), next: rule.next() };
            }
            if (fallback) return { output: finalOutput(effective, context), next: fallback() };
            throw Object.assign(new Error('States.NoChoiceMatched'), { name: 'States.NoChoiceMatched' });
          },
        };
      }
      case 'Succeed':
        return {
          name,
          run(input, scope) {
            return { output: finalOutput(effectiveInput(input, scope.context), scope.context), next: undefined };
          },
        };
      case 'Fail': {
        const errorPath = pathOption(state.ErrorPath, `${where} ErrorPath`);
        const causePath = pathOption(state.CausePath, `${where} CausePath`);
        const text = (path: CompiledPath, input: JsonValue, context: PathContext): string => {
          const value = requireValue(path, input, context);
          if (typeof value !== 'string')
            throw new StatesRuntimeError(
              `Path expression '${path.text}' evaluated to ${JSON.stringify(value)}, but expected a string`,
            );
          return value;
        };
        return {
          name,
          run(input, scope) {
            const error = errorPath ? text(errorPath, input, scope.context) : state.Error;
            const cause = causePath ? text(causePath, input, scope.context) : state.Cause;
            throw new FailStateError(error, cause);
          },
        };
      }
      default:
        throw unsupported(where, `type ${JSON.stringify(type)}`);
    }
  }

  /** A Task or Map state: its attempts wrapped in its `Retry` and `Catch`. */
  #withErrorHandling(
    name: string,
    type: 'Task' | 'Map',
    attempt: (input: JsonValue, scope: Scope) => Promise<JsonValue>,
    next: () => CompiledState | undefined,
    retry: AslRetrier[] | undefined,
    catchers: AslCatcher[] | undefined,
    resolve: (next: string | undefined, from: string) => () => CompiledState | undefined,
  ): CompiledState {
    const where = `State "${name}"`;
    const retriers = compileRetriers(retry, where);
    const caught = compileCatchers(catchers, where).map((c) => ({ ...c, go: resolve(c.next, name) }));
    const pauseMs = this.#retryPauseMs;
    const inTask = type === 'Task';
    if (retriers.length === 0 && caught.length === 0) {
      return { name, run: async (input, scope) => ({ output: await attempt(input, scope), next: next() }) };
    }
    return {
      name,
      async run(input, scope) {
        let counts: number[] | undefined;
        for (;;) {
          try {
            return { output: await attempt(input, scope), next: next() };
          } catch (thrown) {
            const stopped = scope.stopped;
            if (stopped) throw stopped;
            if (!isRecoverable(thrown)) throw thrown;
            const { name: error, cause } = stateErrorOf(thrown);
            const timeout = thrown instanceof StatesTimeoutError;
            const r = retriers.findIndex((m) => matchesError(m, error, inTask, timeout));
            if (r >= 0) {
              counts ??= new Array<number>(retriers.length).fill(0);
              const retrier = retriers[r]!;
              if (counts[r]! < retrier.maxAttempts) {
                const wait = retryDelayMs(retrier, counts[r]!, pauseMs);
                counts[r]!++;
                const sleeping = scope.sleep(wait);
                if (sleeping) await sleeping;
                const stoppedNow = scope.stopped;
                if (stoppedNow) throw stoppedNow;
                continue;
              }
            }
            const catcher = caught.find((m) => matchesError(m, error, inTask, timeout));
            if (catcher)
              return { output: catcher.resultPath(input, { Error: error, Cause: cause }), next: catcher.go() };
            throw thrown;
          }
        }
      },
    };
  }
}

/** Runs one machine's states from `start` until a state ends it. */
async function runMachine(start: CompiledState, input: JsonValue, scope: Scope): Promise<JsonValue> {
  let state = start;
  let value = input;
  for (;;) {
    const ran = state.run(value, scope);
    const step = ran instanceof Promise ? await ran : ran;
    if (step.next === undefined) return step.output;
    const stopped = scope.stopped;
    if (stopped) throw stopped;
    value = step.output;
    state = step.next;
  }
}

/**
 * Runs `iterate` for every item, at most `limit` at once, in a scope of their own; results in item
 * order. The first failure stops the others (no new item, no retry, no next state) and is thrown
 * once those in flight have settled.
 */
async function runIterations(
  items: JsonValue[],
  limit: number,
  parent: Scope,
  iterate: (item: JsonValue, index: number, scope: Scope) => Promise<JsonValue>,
): Promise<JsonValue[]> {
  const n = items.length;
  const results = new Array<JsonValue>(n);
  if (n === 0) return results;
  const scope = new Scope(parent.context, parent);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < n && !scope.stopped) {
      const index = next++;
      try {
        results[index] = await iterate(items[index]!, index, scope);
      } catch (error) {
        if (!failure) {
          failure = { error };
          scope.stop(error);
        }
      }
    }
  };
  const workers = Math.min(limit, n);
  if (workers === 1) await worker();
  else {
    const running: Promise<void>[] = [];
    for (let w = 0; w < workers; w++) running.push(worker());
    await Promise.all(running);
  }
  const stopped = parent.stopped;
  if (stopped) throw stopped;
  if (failure) throw failure.error;
  return results;
}

/** The Lambda invocation, failing with `States.Timeout` after `timeoutMs` (the invocation itself runs on, as a Lambda function does). */
function invokeWithTimeout(
  invoke: LambdaInvoker,
  request: JsonValue,
  timeoutMs: number | undefined,
): Promise<JsonValue> {
  if (timeoutMs === undefined) return invoke(request);
  return new Promise<JsonValue>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StatesTimeoutError()), timeoutMs);
    invoke(request).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

type ChoiceTest = (input: JsonValue, context: PathContext) => boolean;

function compileChoiceRule(rule: Record<string, unknown>, where: string, top: boolean): ChoiceTest {
  const keys = Object.keys(rule).filter((k) => k !== 'Next' && k !== 'Comment');
  if (!top && Object.hasOwn(rule, 'Next'))
    throw new LocalExecutorConfigError(`${where}: a nested choice rule has no Next.`);
  if (keys.length === 1 && (keys[0] === 'And' || keys[0] === 'Or')) {
    const list = rule[keys[0]];
    if (!Array.isArray(list) || list.length === 0)
      throw new LocalExecutorConfigError(`${where}: ${keys[0]} must be a non-empty array of rules.`);
    const tests = list.map((r, i) =>
      compileChoiceRule(r as Record<string, unknown>, `${where}.${keys[0]}[${i}]`, false),
    );
    return keys[0] === 'And'
      ? (input, context) => tests.every((t) => t(input, context))
      : (input, context) => tests.some((t) => t(input, context));
  }
  if (keys.length === 1 && keys[0] === 'Not') {
    const test = compileChoiceRule(rule.Not as Record<string, unknown>, `${where}.Not`, false);
    return (input, context) => !test(input, context);
  }
  const operators = keys.filter((k) => k !== 'Variable');
  if (typeof rule.Variable !== 'string' || operators.length !== 1)
    throw unsupported(where, `choice rule ${JSON.stringify(rule)}`);
  const operator = operators[0]!;
  const variable = compilePath(rule.Variable, `${where} Variable`);
  const expected = rule[operator];
  if (operator === 'IsPresent' && typeof expected === 'boolean')
    return (input, context) => (variable.get(input, context) !== undefined) === expected;
  const value = (input: JsonValue, context: PathContext): JsonValue => requireValue(variable, input, context);
  if (operator in NUMERIC_OPERATORS && typeof expected === 'number') {
    const compare = NUMERIC_OPERATORS[operator as keyof typeof NUMERIC_OPERATORS];
    return (input, context) => {
      const v = value(input, context);
      return typeof v === 'number' && compare(v, expected);
    };
  }
  if (operator === 'StringEquals' && typeof expected === 'string')
    return (input, context) => value(input, context) === expected;
  if (operator === 'BooleanEquals' && typeof expected === 'boolean')
    return (input, context) => value(input, context) === expected;
  if (operator === 'IsNull' && typeof expected === 'boolean')
    return (input, context) => (value(input, context) === null) === expected;
  throw unsupported(where, `choice operator "${operator}"`);
}

function pathOption(value: unknown, where: string): CompiledPath | null | undefined {
  if (value === undefined || value === null) return value;
  return compilePath(value as string, where);
}

function unsupported(where: string, what: string): LocalExecutorConfigError {
  return new LocalExecutorConfigError(
    `${where}: ${what} is not supported by the fast executor (FastWorkflowExecutor). Use the reference executor (LocalWorkflowExecutor; genesys-pipeline run --executor reference) for this definition.`,
  );
}

function toExecutionError(error: unknown): WorkflowExecutionError {
  if (error instanceof WorkflowExecutionError) return error;
  if (error instanceof ScopeStopped) return toExecutionError(error.reason);
  const { name, cause } = stateErrorOf(error);
  return new WorkflowExecutionError(name, cause);
}
