/**
 * Amazon States Language paths and payload templates compiled once into closures, for the fast
 * executor: reference paths (`$`, `$.a.b`, `$.items[0].messageId`, `$['a']`), the context paths
 * our definitions can use (`$$.Map.Item.Value…`, `$$.Map.Item.Index`, `$$.Execution.Input…`,
 * `$$.Execution.StartTime`), payload templates (`Parameters`, `ItemSelector`, `ResultSelector`:
 * fields ending in `.$` take a path's value) and `ResultPath`.
 *
 * A path step behaves exactly as jsonpath-plus's (what the reference executor evaluates with):
 * it follows an *own* property of a truthy value (so `[0]` and `length` of a string work, and
 * nothing is found under `0`, `""`, `false` or `null`, nor under a root that is one of them).
 * `test/workflow/asl-paths.test.ts` checks that against jsonpath-plus on generated values.
 * Anything else — wildcards, filters, slices, `..`, unions, intrinsic functions — is refused
 * when the definition is compiled, with a message naming the state and field.
 */
import type { JsonObject, JsonValue } from './asl.js';
import { StatesResultPathMatchFailureError, StatesRuntimeError } from './state-errors.js';
import { UnsupportedPathError } from './errors.js';

/** What `$$` paths read: the execution's input and start, and in a Map's `ItemSelector` the item. */
export interface PathContext {
  readonly executionInput: JsonValue;
  readonly startTime: string;
  readonly mapItem?: { readonly index: number; readonly value: JsonValue };
}

/** A compiled path: `get` returns the value found, or `undefined` when there is none. */
export interface CompiledPath {
  readonly text: string;
  get(input: JsonValue, context: PathContext): JsonValue | undefined;
}

/** A compiled payload template: a new value for each evaluation. Throws `States.Runtime` when one of its paths finds nothing. */
type CompiledTemplate = (input: JsonValue, context: PathContext) => JsonValue;

const DOT_NAME = /^\.([A-Za-z_][A-Za-z0-9_]*)/;
const QUOTED_NAME = /^\[(['"])([A-Za-z0-9_-]+)\1\]/;
const INDEX = /^\[(0|[1-9][0-9]{0,8})\]/;

/** The steps of a reference path after its `$` (or `$$`), e.g. `.items[0].id` → `['items', '0', 'id']`. */
function parseSteps(text: string, rest: string, where: string): string[] {
  const steps: string[] = [];
  let s = rest;
  while (s.length > 0) {
    const m = DOT_NAME.exec(s) ?? QUOTED_NAME.exec(s) ?? INDEX.exec(s);
    if (!m) {
      throw new UnsupportedPathError(
        `${where}: the path ${JSON.stringify(text)} is not supported by the fast executor (it takes reference paths of names and indexes: $.a.b, $.items[0].id, $['a-b']; no wildcards, filters, slices or "..").`,
      );
    }
    steps.push(m[m.length - 1]!);
    s = s.slice(m[0].length);
  }
  return steps;
}

/** Follows `steps` from `value`, as jsonpath-plus does: an own property of a truthy value at each step. */
function follow(value: JsonValue | undefined, steps: readonly string[], from: number): JsonValue | undefined {
  let v = value;
  for (let i = from; i < steps.length; i++) {
    const step = steps[i]!;
    if (!v || !Object.hasOwn(v as object, step)) return undefined;
    v = (v as Record<string, JsonValue>)[step];
  }
  return v;
}

/**
 * Compiles a path.
 *
 * @param where the state and field, for messages (e.g. `State "Process", ResultSelector field "status.$"`).
 * @param allowMapItem whether `$$.Map.Item…` is available (only in a Map's `ItemSelector`).
 * @example
 * compilePath('$.Payload.items', 'ResultSelector').get({ Payload: { items: [1] } }, context) // → [1]
 */
export function compilePath(text: string, where: string, allowMapItem = false): CompiledPath {
  if (typeof text !== 'string' || !text.startsWith('$')) {
    throw new UnsupportedPathError(`${where}: ${JSON.stringify(text)} is not a path (a path starts with "$").`);
  }
  if (!text.startsWith('$$')) {
    const steps = parseSteps(text, text.slice(1), where);
    if (steps.length === 0) return { text, get: (input) => (input ? input : undefined) };
    if (steps.length === 1) {
      const [a] = steps as [string];
      return {
        text,
        get: (input) =>
          input && Object.hasOwn(input as object, a) ? (input as Record<string, JsonValue>)[a] : undefined,
      };
    }
    return { text, get: (input) => follow(input, steps, 0) };
  }
  const steps = parseSteps(text, text.slice(2), where);
  const [a, b, c] = steps;
  if (a === 'Map' && b === 'Item' && (c === 'Value' || c === 'Index')) {
    if (!allowMapItem) {
      throw new UnsupportedPathError(
        `${where}: ${JSON.stringify(text)} reads $$.Map.Item, which the fast executor provides only in a Map state's ItemSelector.`,
      );
    }
    if (c === 'Index')
      return {
        text,
        get: (_input, context) => (context.mapItem ? follow(context.mapItem.index, steps, 3) : undefined),
      };
    return { text, get: (_input, context) => (context.mapItem ? follow(context.mapItem.value, steps, 3) : undefined) };
  }
  if (a === 'Execution' && b === 'Input')
    return { text, get: (_input, context) => follow(context.executionInput, steps, 2) };
  if (a === 'Execution' && b === 'StartTime' && steps.length === 2)
    return { text, get: (_input, context) => context.startTime };
  throw new UnsupportedPathError(
    `${where}: the context path ${JSON.stringify(text)} is not supported by the fast executor (it provides $$.Map.Item.Value…, $$.Map.Item.Index, $$.Execution.Input… and $$.Execution.StartTime).`,
  );
}

/** The value of a path that must find one, else `States.Runtime` (as the reference executor reports it). */
export function requireValue(path: CompiledPath, input: JsonValue, context: PathContext): JsonValue {
  const value = path.get(input, context);
  if (value === undefined) throw new StatesRuntimeError(`Path expression '${path.text}' does not point to a value`);
  return value;
}

/**
 * Compiles a payload template (`Parameters`, `ItemSelector`, `ResultSelector`). A field whose
 * name ends in `.$` with a string value starting with `$` takes that path's value (under the
 * name without `.$`); nested objects and arrays are templates too; other values are constants.
 *
 * @throws {UnsupportedPathError} for intrinsic functions (`States.Format(…)` …) and unsupported paths.
 */
export function compileTemplate(template: JsonValue, where: string, allowMapItem = false): CompiledTemplate {
  if (template === null || typeof template !== 'object') return () => template;
  if (Array.isArray(template)) {
    const items = template.map((item, i) => compileTemplate(item, `${where}[${i}]`, allowMapItem));
    return (input, context) => items.map((item) => item(input, context));
  }
  type Field = { key: string; value: CompiledTemplate };
  const fields: Field[] = [];
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$') && typeof value === 'string') {
      const name = key.replace('.$', '');
      if (!value.startsWith('$')) {
        throw new UnsupportedPathError(
          `${where}: field "${key}" uses the intrinsic function ${JSON.stringify(value)}; the fast executor does not evaluate intrinsic functions.`,
        );
      }
      const path = compilePath(value, `${where} field "${key}"`, allowMapItem);
      fields.push({ key: name, value: (input, context) => requireValue(path, input, context) });
    } else {
      fields.push({ key, value: compileTemplate(value, `${where}.${key}`, allowMapItem) });
    }
  }
  const plain = fields.every((f) => f.key !== '__proto__');
  return (input, context) => {
    const out: JsonObject = {};
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      if (plain) out[f.key] = f.value(input, context);
      else
        Object.defineProperty(out, f.key, {
          value: f.value(input, context),
          enumerable: true,
          writable: true,
          configurable: true,
        });
    }
    return out;
  };
}

/** A compiled `ResultPath`: the state output from its raw input and its result. */
export type CompiledResultPath = (rawInput: JsonValue, result: JsonValue) => JsonValue;

/**
 * Compiles a `ResultPath`: absent or `"$"` — the result is the output; `null` — the input is;
 * `"$.a.b"` — a copy of the input with the result at `a.b` (objects created on the way; only the
 * objects along the path are copied). An input that is not an object fails with
 * `States.ResultPathMatchFailure`.
 */
export function compileResultPath(path: string | null | undefined, where: string): CompiledResultPath {
  if (path === undefined || path === '$') return (_raw, result) => result;
  if (path === null) return (raw) => raw;
  if (typeof path !== 'string' || !path.startsWith('$.'))
    throw new UnsupportedPathError(`${where}: ResultPath ${JSON.stringify(path)} is not a reference path.`);
  const steps: string[] = [];
  for (const part of path.slice(2).split('.')) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(part) || part === '__proto__') {
      throw new UnsupportedPathError(
        `${where}: ResultPath ${JSON.stringify(path)} is not supported by the fast executor (it takes $.name.name…).`,
      );
    }
    steps.push(part);
  }
  const set = (target: JsonValue | undefined, i: number, result: JsonValue): JsonValue => {
    if (i === steps.length) return result;
    const o: JsonObject = isObject(target) ? { ...target } : {};
    const existing = o[steps[i]!];
    o[steps[i]!] = set(existing !== undefined ? existing : null, i + 1, result);
    return o;
  };
  return (raw, result) => {
    if (!isObject(raw)) throw new StatesResultPathMatchFailureError();
    return set(raw, 0, result);
  };
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
