/**
 * `aws-local-stepfunctions`, loaded the way the local executor needs it on Node.js 20 and at volume.
 *
 * 1. The `Promise.withResolvers` polyfill is applied first (see `polyfills.ts`).
 * 2. JSONPath queries run without an exception per query. The interpreter calls jsonpath-plus's
 *    `JSONPath({ path, json, wrap: false })` as a plain function for every path of every state;
 *    called that way, jsonpath-plus returns a scalar result by *throwing* an `Error` that carries
 *    the value and catching it, and capturing that error's stack costs more than the query
 *    (measured: the buffered state machine with no-op handlers ran 2.5× faster without it).
 *    {@link evaluateJsonPath} returns the same value through jsonpath-plus's instance API
 *    (`autostart: false` + `evaluate`); `test/workflow/interpreter.test.ts` checks it returns
 *    exactly what the upstream call returns.
 *
 * The interpreter is loaded through its CommonJS build because that build looks the function up
 * on jsonpath-plus's `exports` object at call time, where it can be replaced; the ES module build
 * binds it immutably.
 */
import './polyfills.js';
import { createRequire } from 'node:module';
import type * as Interpreter from 'aws-local-stepfunctions';

const require = createRequire(import.meta.url);

type JsonPathFunction = (options: { path: string; json: unknown; wrap?: boolean; autostart?: boolean }, ...rest: unknown[]) => unknown;
interface JsonPathModule {
  JSONPath: JsonPathFunction & (new (options: object, ...rest: unknown[]) => { evaluate(args: { path: string; json?: unknown }): unknown });
}

const jsonPathModule = require('jsonpath-plus') as JsonPathModule;
const UpstreamJSONPath = jsonPathModule.JSONPath;

/**
 * `JSONPath(options)` as jsonpath-plus computes it, without the exception it uses to return
 * scalar results. Other call forms (`new`, positional arguments, `autostart: false`) go upstream.
 */
export const evaluateJsonPath = function JSONPath(this: unknown, options: Parameters<JsonPathFunction>[0], ...rest: unknown[]): unknown {
  if (new.target || !options || typeof options !== 'object' || Array.isArray(options) || options.autostart === false || rest.length > 0) {
    return new.target ? Reflect.construct(UpstreamJSONPath, [options, ...rest], new.target) : UpstreamJSONPath(options, ...rest);
  }
  const query = options as { path: string; json?: unknown };
  const instance = new UpstreamJSONPath({ ...query, autostart: false });
  return instance.evaluate('json' in query ? { path: query.path, json: query.json } : { path: query.path });
} as unknown as JsonPathFunction;

/** The upstream function, for tests that compare results. */
export const upstreamJsonPath: JsonPathFunction = UpstreamJSONPath;

if (jsonPathModule.JSONPath === UpstreamJSONPath) {
  Object.assign(evaluateJsonPath, UpstreamJSONPath); // static members, if any
  jsonPathModule.JSONPath = evaluateJsonPath as JsonPathModule['JSONPath'];
}

const interpreter = require('aws-local-stepfunctions') as typeof Interpreter;

export const { StateMachine, ExecutionAbortedError, ExecutionError, ExecutionTimeoutError } = interpreter;
export type { StateMachineDefinition } from 'aws-local-stepfunctions';
