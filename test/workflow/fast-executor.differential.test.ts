/**
 * The fast executor against the reference (aws-local-stepfunctions) on both definitions:
 * fast-check generates batches and what every Lambda handler does at each attempt — return a
 * result, fail with a transient error N times, fail permanently, fail with a Lambda service
 * error, return something malformed, take longer than TimeoutSeconds — and both executors must
 * end with the same output (or the same error and cause), having invoked every function the same
 * number of times with the same payloads.
 *
 * Handlers decide from the function, the payload and how many times they have seen that payload
 * (never from timing), so each scenario is deterministic whatever the interleaving. Errors carry
 * a fixed stack, so the Lambda-style causes (`{"errorType","errorMessage","trace"}`) compare too.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildStateMachineDefinition,
  FastWorkflowExecutor,
  FUNCTION_PLACEHOLDERS as F,
  LocalWorkflowExecutor,
  WorkflowExecutionError,
} from '../../src/workflow/index.js';
import type {
  AslDefinition,
  JsonValue,
  LocalExecutorOptions,
  LocalLambdaHandler,
  WorkflowExecutor,
  WorkflowMode,
} from '../../src/workflow/index.js';
import { sleep } from './support.js';

type ExecutorClass = new (definition: AslDefinition, options: LocalExecutorOptions) => WorkflowExecutor;

/** What a handler does at one attempt. */
type Outcome =
  | { kind: 'ok' }
  | { kind: 'throw'; name: string }
  | { kind: 'return'; value: JsonValue }
  | { kind: 'undefined' }
  | { kind: 'slow' };

/** Retried by the definitions' retrier (Lambda service errors, TransientProcessingError) or not. */
const ERROR_NAMES = [
  'TransientProcessingError',
  'Lambda.ServiceException',
  'Lambda.TooManyRequestsException',
  'Lambda.SdkClientException',
  'TypeError',
  'PermanentProcessingError',
  'Custom.Error',
];

const thrown = fc.constantFrom(...ERROR_NAMES).map((name): Outcome => ({ kind: 'throw', name }));
const ok = fc.constant<Outcome>({ kind: 'ok' });

/** A processor result that passes the Process state's ResultSelector (both fields present), odd values included. */
const oddOutcome = fc
  .record({
    messageId: fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.constant(null)),
    status: fc.oneof(
      fc.constantFrom('processed', 'duplicate', 'dead-lettered', 'failed'),
      fc.integer(),
      fc.constant(null),
    ),
  })
  .map((value): Outcome => ({ kind: 'return', value }));

/** A result the state's ResultSelector cannot read: `States.Runtime`, never retried or caught. */
const unreadable = fc.oneof(
  fc
    .constantFrom<JsonValue>(null, 'text', 42, [], {}, { messageId: 'x' }, { status: 'processed' })
    .map((value): Outcome => ({ kind: 'return', value })),
  fc.constant<Outcome>({ kind: 'undefined' }),
);

/** Attempts of a processor: mostly recoverable. */
const processorAttempts = fc.array(
  fc.oneof({ weight: 4, arbitrary: ok }, { weight: 4, arbitrary: thrown }, { weight: 1, arbitrary: oddOutcome }),
  { minLength: 1, maxLength: 5 },
);

interface Scenario {
  mode: WorkflowMode;
  maxConcurrency: number;
  maxAttempts: number;
  /** Processor reserved concurrency (wait mode), or none. */
  processorLimit: number | undefined;
  records: Array<{ messageId: string; valid: boolean }>;
  validator: Outcome[];
  processor: Record<string, Outcome[]>;
  reporter: Outcome[];
  recorder: Outcome[];
  /** Whether a Map iteration can fail the execution (an unreadable processor result): the reference then keeps running the other items after the execution has failed, so only the error is compared. */
  uncaughtInMap: boolean;
  taskTimeoutSeconds?: number;
}

const validatorOutcome = (mode: WorkflowMode) =>
  fc.oneof(
    { weight: 6, arbitrary: ok },
    { weight: 2, arbitrary: thrown },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom<JsonValue>(
          null,
          {},
          { invalid: 0 },
          { items: 'not-a-list', invalid: 0 },
          { items: [], invalid: 0 },
          { items: [], invalid: null },
          ...(mode === 'direct'
            ? [
                { items: [{ messageId: 'odd' }], invalid: 0 },
                { items: [], invalid: 2 },
              ]
            : [{ items: [{ messageId: 'odd', receiveCount: 1 }], invalid: 0 }]),
        )
        .map((value): Outcome => ({ kind: 'return', value })),
    },
  );

const scenario = (mode: WorkflowMode): fc.Arbitrary<Scenario> =>
  fc
    .record({
      maxConcurrency: fc.integer({ min: 1, max: 5 }),
      maxAttempts: fc.integer({ min: 0, max: 3 }),
      processorLimit: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
      records: fc.array(fc.constantFrom(true, true, true, false), {
        minLength: mode === 'direct' ? 1 : 0,
        maxLength: mode === 'direct' ? 1 : 8,
      }),
      validator: fc.array(validatorOutcome(mode), { minLength: 1, maxLength: 4 }),
      processorAttempts: fc.array(processorAttempts, { minLength: 8, maxLength: 8 }),
      unreadableAt: fc.oneof(
        { weight: 4, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.tuple(fc.nat(7), fc.nat(3), unreadable) },
      ),
      reporter: fc.array(
        fc.oneof({ weight: 5, arbitrary: ok }, { weight: 2, arbitrary: thrown }, { weight: 1, arbitrary: unreadable }),
        { minLength: 1, maxLength: 4 },
      ),
      recorder: fc.array(
        fc.oneof({ weight: 5, arbitrary: ok }, { weight: 2, arbitrary: thrown }, { weight: 1, arbitrary: unreadable }),
        { minLength: 1, maxLength: 4 },
      ),
    })
    .map((r): Scenario => {
      const records = r.records.map((valid, i) => ({ messageId: `m${i}`, valid }));
      const processor: Record<string, Outcome[]> = {};
      records.forEach((rec, i) => (processor[rec.messageId] = [...r.processorAttempts[i]!]));
      // At most one item may produce an unreadable result (which one fails first would otherwise depend on timing).
      let uncaughtInMap = false;
      if (r.unreadableAt && records.length > 0) {
        const [item, attempt, outcome] = r.unreadableAt;
        const attempts = processor[records[item % records.length]!.messageId]!;
        attempts[Math.min(attempt, attempts.length)] = outcome;
        uncaughtInMap = mode === 'buffered';
      }
      return {
        mode,
        maxConcurrency: r.maxConcurrency,
        maxAttempts: r.maxAttempts,
        processorLimit: r.processorLimit,
        records,
        validator: r.validator,
        processor,
        reporter: r.reporter,
        recorder: r.recorder,
        uncaughtInMap,
      };
    });

/** An error as a test handler throws it: fixed stack, so the Lambda-style cause is the same whichever executor called the handler. */
function failure(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  error.stack = `${name}: ${message}\n    at handler (differential test)`;
  return error;
}

/** What one executor did with a scenario. */
interface Run {
  result: { output: JsonValue } | { error: string; cause: string };
  invocations: Record<string, { invocations: number; errors: number; throttles: number }>;
  /** Payloads each function received, as sorted JSON texts. */
  payloads: Record<string, string[]>;
}

/**
 * Building a reference executor validates the definition with asl-validator (~50 ms), so one is
 * kept per definition and options, its handlers delegating to the scenario being run. Not for a
 * scenario whose execution may fail inside a Map: the reference then goes on invoking handlers in
 * the background, which must not reach the next scenario's.
 */
const cached = new Map<
  string,
  { executor: WorkflowExecutor; current: { functions: Record<string, LocalLambdaHandler> } }
>();

function executorFor(
  Executor: ExecutorClass,
  s: Scenario,
  functions: Record<string, LocalLambdaHandler>,
): WorkflowExecutor {
  const build = (handlers: Record<string, LocalLambdaHandler>): WorkflowExecutor =>
    new Executor(
      buildStateMachineDefinition({
        mode: s.mode,
        maxConcurrency: s.maxConcurrency,
        retry: { maxAttempts: s.maxAttempts },
        throttleRetry: { maxAttempts: s.maxAttempts },
        ...(s.taskTimeoutSeconds ? { taskTimeoutSeconds: s.taskTimeoutSeconds } : {}),
      }),
      {
        functions: handlers,
        retryPauseMs: 0,
        ...(s.processorLimit ? { concurrency: { [F.processor]: { limit: s.processorLimit } } } : {}),
      },
    );
  if (Executor !== LocalWorkflowExecutor || s.uncaughtInMap || s.taskTimeoutSeconds) return build(functions);
  const key = JSON.stringify([s.mode, s.maxConcurrency, s.maxAttempts, s.processorLimit ?? 0]);
  let entry = cached.get(key);
  if (!entry) {
    const current = { functions };
    const delegating = Object.fromEntries(
      Object.values(F).map((fn) => [fn, (p: JsonValue) => current.functions[fn]!(p)]),
    );
    entry = { executor: build(delegating), current };
    cached.set(key, entry);
  }
  entry.current.functions = functions;
  return entry.executor;
}

async function run(Executor: ExecutorClass, s: Scenario): Promise<Run> {
  const payloads: Record<string, string[]> = {};
  const seen = new Map<string, number>();
  const act = async (
    fn: string,
    outcomes: Outcome[],
    key: string,
    payload: JsonValue,
    ok: () => JsonValue,
  ): Promise<JsonValue | undefined> => {
    (payloads[fn] ??= []).push(JSON.stringify(payload));
    const attempt = seen.get(`${fn}/${key}`) ?? 0;
    seen.set(`${fn}/${key}`, attempt + 1);
    const outcome = outcomes[Math.min(attempt, outcomes.length - 1)]!;
    switch (outcome.kind) {
      case 'ok':
        return ok();
      case 'throw':
        throw failure(outcome.name, `${fn} failed at attempt ${attempt + 1} for ${key}`);
      case 'return':
        return outcome.value;
      case 'undefined':
        return undefined;
      case 'slow':
        await sleep((s.taskTimeoutSeconds ?? 1) * 1000 + 300);
        return ok();
    }
  };
  const functions: Record<string, LocalLambdaHandler> = {
    [F.validator]: (p) => {
      const request = p as { source: string; records?: Array<{ messageId: string; body: string }>; event?: JsonValue };
      return act(F.validator, s.validator, 'batch', p, () => {
        if (request.source === 'eventbridge') {
          const event = request.event as { id: string };
          return s.records[0]!.valid
            ? { items: [{ messageId: event.id, receiveCount: 1, event }], invalid: 0 }
            : { items: [], invalid: 1 };
        }
        const records = request.records ?? [];
        const valid = records.filter((r) => JSON.parse(r.body).valid === true);
        return {
          items: valid.map((r) => ({ messageId: r.messageId, receiveCount: 1, event: JSON.parse(r.body) })),
          invalid: records.length - valid.length,
        };
      });
    },
    [F.processor]: (p) => {
      const request = p as { messageId: string };
      return act(F.processor, s.processor[request.messageId] ?? [{ kind: 'ok' }], String(request.messageId), p, () => ({
        messageId: request.messageId,
        status: 'processed',
        key: `k-${request.messageId}`,
      }));
    },
    [F.batchReporter]: (p) =>
      act(F.batchReporter, s.reporter, 'batch', p, () => ({
        batchItemFailures: p,
        processed: 1,
        duplicates: 2,
        invalid: 3,
        deadLettered: 4,
        failed: 5,
        throttled: 6,
      })),
    [F.failureRecorder]: (p) => act(F.failureRecorder, s.recorder, 'event', p, () => ({ recorded: p })),
  };
  const executor = executorFor(Executor, s, functions);
  const before = executor.stats().functions;
  expect(Object.values(before).every((st) => st.inFlight === 0)).toBe(true);
  executor.resetStats();
  const input: JsonValue =
    s.mode === 'direct'
      ? { id: s.records[0]!.messageId, 'detail-type': 'test', detail: { valid: s.records[0]!.valid } }
      : s.records.map((r) => ({
          messageId: r.messageId,
          receiptHandle: `h-${r.messageId}`,
          body: JSON.stringify({ n: r.messageId, valid: r.valid }),
          attributes: { ApproximateReceiveCount: '1' },
        }));
  let result: Run['result'];
  try {
    result = { output: await executor.execute(input) };
  } catch (error) {
    if (!(error instanceof WorkflowExecutionError)) throw error;
    result = { error: error.error, cause: error.cause };
  }
  const invocations = Object.fromEntries(
    Object.entries(executor.stats().functions).map(([fn, st]) => [
      fn,
      { invocations: st.invocations, errors: st.errors, throttles: st.throttles },
    ]),
  );
  for (const list of Object.values(payloads)) list.sort();
  return { result, invocations, payloads };
}

async function compare(s: Scenario): Promise<void> {
  const reference = await run(LocalWorkflowExecutor, s);
  const fast = await run(FastWorkflowExecutor, s);
  expect(fast.result).toEqual(reference.result);
  // When a Map iteration fails the execution, the reference goes on starting the remaining items
  // in the background; the fast executor stops them (see fast-executor.ts and the test of that
  // in fast-executor.test.ts). Both fail with the same error and cause; the invocations differ.
  if (s.uncaughtInMap && 'error' in reference.result) return;
  expect(fast.invocations).toEqual(reference.invocations);
  expect(fast.payloads).toEqual(reference.payloads);
}

describe('FastWorkflowExecutor ≡ LocalWorkflowExecutor (reference), generated handler behaviours', () => {
  it.each<WorkflowMode>(['buffered', 'direct'])(
    '%s definition: same output or error and cause, same invocations with the same payloads',
    async (mode) => {
      let failed = 0;
      let succeeded = 0;
      await fc.assert(
        fc.asyncProperty(scenario(mode), async (s) => {
          await compare(s);
        }),
        { numRuns: mode === 'buffered' ? 250 : 200, verbose: true },
      );
      // The generated scenarios cover both ends (checked on a fresh sample, so the property above stays pure).
      for (const s of fc.sample(scenario(mode), { numRuns: 100, seed: 7 })) {
        const r = await run(FastWorkflowExecutor, s);
        if ('error' in r.result) failed++;
        else succeeded++;
      }
      expect(failed).toBeGreaterThan(10);
      expect(succeeded).toBeGreaterThan(10);
    },
    120_000,
  );

  it('covers the errors it claims to: retried errors are retried, the rest caught, unreadable results fail the execution', async () => {
    const base = fc.sample(scenario('buffered'), { numRuns: 1, seed: 1 })[0]!;
    const s: Scenario = {
      ...base,
      maxAttempts: 2,
      maxConcurrency: 3,
      processorLimit: undefined,
      uncaughtInMap: false,
      records: [0, 1, 2, 3].map((i) => ({ messageId: `m${i}`, valid: true })),
      validator: [{ kind: 'ok' }],
      reporter: [{ kind: 'ok' }],
      processor: {
        m0: [{ kind: 'throw', name: 'Lambda.ServiceException' }, { kind: 'ok' }],
        m1: [{ kind: 'throw', name: 'TransientProcessingError' }],
        m2: [{ kind: 'throw', name: 'TypeError' }, { kind: 'ok' }],
        m3: [{ kind: 'ok' }],
      },
    };
    const reference = await run(LocalWorkflowExecutor, s);
    await compare(s);
    expect(reference.invocations[F.processor]!.invocations).toBe(2 + 3 + 1 + 1);
    const outcomes = (
      reference.result as {
        output: { batchItemFailures: { outcomes: Array<{ messageId: string; status: string; error?: string }> } };
      }
    ).output.batchItemFailures.outcomes;
    expect(outcomes.map((o) => [o.messageId, o.status, o.error])).toEqual([
      ['m0', 'processed', undefined],
      ['m1', 'failed', 'TransientProcessingError'],
      ['m2', 'failed', 'TypeError'],
      ['m3', 'processed', undefined],
    ]);
    const unreadableResult = await run(FastWorkflowExecutor, {
      ...s,
      processor: { m0: [{ kind: 'return', value: { status: 'processed' } }] },
    });
    expect(unreadableResult.result).toEqual({
      error: 'States.Runtime',
      cause: "Path expression '$.Payload.messageId' does not point to a value",
    });
  });

  it.each<WorkflowMode>(['buffered', 'direct'])(
    '%s definition: a handler slower than TimeoutSeconds fails with States.Timeout in both',
    async (mode) => {
      const records =
        mode === 'direct'
          ? [{ messageId: 'm0', valid: true }]
          : [
              { messageId: 'm0', valid: true },
              { messageId: 'm1', valid: true },
            ];
      const base: Scenario = {
        mode,
        maxConcurrency: 2,
        maxAttempts: 1,
        processorLimit: undefined,
        records,
        validator: [{ kind: 'ok' }],
        processor: { m0: [{ kind: 'slow' }, { kind: 'ok' }], m1: [{ kind: 'ok' }] },
        reporter: [{ kind: 'ok' }],
        recorder: [{ kind: 'ok' }],
        uncaughtInMap: false,
        taskTimeoutSeconds: 1,
      };
      // Direct: the processor times out (caught: dead-lettered, then Fail). Buffered: the validator times out (the execution fails).
      for (const s of mode === 'direct' ? [base] : [{ ...base, validator: [{ kind: 'slow' } as Outcome] }]) {
        const reference = await run(LocalWorkflowExecutor, s);
        const fast = await run(FastWorkflowExecutor, s);
        expect(fast.result).toEqual(reference.result);
        expect(fast.invocations).toEqual(reference.invocations);
        expect(JSON.stringify(fast.result)).toContain('States.Timeout');
      }
    },
    30_000,
  );
});
