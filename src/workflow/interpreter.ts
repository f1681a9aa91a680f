/**
 * `aws-local-stepfunctions`, loaded the way the local executor needs it on Node.js 20 and at volume.
 *
 * 1. The `Promise.withResolvers` polyfill is applied first (see `polyfills.ts`).
 * 2. JSONPath queries run without an exception per query. The interpreter calls jsonpath-plus's
 *    `JSONPath({ path, json, wrap: false })` as a plain function for every path of every state;
 *    called that way, jsonpath-plus returns a scalar result by *throwing* an `Error` that carries
 *    the value and catching it, and capturing that error's stack costs more than the query
 *    (the figure: docs/processing.md, "Running it locally: two executors").
 *    `evaluateJsonPath` ({@link loadInterpreter}) returns the same value through jsonpath-plus's instance API
 *    (`autostart: false` + `evaluate`); `test/workflow/interpreter.test.ts` checks it returns
 *    exactly what the upstream call returns.
 *
 * The interpreter is loaded through its CommonJS build because that build looks the function up
 * on jsonpath-plus's `exports` object at call time, where it can be replaced; the ES module build
 * binds it immutably.
 * 3. Nothing is loaded until {@link loadInterpreter} is called (by the reference executor).
 */
import './polyfills.js';
import { createRequire } from 'node:module';
import type * as Interpreter from 'aws-local-stepfunctions';

const require = createRequire(import.meta.url);

type JsonPathFunction = (
  options: { path: string; json: unknown; wrap?: boolean; autostart?: boolean },
  ...rest: unknown[]
) => unknown;
interface JsonPathModule {
  JSONPath: JsonPathFunction &
    (new (options: object, ...rest: unknown[]) => { evaluate(args: { path: string; json?: unknown }): unknown });
}

/** The loaded modules (see {@link loadInterpreter}). */
interface Loaded {
  interpreter: typeof Interpreter;
  evaluateJsonPath: JsonPathFunction;
  upstreamJsonPath: JsonPathFunction;
}
let loaded: Loaded | undefined;

/**
 * Loads aws-local-stepfunctions (and patches its jsonpath-plus, below) on first use: about 20 MB
 * of memory that a process running the fast executor — the runtime's default — never needs, on
 * each thread that would load it.
 *
 * `JSONPath(options)` as jsonpath-plus computes it, without the exception it uses to return
 * scalar results, replaces the module's export before the interpreter takes it. Other call forms
 * (`new`, positional arguments, `autostart: false`) go upstream.
 */
export function loadInterpreter(): Loaded {
  if (loaded) return loaded;
  const jsonPathModule = require('jsonpath-plus') as JsonPathModule;
  const UpstreamJSONPath = jsonPathModule.JSONPath;
  const evaluateJsonPath = function JSONPath(
    this: unknown,
    options: Parameters<JsonPathFunction>[0],
    ...rest: unknown[]
  ): unknown {
    if (
      new.target ||
      !options ||
      typeof options !== 'object' ||
      Array.isArray(options) ||
      options.autostart === false ||
      rest.length > 0
    ) {
      return new.target
        ? Reflect.construct(UpstreamJSONPath, [options, ...rest], new.target)
        : UpstreamJSONPath(options, ...rest);
    }
    const query = options as { path: string; json?: unknown };
    const instance = new UpstreamJSONPath({ ...query, autostart: false });
    return instance.evaluate('json' in query ? { path: query.path, json: query.json } : { path: query.path });
  } as unknown as JsonPathFunction;
  if (jsonPathModule.JSONPath === UpstreamJSONPath) {
    Object.assign(evaluateJsonPath, UpstreamJSONPath); // static members, if any
    jsonPathModule.JSONPath = evaluateJsonPath as JsonPathModule['JSONPath'];
  }
  loaded = {
    interpreter: require('aws-local-stepfunctions') as typeof Interpreter,
    evaluateJsonPath,
    upstreamJsonPath: UpstreamJSONPath,
  };
  return loaded;
}

export type { StateMachineDefinition } from 'aws-local-stepfunctions';
