/**
 * How a compiled execution of the fast executor runs: each state is a closure that returns its
 * output and the state to run next ({@link CompiledState}); a {@link Scope} is the running part
 * of an execution (the execution itself, or one Map state's iterations), which an abort, a
 * timeout or a failed sibling iteration stops.
 */
import type { JsonValue } from './asl.js';
import type { PathContext } from './asl-paths.js';

/** What a state did: its output, and the state to run next (`undefined`: the end). */
export interface Step {
  output: JsonValue;
  next: CompiledState | undefined;
}

export interface CompiledState {
  readonly name: string;
  run(input: JsonValue, scope: Scope): Step | Promise<Step>;
}

/** Why a scope stopped: the execution was aborted or timed out, or a sibling Map iteration failed. */
export class ScopeStopped extends Error {
  constructor(readonly reason: unknown) {
    super('stopped');
  }
}

/**
 * The running part of an execution (the execution itself, or one Map state's iterations): once
 * stopped, nothing new starts in it — no state, no retry, no Map item — and retry pauses end.
 */
export class Scope {
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

/** Runs one machine's states from `start` until a state ends it. */
export async function runMachine(start: CompiledState, input: JsonValue, scope: Scope): Promise<JsonValue> {
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
export async function runIterations(
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
