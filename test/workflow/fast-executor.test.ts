/**
 * What only the fast executor does (both executors' shared behaviour is in executor.test.ts, and
 * their equivalence in fast-executor.differential.test.ts): the supported subset and the clear
 * refusal of the rest, the States Language constructs our definitions do not use, a Map that
 * stops its other iterations when one fails, the backoff formula.
 */
import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../src/workflow/asl-retry.js';
import {
  buildStateMachineDefinition,
  FastWorkflowExecutor,
  LocalExecutorConfigError,
  WorkflowExecutionError,
} from '../../src/workflow/index.js';
import { LAMBDA_INVOKE_RESOURCE } from '../../src/workflow/definition.js';
import type { AslDefinition, AslState, JsonValue, LocalLambdaHandler } from '../../src/workflow/index.js';
import { sleep } from './support.js';

const task = (fn: string, rest: Record<string, unknown> = {}): AslState =>
  ({
    Type: 'Task',
    Resource: LAMBDA_INVOKE_RESOURCE,
    Parameters: { FunctionName: `\${${fn}}`, 'Payload.$': '$' },
    ResultSelector: { 'v.$': '$.Payload' },
    ...rest,
  }) as AslState;

const machine = (
  States: Record<string, unknown>,
  StartAt = Object.keys(States)[0]!,
  extra: Record<string, unknown> = {},
): AslDefinition => ({ QueryLanguage: 'JSONPath', StartAt, States, ...extra }) as AslDefinition;

const error = async (promise: Promise<unknown>): Promise<WorkflowExecutionError> => {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(WorkflowExecutionError);
  return e as WorkflowExecutionError;
};

describe('FastWorkflowExecutor: the supported subset', () => {
  it('runs both definitions without changing them', () => {
    for (const mode of ['buffered', 'direct'] as const) {
      const definition = buildStateMachineDefinition({ mode });
      const before = JSON.stringify(definition);
      const fn: LocalLambdaHandler = () => null;
      new FastWorkflowExecutor(definition, {
        functions: {
          ValidatorFunctionArn: fn,
          ProcessorFunctionArn: fn,
          BatchReporterFunctionArn: fn,
          FailureRecorderFunctionArn: fn,
        },
      });
      expect(JSON.stringify(definition)).toBe(before);
    }
  });

  it.each<[string, AslDefinition, RegExp]>([
    [
      'a Wait state',
      machine({ W: { Type: 'Wait', Seconds: 1, End: true } }),
      /State "W": type "Wait" is not supported/,
    ],
    ['a Parallel state', machine({ P: { Type: 'Parallel', Branches: [], End: true } }), /type "Parallel"/],
    ['JSONata', machine({ S: { Type: 'Succeed' } }, 'S', { QueryLanguage: 'JSONata' }), /QueryLanguage "JSONata"/],
    [
      'an intrinsic function',
      machine({
        T: task('Fn', { Parameters: { FunctionName: '${Fn}', 'Payload.$': "States.Format('{}', $.a)" }, End: true }),
      }),
      /intrinsic function/,
    ],
    [
      'a wildcard path',
      machine({ T: task('Fn', { ResultSelector: { 'v.$': '$.Payload[*]' }, End: true }) }),
      /\$\.Payload\[\*\]/,
    ],
    [
      'a distributed Map',
      machine({
        M: {
          Type: 'Map',
          ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' }, StartAt: 'S', States: { S: { Type: 'Succeed' } } },
          End: true,
        },
      }),
      /mode "DISTRIBUTED"/,
    ],
    ['HeartbeatSeconds', machine({ T: task('Fn', { HeartbeatSeconds: 5, End: true }) }), /field "HeartbeatSeconds"/],
    [
      'a Choice operator outside the subset',
      machine({
        C: { Type: 'Choice', Choices: [{ Variable: '$.a', StringMatches: 'x*', Next: 'S' }] },
        S: { Type: 'Succeed' },
      }),
      /choice operator "StringMatches"/,
    ],
  ])('refuses %s at construction, pointing to the reference executor', (_what, definition, message) => {
    const build = () => new FastWorkflowExecutor(definition, { functions: { Fn: () => null } });
    expect(build).toThrow(LocalExecutorConfigError);
    expect(build).toThrow(message);
    expect(build).toThrow(/reference executor/);
  });

  it.each<[string, AslDefinition, RegExp]>([
    [
      'States.ALL before another retrier',
      machine({ T: task('Fn', { Retry: [{ ErrorEquals: ['States.ALL'] }, { ErrorEquals: ['X'] }], End: true }) }),
      /Retry\[0\]: "States\.ALL" must be alone in its ErrorEquals and in the last entry/,
    ],
    [
      'States.ALL beside another name',
      machine({ T: task('Fn', { Catch: [{ ErrorEquals: ['States.ALL', 'X'], Next: 'T' }], End: true }) }),
      /Catch\[0\]: "States\.ALL" must be alone/,
    ],
    [
      'a Next to nowhere',
      machine({ T: task('Fn', { Next: 'Nowhere' }) }),
      /State "T" goes to "Nowhere", which is not a state/,
    ],
    [
      'a state with both Next and End',
      machine({ T: task('Fn', { Next: 'T', End: true }) }),
      /either Next or "End": true/,
    ],
  ])('refuses an invalid definition (%s) at construction, saying what is wrong', (_what, definition, message) => {
    expect(() => new FastWorkflowExecutor(definition, { functions: { Fn: () => null } })).toThrow(message);
  });

  it('Pass (Result, Parameters, ResultPath), Choice operators and Succeed', async () => {
    const definition = machine({
      SetUp: { Type: 'Pass', Parameters: { 'n.$': '$.n', tag: 't' }, ResultPath: '$.copy', Next: 'Constant' },
      Constant: { Type: 'Pass', Result: false, ResultPath: '$.flag', Next: 'Decide' },
      Decide: {
        Type: 'Choice',
        Choices: [
          {
            And: [
              { Variable: '$.copy.n', NumericGreaterThanEquals: 10 },
              { Not: { Variable: '$.flag', BooleanEquals: true } },
            ],
            Next: 'Big',
          },
          {
            Or: [
              { Variable: '$.missing', IsPresent: true },
              { Variable: '$.copy.tag', StringEquals: 't' },
            ],
            Next: 'Small',
          },
        ],
        Default: 'Big',
      },
      Big: { Type: 'Pass', Result: 'big', End: true },
      Small: { Type: 'Succeed', OutputPath: '$.copy' },
    });
    const executor = new FastWorkflowExecutor(definition, { functions: {} });
    expect(await executor.execute({ n: 12 })).toBe('big');
    expect(await executor.execute({ n: 3 })).toEqual({ n: 3, tag: 't' });
    // A numeric comparison of a string is false (not JavaScript's "12" >= 10).
    expect(await executor.execute({ n: '12' })).toEqual({ n: '12', tag: 't' });
  });

  it('Fail with Error and Cause, and a Fail inside a Map caught by the Map’s Catch', async () => {
    const definition = machine({
      Each: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemProcessor: {
          StartAt: 'Boom',
          States: { Boom: { Type: 'Fail', Error: 'Custom.Failure', Cause: 'an item failed' } },
        },
        Catch: [{ ErrorEquals: ['Custom.Failure'], ResultPath: '$.caught', Next: 'Done' }],
        End: true,
      },
      Done: { Type: 'Succeed' },
    });
    const executor = new FastWorkflowExecutor(definition, { functions: {} });
    expect(await executor.execute({ items: [1] })).toEqual({
      items: [1],
      caught: { Error: 'Custom.Failure', Cause: 'an item failed' },
    });
    expect(await executor.execute({ items: [] })).toEqual([]); // no ResultPath: the (empty) results replace the input
    const fails = new FastWorkflowExecutor(machine({ F: { Type: 'Fail', Error: 'E', Cause: 'C' } }), { functions: {} });
    expect(await error(fails.execute({}))).toMatchObject({ error: 'E', cause: 'C' });
  });

  it('a Map iteration that fails uncaught stops the others: no new item starts, no retry; the Map fails once those in flight are done', async () => {
    const started: string[] = [];
    let inFlight = 0;
    const definition = machine({
      Each: {
        Type: 'Map',
        MaxConcurrency: 2,
        ItemProcessor: {
          StartAt: 'Work',
          States: {
            Work: task('Fn', {
              ResultSelector: { 'v.$': '$.Payload.value' },
              Retry: [{ ErrorEquals: ['Retryable'], MaxAttempts: 5 }],
              End: true,
            }),
          },
        },
        End: true,
      },
    });
    const executor = new FastWorkflowExecutor(definition, {
      retryPauseMs: 1,
      functions: {
        Fn: async (item) => {
          started.push(String(item));
          inFlight++;
          try {
            if (item === 'bad') return {}; // the ResultSelector finds no $.Payload.value: States.Runtime
            await sleep(30);
            throw Object.assign(new Error('again'), { name: 'Retryable' });
          } finally {
            inFlight--;
          }
        },
      },
    });
    const failure = await error(executor.execute(['slow', 'bad', 'never-1', 'never-2']));
    expect(failure).toMatchObject({
      error: 'States.Runtime',
      cause: "Path expression '$.Payload.value' does not point to a value",
    });
    expect(inFlight).toBe(0); // the slow item's invocation finished before the Map failed
    expect(started).toEqual(['slow', 'bad']); // and it was not retried; later items never started
  });

  it('definition TimeoutSeconds fails the execution with States.Timeout', async () => {
    const definition = machine({ T: task('Fn', { End: true }) }, 'T', { TimeoutSeconds: 1 });
    const executor = new FastWorkflowExecutor(definition, { functions: { Fn: () => sleep(1500).then(() => 1) } });
    expect(await error(executor.execute({}))).toMatchObject({ error: 'States.Timeout' });
    expect(executor.stats().executions).toEqual({ started: 1, succeeded: 0, failed: 1 });
  });

  it('an already aborted signal invokes nothing', async () => {
    let calls = 0;
    const executor = new FastWorkflowExecutor(machine({ T: task('Fn', { End: true }) }), {
      functions: { Fn: () => ++calls },
    });
    const controller = new AbortController();
    controller.abort();
    expect(await error(executor.execute({}, { signal: controller.signal }))).toMatchObject({
      error: 'ExecutionAborted',
    });
    expect(calls).toBe(0);
  });

  it('InputPath and OutputPath; values are never changed in place', async () => {
    const definition = machine({
      T: task('Fn', { InputPath: '$.in', ResultPath: '$.out', OutputPath: '$.out.v', End: true }),
    });
    const executor = new FastWorkflowExecutor(definition, { functions: { Fn: (p) => ({ echoed: p as JsonValue }) } });
    const input = { in: { a: 1 }, other: true };
    expect(await executor.execute(input)).toEqual({ echoed: { a: 1 } });
    expect(input).toEqual({ in: { a: 1 }, other: true });
  });
});

describe('retry backoff (retryDelayMs)', () => {
  const retrier = { intervalSeconds: 1, backoffRate: 2, maxDelaySeconds: 10, fullJitter: false };

  it('IntervalSeconds × BackoffRate^n, capped by MaxDelaySeconds', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => retryDelayMs(retrier, n, undefined))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
    expect(retryDelayMs({ ...retrier, maxDelaySeconds: undefined }, 5, undefined)).toBe(32_000);
    expect(retryDelayMs({ ...retrier, backoffRate: 1.5, intervalSeconds: 2 }, 2, undefined)).toBe(4500);
  });

  it('full jitter: a random time from 0 to the capped backoff', () => {
    const jittered = { ...retrier, fullJitter: true };
    expect(retryDelayMs(jittered, 3, undefined, () => 0)).toBe(0);
    expect(retryDelayMs(jittered, 3, undefined, () => 0.5)).toBe(4000);
    expect(retryDelayMs(jittered, 9, undefined, () => 0.999_999_9)).toBe(10_000);
  });

  it('retryPauseMs replaces the backoff and the jitter (capped by MaxDelaySeconds)', () => {
    expect(retryDelayMs({ ...retrier, fullJitter: true }, 7, 5, () => 0)).toBe(5);
    expect(retryDelayMs({ ...retrier, maxDelaySeconds: 1 }, 0, 5000)).toBe(1000);
  });
});

describe('payload copies (copyPayloads)', () => {
  const twoTasks = machine({
    A: task('A', { ResultPath: '$.a', Next: 'B' }),
    B: task('B', { ResultPath: '$.b', End: true }),
  });

  it('by default each handler gets and returns copies, as through the Lambda API: no shared objects, JSON only', async () => {
    let returned: { nested: { n: number }; gone?: undefined; when: Date } | undefined;
    let seenByB: unknown;
    const executor = new FastWorkflowExecutor(twoTasks, {
      functions: {
        A: () => (returned = { nested: { n: 1 }, gone: undefined, when: new Date(0) }) as unknown as JsonValue,
        B: (payload) => ((seenByB = payload), null),
      },
    });
    const output = (await executor.execute({})) as { a: { v: unknown } };
    expect(output.a.v).toEqual({ nested: { n: 1 }, when: '1970-01-01T00:00:00.000Z' });
    expect((seenByB as { a: { v: { nested: unknown } } }).a.v.nested).not.toBe(returned!.nested);
    returned!.nested.n = 2; // a handler changing what it returned changes nothing downstream
    expect((output.a.v as { nested: { n: number } }).nested.n).toBe(1);
  });

  it('copyPayloads: false hands the values over as they are (for handlers that never change them)', async () => {
    const value = { nested: { n: 1 } };
    let seenByB: unknown;
    const executor = new FastWorkflowExecutor(twoTasks, {
      functions: { A: () => value, B: (payload) => ((seenByB = payload), null) },
      copyPayloads: false,
    });
    const output = (await executor.execute({})) as { a: { v: unknown } };
    expect((seenByB as { a: { v: unknown } }).a.v).toBe(value);
    expect(output.a.v).toBe(value);
  });
});
