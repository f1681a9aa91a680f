/**
 * A zod schema compiled, once, into plain functions that recognize *valid* input fast.
 *
 * The zod schemas in `schemas.ts` stay the single source of truth: this module reads their
 * definitions (object shapes, element and value types, checks) at module load and generates a
 * parser per schema that either returns exactly the value `schema.safeParse(input).data` would
 * be — the same fresh objects and arrays, with the same keys in the same order, unknown fields
 * of loose objects kept, values shared with the input where zod shares them — or
 * {@link UNDECIDED}, after which the caller asks zod itself (which also explains what is wrong).
 *
 * It covers only the zod features the event schemas use, each reproducing zod 4's own rules:
 * objects (loose, strip and strict), `optional`, arrays, string-keyed records, strings
 * (`min` length counted in code points as zod counts it, `regex`, `z.iso.datetime` with zod's own
 * pattern), numbers (finite; `int` = safe integer; `gte`/`gt`/`lte`/`lt`), booleans and
 * `unknown`/`any`. Anything else (transforms, defaults, refinements, other formats, …) makes
 * {@link compileSchema} throw {@link UnsupportedSchemaError}: a schema change the compiler does
 * not know is never guessed at, the caller validates that schema with zod alone.
 * `test/events/compiled-schema.test.ts` compares the two on generated inputs.
 *
 * Why generated code (`new Function`, as zod's own JIT does): each object parser then has its own
 * code, which the engine specializes to the objects that parser sees and to the fields' checks,
 * written inline. Closures shared by every schema run several times slower. The code names only
 * the schema's keys (as `JSON.stringify` literals) and indexes into arrays of constants.
 */
import { z } from 'zod';
import { UnsupportedSchemaError } from './errors.js';

/** Returned by a compiled schema when it cannot vouch for the input: ask zod. */
export const UNDECIDED: unique symbol = Symbol('undecided');

/** A schema compiled by {@link compileSchema}. */
export interface CompiledSchema<T> {
  /** zod's output for any input zod accepts, else {@link UNDECIDED}. */
  parse(input: unknown): T | typeof UNDECIDED;
  /**
   * The same for input that is plain JSON data, as `JSON.parse` returns it (own, enumerable
   * data properties; objects whose prototype is `Object.prototype`; no `undefined`): faster,
   * because it visits the keys the input has rather than every key the schema declares.
   */
  parseJson(input: unknown): T | typeof UNDECIDED;
  /**
   * {@link parseJson}, and the canonical JSON of the input (what the `canonicalJson` option
   * gives for it), written from the values the parse has already read: for a key over an
   * object's canonical JSON without a second walk. Present when that option is given.
   */
  parseJsonCanonical?(input: unknown): { value: T; canonical: string } | typeof UNDECIDED;
}

/** Options of {@link compileSchema}. */
export interface CompileOptions {
  /**
   * A canonical JSON serializer (object keys sorted by UTF-16 code units, no whitespace, members
   * whose value is `undefined` left out, as `canonicalJson` in `identity.ts`): also generate
   * {@link CompiledSchema.parseJsonCanonical}, which uses it for the values of an object's fields.
   */
  canonicalJson?: (value: unknown) => string;
}

/**
 * Compiles `schema` into functions that return `schema.safeParse(input).data` for input zod
 * accepts, and {@link UNDECIDED} otherwise (and for any input they cannot vouch for).
 *
 * @throws UnsupportedSchemaError when the schema uses a zod feature the compiler does not
 * reproduce (transforms, defaults, refinements, unions, string formats other than
 * `regex` and `datetime`, …), or when this process may not generate code.
 *
 * @example
 * const fast = compileSchema(EnvelopeSchema);
 * const value = JSON.parse(text);
 * const out = fast.parseJson(value);
 * const envelope = out !== UNDECIDED ? out : EnvelopeSchema.safeParse(value); // equal data when valid
 */
export function compileSchema<S extends z.ZodType>(
  schema: S,
  options: CompileOptions = {},
): CompiledSchema<z.output<S>> {
  const { canonicalJson } = options;
  // Where code generation is not allowed (zod's `jitless`, `--disallow-code-generation-from-strings`).
  if (z.config().jitless) throw new UnsupportedSchemaError('$', 'generated code (zod is configured jitless)');
  let node: Compiled;
  try {
    node = compileNode(schema, '$', canonicalJson);
  } catch (error) {
    if (error instanceof EvalError) throw new UnsupportedSchemaError('$', `generated code (${error.message})`);
    throw error;
  }
  const parsers = node.kind === 'leaf' ? leafParsers(node) : node;
  const compiled: CompiledSchema<unknown> = { parse: parsers.any, parseJson: parsers.json };
  if (canonicalJson) {
    const json = parsers.json;
    compiled.parseJsonCanonical =
      node.kind === 'composite' && node.jsonCanonical
        ? (node.jsonCanonical as CompiledSchema<unknown>['parseJsonCanonical'])
        : (input) => {
            const value = json(input);
            return value === UNDECIDED ? UNDECIDED : { value, canonical: canonicalJson(input) };
          };
  }
  return compiled as CompiledSchema<z.output<S>>;
}

type Parse = (input: unknown) => unknown;

/**
 * A compiled schema. A leaf (string, number, boolean, unknown) passes its input through
 * unchanged when `test` holds: it is written inline into its parent's code. A composite (object,
 * array, record) has generated parsers: `any` for any input, `json` for plain JSON data.
 */
type Compiled = { kind: 'leaf'; test: Test } | { kind: 'composite'; any: Parse; json: Parse; jsonCanonical?: Parse };

/** A leaf's condition as JavaScript: `test('v', constants)` is an expression over variable `v`. */
type Test = (variable: string, constants: Constants) => string;

/** The constants generated code refers to (`c[0]`, `c[1]`, …). */
class Constants {
  readonly values: unknown[] = [];
  /** The expression that reads `value` in generated code. */
  ref(value: unknown): string {
    this.values.push(value);
    return `c[${this.values.length - 1}]`;
  }
}

type Internals = z.core.$ZodTypeInternals;
/** The loosely typed view of a zod definition the compiler reads. */
type Def = Record<string, unknown> & { type: string; checks?: z.core.$ZodCheck[] };

const { isPlainObject, codePointLength } = z.core.util;
/** zod's default `when` of length checks: run on any value that has a length (every string). */
const LENGTH_CHECK_WHEN = (z.string().min(1)._zod.def.checks![0]!._zod.def as { when?: unknown }).when;

function internals(schema: unknown): Internals {
  return (schema as z.core.$ZodType)._zod;
}

/** The schemas being compiled, outermost first: a schema met again inside itself is recursive. */
const compiling = new Set<unknown>();

/** `canonicalJson`: for the schema compiled (not its parts), also generate `jsonCanonical` when it is an object. */
function compileNode(schema: unknown, at: string, canonicalJson?: (value: unknown) => string): Compiled {
  if (compiling.has(schema)) throw new UnsupportedSchemaError(at, 'a recursive schema');
  compiling.add(schema);
  try {
    return compileDef(schema, at, canonicalJson);
  } finally {
    compiling.delete(schema);
  }
}

function compileDef(schema: unknown, at: string, canonicalJson?: (value: unknown) => string): Compiled {
  const def = internals(schema).def as unknown as Def;
  if (def.coerce) throw new UnsupportedSchemaError(at, 'coercion');
  switch (def.type) {
    case 'string':
      return leaf(stringTest(schema, def, at));
    case 'number':
      return leaf(numberTest(schema, def, at));
    case 'boolean':
      noChecks(def, at);
      return leaf((v) => `typeof ${v} === "boolean"`);
    case 'unknown':
    case 'any':
      noChecks(def, at);
      return leaf(() => 'true');
    case 'optional':
      return compileOptional(schema, def, at);
    case 'array':
      noChecks(def, at);
      return composite(generateArray(compileNode(def.element, `${at}[]`)));
    case 'record':
      return composite(compileRecord(def, at));
    case 'object':
      return composite(compileObject(def, at, canonicalJson));
    default:
      throw new UnsupportedSchemaError(at, `the zod type "${def.type}"`);
  }
}

function leaf(test: Test): Compiled {
  return { kind: 'leaf', test };
}

function composite(parsers: { any: Parse; json: Parse; jsonCanonical?: Parse }): Compiled {
  return { kind: 'composite', ...parsers };
}

function noChecks(def: Def, at: string): void {
  if (def.checks?.length) throw new UnsupportedSchemaError(at, `checks on a ${def.type}`);
}

/** The checks zod runs on a value: the schema itself when it is a check (a string format), then its own. */
function checksOf(schema: unknown, def: Def): z.core.$ZodCheck[] {
  const own = def.checks ?? [];
  return internals(schema).traits.has('$ZodCheck') ? [schema as z.core.$ZodCheck, ...own] : own;
}

function stringTest(schema: unknown, def: Def, at: string): Test {
  const checks = checksOf(schema, def).map((check) => checkTest(check, 'string', at));
  return (v, c) => [`typeof ${v} === "string"`, ...checks.map((check) => check(v, c))].join(' && ');
}

function numberTest(schema: unknown, def: Def, at: string): Test {
  const checks = checksOf(schema, def).map((check) => checkTest(check, 'number', at));
  // zod's number type: a number that is neither NaN nor infinite.
  return (v, c) =>
    [`typeof ${v} === "number"`, `Number.isFinite(${v})`, ...checks.map((check) => check(v, c))].join(' && ');
}

/** One zod check as a condition that holds exactly when zod's check adds no issue. */
function checkTest(check: z.core.$ZodCheck, on: 'string' | 'number', at: string): Test {
  const def = check._zod.def as Record<string, unknown> & { check: string; when?: unknown };
  if (def.when !== undefined && def.when !== LENGTH_CHECK_WHEN)
    throw new UnsupportedSchemaError(at, 'a check with a custom "when"');
  const kind = `${on} check "${def.check}"${def.format ? ` (${String(def.format)})` : ''}`;
  switch (`${on}:${def.check}`) {
    case 'string:min_length': {
      const minimum = def.minimum;
      if (typeof minimum !== 'number') throw new UnsupportedSchemaError(at, kind);
      // zod counts code points: fewer UTF-16 units than the minimum always fail, twice as many always pass.
      return (v, c) =>
        `(${v}.length >= ${c.ref(2 * minimum)} || (${v}.length >= ${c.ref(minimum)} && ${c.ref(codePointLength)}(${v}) >= ${c.ref(minimum)}))`;
    }
    case 'string:string_format': {
      const pattern = def.pattern;
      // zod's check for these two formats is the pattern alone (other formats add code of their own).
      const traits = internals(check).traits;
      const patternOnly =
        (def.format === 'regex' && traits.has('$ZodCheckRegex')) ||
        (def.format === 'datetime' && traits.has('$ZodISODateTime'));
      if (!patternOnly || !(pattern instanceof RegExp)) throw new UnsupportedSchemaError(at, kind);
      return (v, c) => {
        const regex = c.ref(pattern);
        return `(${regex}.lastIndex = 0, ${regex}.test(${v}))`;
      };
    }
    case 'number:number_format':
      // An integer within ±(2^53 − 1): the only number format the schemas use.
      if (def.format !== 'safeint') throw new UnsupportedSchemaError(at, kind);
      return (v) => `Number.isSafeInteger(${v})`;
    case 'number:greater_than':
    case 'number:less_than': {
      const bound = def.value;
      if (typeof bound !== 'number') throw new UnsupportedSchemaError(at, kind);
      const operator = (def.check === 'greater_than' ? '>' : '<') + (def.inclusive ? '=' : '');
      return (v, c) => `${v} ${operator} ${c.ref(bound)}`;
    }
    default:
      throw new UnsupportedSchemaError(at, kind);
  }
}

function compileOptional(schema: unknown, def: Def, at: string): Compiled {
  const inner = def.innerType;
  if (internals(schema).traits.has('$ZodExactOptional') || internals(inner).optin === 'defaulted') {
    throw new UnsupportedSchemaError(at, 'an exact or defaulted optional');
  }
  noChecks(def, at);
  const compiled = compileNode(inner, at);
  if (compiled.kind === 'leaf') return leaf((v, c) => `(${v} === undefined || ${compiled.test(v, c)})`);
  return {
    kind: 'composite',
    any: (input) => (input === undefined ? undefined : compiled.any(input)),
    json: (input) => (input === undefined ? undefined : compiled.json(input)),
  };
}

/** A leaf as a stand-alone parser (a schema that is one string, say). */
function leafParsers(node: Compiled & { kind: 'leaf' }): { any: Parse; json: Parse } {
  const c = new Constants();
  const parse = generate(
    ['return function parseLeaf(value) {', `  return ${node.test('value', c)} ? value : UNDECIDED;`, '};'],
    c,
  );
  return { any: parse, json: parse };
}

/** Code that sets `target` to `value` parsed by `node`, returning UNDECIDED from the generated function if it fails. */
function parseInto(node: Compiled, value: string, target: string, mode: 'any' | 'json', c: Constants): string[] {
  if (node.kind === 'leaf') {
    return [`if (!(${node.test(value, c)})) return UNDECIDED;`, ...(target === value ? [] : [`${target} = ${value};`])];
  }
  return [`if ((${target} = ${c.ref(node[mode])}(${value})) === UNDECIDED) return UNDECIDED;`];
}

/** Compiles generated code; `c` (the constants) and `UNDECIDED` are in scope. */
function generate(lines: readonly string[], constants: Constants): Parse {
  const factory = new Function('c', 'UNDECIDED', lines.join('\n')) as (c: unknown[], undecided: symbol) => Parse;
  return factory(constants.values, UNDECIDED);
}

/** zod's arrays: a new array, each element parsed (an element's output in its place). */
function generateArray(element: Compiled): { any: Parse; json: Parse } {
  const build = (mode: 'any' | 'json'): Parse => {
    const c = new Constants();
    return generate(
      [
        `return function parseArray_${mode}(input) {`,
        '  if (!Array.isArray(input)) return UNDECIDED;',
        '  const n = input.length;',
        '  const out = new Array(n);',
        '  for (let i = 0; i < n; i++) {',
        '    let item = input[i];',
        ...parseInto(element, 'item', 'item', mode, c).map((line) => `    ${line}`),
        '    out[i] = item;',
        '  }',
        '  return out;',
        '};',
      ],
      c,
    );
  };
  return { any: build('any'), json: build('json') };
}

/**
 * zod's records with plain string keys: plain objects only (`isPlainObject`), every own
 * enumerable key in order (an enumerable symbol key fails the string key), `__proto__` left out,
 * each value parsed into a new object.
 */
function compileRecord(def: Def, at: string): { any: Parse; json: Parse } {
  noChecks(def, at);
  const keyDef = internals(def.keyType).def as unknown as Def;
  if (keyDef.type !== 'string' || checksOf(def.keyType, keyDef).length > 0 || keyDef.coerce) {
    throw new UnsupportedSchemaError(at, 'a record whose keys are not plain z.string()');
  }
  const value = compileNode(def.valueType, `${at}{}`);
  const build = (mode: 'any' | 'json'): Parse => {
    const c = new Constants();
    // JSON data: plain objects without symbols, whose own keys `for…in` gives in order.
    const head =
      mode === 'any'
        ? [
            `  if (!${c.ref(isPlainObject)}(input) || ${c.ref(hasEnumerableSymbol)}(input)) return UNDECIDED;`,
            '  const keys = Object.keys(input);',
            '  for (let i = 0; i < keys.length; i++) {',
            '    const key = keys[i];',
          ]
        : [
            '  if (typeof input !== "object" || input === null || Array.isArray(input)) return UNDECIDED;',
            '  for (const key in input) {',
          ];
    return generate(
      [
        `return function parseRecord_${mode}(input) {`,
        '  const out = {};',
        ...head,
        '    if (key === "__proto__") continue;',
        '    let item = input[key];',
        ...parseInto(value, 'item', 'item', mode, c).map((line) => `    ${line}`),
        '    out[key] = item;',
        '  }',
        '  return out;',
        '};',
      ],
      c,
    );
  };
  return { any: build('any'), json: build('json') };
}

function hasEnumerableSymbol(value: object): boolean {
  const symbols = Object.getOwnPropertySymbols(value);
  for (let i = 0; i < symbols.length; i++)
    if (Object.prototype.propertyIsEnumerable.call(value, symbols[i]!)) return true;
  return false;
}

/**
 * zod's objects: a new object with the declared fields first, in the schema's order (a field
 * is present when `key in input`; an absent optional field is left out, a present one is set even
 * to `undefined`), then the undeclared keys as `for…in` enumerates them — kept (loose;
 * `__proto__` left out), refused (strict) or dropped (the default).
 */
function compileObject(
  def: Def,
  at: string,
  canonicalJson?: (value: unknown) => string,
): { any: Parse; json: Parse; jsonCanonical?: Parse } {
  noChecks(def, at);
  const shape = def.shape as Record<PropertyKey, unknown>;
  if (Object.getOwnPropertySymbols(shape).length > 0) throw new UnsupportedSchemaError(at, 'symbol keys');
  const keys = Object.keys(shape);
  if (keys.includes('__proto__')) throw new UnsupportedSchemaError(at, 'a "__proto__" key');
  const fields = keys.map((key) => {
    const field = internals(shape[key]);
    const optional = field.optin === 'optional' && field.optout === 'optional';
    if (!optional && field.optin !== undefined)
      throw new UnsupportedSchemaError(`${at}.${key}`, `a field that is optional only on input (${field.optin})`);
    return { key, name: JSON.stringify(key), optional, node: compileNode(shape[key], `${at}.${key}`) };
  });
  const extras = unknownKeys(def.catchall, at);
  const any = generateObjectAny(fields, extras);
  // A key of Object.prototype ("constructor", …) is "in" every object: only the walk over the
  // schema's keys (`any`) sees it as zod does.
  if (keys.some((key) => key in Object.prototype)) return { any, json: any };
  const json = generateObjectJson(fields, extras);
  return canonicalJson
    ? { any, json, jsonCanonical: generateObjectJson(fields, extras, canonicalJson) }
    : { any, json };
}

interface Field {
  key: string;
  /** The key as a JavaScript string literal. */
  name: string;
  optional: boolean;
  node: Compiled;
}

type Extras = 'keep' | 'refuse' | 'strip';

/** The object parser for any input: zod's own walk, field by field in the schema's order. */
function generateObjectAny(fields: readonly Field[], extras: Extras): Parse {
  const c = new Constants();
  const lines = [
    'return function parseObject_any(input) {',
    '  if (typeof input !== "object" || input === null || Array.isArray(input)) return UNDECIDED;',
    '  const out = {};',
    '  let value;',
  ];
  for (const { name, optional, node } of fields) {
    lines.push(`  value = input[${name}];`);
    if (optional) {
      // Absent: left out. Present, even as undefined: parsed (an optional leaves undefined as it is).
      lines.push(
        `  if (value !== undefined || ${name} in input) {`,
        ...parseInto(node, 'value', 'value', 'any', c).map((l) => `    ${l}`),
        `    out[${name}] = value;`,
        '  }',
      );
    } else {
      lines.push(
        `  if (value === undefined && !(${name} in input)) return UNDECIDED;`,
        ...parseInto(node, 'value', 'value', 'any', c).map((l) => `  ${l}`),
        `  out[${name}] = value;`,
      );
    }
  }
  if (extras !== 'strip') {
    const known = c.ref(new Set(fields.map((field) => field.key)));
    lines.push(
      `  for (const key in input) {`,
      `    if (${known}.has(key)) continue;`,
      extras === 'refuse' ? '    return UNDECIDED;' : '    if (key !== "__proto__") out[key] = input[key];',
      '  }',
    );
  }
  lines.push('  return out;', '};');
  return generate(lines, c);
}

/**
 * The object parser for JSON data: visits the keys the input has (a handful) rather than every
 * declared key (dozens, most of them absent), keeping each declared field's value in a local
 * variable, then writes the object in the schema's order, as zod does whatever the input's order.
 *
 * With `canonicalJson`, it returns `{ value, canonical }`: the canonical JSON of the input, written
 * from those variables in key order (leaves are the input's values; composites are serialized
 * from the input's own value, `r<i>`), or by `canonicalJson(input)` when it has undeclared keys.
 */
function generateObjectJson(
  fields: readonly Field[],
  extras: Extras,
  canonicalJson?: (value: unknown) => string,
): Parse {
  const c = new Constants();
  const canonical = canonicalJson ? c.ref(canonicalJson) : undefined;
  const absent = c.ref(Symbol('absent'));
  const index = c.ref(new Map(fields.map((field, i) => [field.key, i])));
  const lines = [
    'return function parseObject_json(input) {',
    '  if (typeof input !== "object" || input === null || Array.isArray(input)) return UNDECIDED;',
    ...fields.map(
      ({ node }, i) => `  let v${i} = ${absent}${canonical && node.kind === 'composite' ? `, r${i}` : ''};`,
    ),
    '  let undeclared;',
    ...(canonical ? ['  let sawUndeclared = false;'] : []),
    '  for (const key in input) {',
    `    switch (${index}.get(key)) {`,
  ];
  fields.forEach(({ node }, i) => {
    const raw = canonical && node.kind === 'composite' ? [`        r${i} = value;`] : [];
    lines.push(
      `      case ${i}: {`,
      `        const value = input[key];`,
      ...raw,
      ...parseInto(node, 'value', `v${i}`, 'json', c).map((l) => `        ${l}`),
      '        break;',
      '      }',
    );
  });
  lines.push('      default:');
  if (canonical) lines.push('        sawUndeclared = true;');
  if (extras === 'keep') lines.push('        if (key !== "__proto__") (undeclared ??= []).push(key);');
  if (extras === 'refuse') lines.push('        return UNDECIDED;');
  lines.push('    }', '  }');
  fields.forEach(({ optional }, i) => {
    if (!optional) lines.push(`  if (v${i} === ${absent}) return UNDECIDED;`);
  });
  lines.push('  const out = {};');
  fields.forEach(({ name }, i) => lines.push(`  if (v${i} !== ${absent}) out[${name}] = v${i};`));
  if (extras === 'keep')
    lines.push(
      '  if (undeclared !== undefined) for (let i = 0; i < undeclared.length; i++) out[undeclared[i]] = input[undeclared[i]];',
    );
  if (!canonical) {
    lines.push('  return out;', '};');
    return generate(lines, c);
  }
  lines.push(
    `  if (sawUndeclared) return { value: out, canonical: ${canonical}(input) };`,
    '  let text = "{";',
    '  let separator = "";',
  );
  const byKey = fields.map((field, i) => ({ ...field, i })).sort((a, b) => (a.key < b.key ? -1 : 1));
  for (const { key, node, i } of byKey) {
    const member = JSON.stringify(`${JSON.stringify(key)}:`);
    lines.push(
      `  if (v${i} !== ${absent}) { text += separator + ${member} + ${canonical}(${node.kind === 'composite' ? `r${i}` : `v${i}`}); separator = ","; }`,
    );
  }
  lines.push('  return { value: out, canonical: text + "}" };', '};');
  return generate(lines, c);
}

/** What an object schema does with keys it does not declare: loose keeps, strict refuses, default strips. */
function unknownKeys(catchall: unknown, at: string): Extras {
  if (catchall === undefined) return 'strip';
  const def = internals(catchall).def as unknown as Def;
  if (def.checks?.length) throw new UnsupportedSchemaError(at, 'a catchall with checks');
  if (def.type === 'unknown' || def.type === 'any') return 'keep';
  if (def.type === 'never') return 'refuse';
  throw new UnsupportedSchemaError(at, `a catchall of type "${def.type}"`);
}
