/**
 * The fast executor's compiler: turns each state of a definition into a closure that knows its
 * successor (see `fast-executor.ts` for the supported subset and its semantics). Every path,
 * payload template, `ResultPath`, `Retry` and `Catch` is parsed here, once; an execution then only
 * runs the closures (`execution-scope.ts`).
 */
import type {
  AslCatcher,
  AslChoiceState,
  AslFailState,
  AslMapState,
  AslPassState,
  AslRetrier,
  AslState,
  AslTaskState,
  JsonValue,
} from './asl.js';
import { compileCatchers, compileRetriers, matchesError, retryDelayMs } from './asl-retry.js';
import { compilePath, compileResultPath, compileTemplate, requireValue } from './asl-paths.js';
import type { CompiledPath, PathContext } from './asl-paths.js';
import { LocalExecutorConfigError } from './errors.js';
import { runIterations, runMachine } from './execution-scope.js';
import type { CompiledState, Scope } from './execution-scope.js';
import { functionPlaceholderOf } from './local-functions.js';
import type { LambdaInvoker, LocalFunctions } from './local-functions.js';
import { FailStateError, isRecoverable, stateErrorOf, StatesRuntimeError, StatesTimeoutError } from './state-errors.js';

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

/** The target of a state's `Next` (or a Choice rule's, or a catcher's), found once every state is compiled. */
type Resolve = (next: string | undefined, from: string) => () => CompiledState | undefined;

/** What every state has: its name, where to report a problem, its successor, its `InputPath` and `OutputPath`. */
interface Common {
  name: string;
  where: string;
  resolve: Resolve;
  /** The state's successor (`Next`, or none with `End`). */
  flow: () => () => CompiledState | undefined;
  effectiveInput: (input: JsonValue, context: PathContext) => JsonValue;
  finalOutput: (output: JsonValue, context: PathContext) => JsonValue;
}

/** Compiles the states of one definition for one executor (its functions, its retry pause). */
export class StateCompiler {
  readonly #functions: LocalFunctions;
  readonly #retryPauseMs: number | undefined;

  constructor(functions: LocalFunctions, retryPauseMs: number | undefined) {
    this.#functions = functions;
    this.#retryPauseMs = retryPauseMs;
  }

  compileMachine(states: Record<string, AslState>, startAt: string, where: string): CompiledState {
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

  #compileState(name: string, state: AslState, resolve: Resolve): CompiledState {
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
    const common: Common = { name, where, resolve, flow, effectiveInput, finalOutput };

    switch (state.Type) {
      case 'Task':
        return this.#task(common, state);
      case 'Map':
        return this.#map(common, state);
      case 'Pass':
        return this.#pass(common, state);
      case 'Choice':
        return this.#choice(common, state);
      case 'Succeed':
        return succeed(common);
      case 'Fail':
        return fail(common, state);
      default:
        throw unsupported(where, `type ${JSON.stringify(type)}`);
    }
  }

  /** A `lambda:invoke` Task: the payload template, the invocation (with its timeout), `ResultSelector`, `ResultPath`. */
  #task(c: Common, state: AslTaskState): CompiledState {
    const { name, where, resolve, flow, effectiveInput, finalOutput } = c;
    const fn = functionPlaceholderOf(state)!;
    const invoke = this.#functions.invoker(fn);
    const parameters =
      state.Parameters === undefined ? undefined : compileTemplate(state.Parameters, `${where} Parameters`);
    const selector =
      state.ResultSelector === undefined ? undefined : compileTemplate(state.ResultSelector, `${where} ResultSelector`);
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

  /** An inline Map: its items, each run through the compiled `ItemProcessor`, at most `MaxConcurrency` at once. */
  #map(c: Common, state: AslMapState): CompiledState {
    const { name, where, resolve, flow, effectiveInput, finalOutput } = c;
    const itemsPath = state.ItemsPath === undefined ? undefined : compilePath(state.ItemsPath, `${where} ItemsPath`);
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
    const first = this.compileMachine(processor.States, processor.StartAt, `the ItemProcessor of ${where}`);
    const maxConcurrency = state.MaxConcurrency ?? 0;
    if (!(Number.isInteger(maxConcurrency) && maxConcurrency >= 0))
      throw new LocalExecutorConfigError(
        `${where}: MaxConcurrency must be an integer ≥ 0, got ${String(maxConcurrency)}.`,
      );
    const limit = maxConcurrency === 0 ? INLINE_MAP_LIMIT : maxConcurrency;
    const selector =
      state.ResultSelector === undefined ? undefined : compileTemplate(state.ResultSelector, `${where} ResultSelector`);
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

  /** A Pass state: `Result`, or `Parameters`, or its input. */
  #pass(c: Common, state: AslPassState): CompiledState {
    const { name, where, flow, effectiveInput, finalOutput } = c;
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

  /** A Choice state: the first rule that matches decides the next state, else `Default`. */
  #choice(c: Common, state: AslChoiceState): CompiledState {
    const { name, where, resolve, effectiveInput, finalOutput } = c;
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

  /** A Task or Map state: its attempts wrapped in its `Retry` and `Catch`. */

  #withErrorHandling(
    name: string,
    type: 'Task' | 'Map',
    attempt: (input: JsonValue, scope: Scope) => Promise<JsonValue>,
    next: () => CompiledState | undefined,
    retry: AslRetrier[] | undefined,
    catchers: AslCatcher[] | undefined,
    resolve: Resolve,
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

/** A Succeed state: ends its machine with its (filtered) input. */
function succeed(c: Common): CompiledState {
  const { name, effectiveInput, finalOutput } = c;
  return {
    name,
    run(input, scope) {
      return { output: finalOutput(effectiveInput(input, scope.context), scope.context), next: undefined };
    },
  };
}

/** A Fail state: fails with its `Error` and `Cause`, or those its paths find. */
function fail(c: Common, state: AslFailState): CompiledState {
  const { name, where } = c;
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

export function unsupported(where: string, what: string): LocalExecutorConfigError {
  return new LocalExecutorConfigError(
    `${where}: ${what} is not supported by the fast executor (FastWorkflowExecutor). Use the reference executor (LocalWorkflowExecutor; genesys-pipeline run --executor reference) for this definition.`,
  );
}
