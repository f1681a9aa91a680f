/**
 * Event pattern parsing and validation: pattern text → a list of *branches*, each a map from a
 * flattened field path (`detail.eventBody.mediaType`) to the matchers any one of which the
 * field's value must satisfy.
 *
 * It follows the reference semantics of EventBridge's engine (aws/event-ruler's
 * `JsonRuleCompiler`) step by step, so that validity, error texts and the handling of duplicate
 * keys are AWS's:
 * - Nested keys are joined with `.`; `{"a": {"b": …}}` and `{"a.b": …}` are the same field.
 * - A key repeated in the text replaces the earlier one for the same field path (the last one
 *   wins); different paths under a repeated object key all apply.
 * - `$or` multiplies the branches: the fields before it are copied into each alternative, fields
 *   after it apply to all alternatives.
 */
import { CidrError, InvalidEventPatternException, JsonReadError, WildcardSyntaxError } from './errors.js';
import { ipExactRange, parseCidr } from './pattern-ip.js';
import type { IpRange } from './pattern-ip.js';
import { JsonTokenReader } from './pattern-json.js';
import type { JsonToken } from './pattern-json.js';
import { comparableNumber, parseWildcard } from './pattern-values.js';
import type { WildcardPattern } from './pattern-values.js';

/** One condition on a field's value. A field matches when any of its matchers matches. */
export type Matcher =
  | { kind: 'exact-string'; value: string }
  | { kind: 'exact-ip'; value: string; range: IpRange }
  | { kind: 'exact-number'; text: string; value: number | undefined }
  | { kind: 'exact-literal'; text: 'true' | 'false' | 'null' }
  | { kind: 'prefix'; value: string; ignoreCase: boolean }
  | { kind: 'suffix'; value: string; ignoreCase: boolean }
  | { kind: 'equals-ignore-case'; value: string }
  | { kind: 'wildcard'; value: string; pattern: WildcardPattern }
  | { kind: 'numeric'; lower?: number; lowerOpen: boolean; upper?: number; upperOpen: boolean }
  | { kind: 'numeric-equals'; value: number }
  | { kind: 'cidr'; value: string; range: IpRange }
  | { kind: 'exists'; exists: boolean }
  | { kind: 'anything-but'; strings: ReadonlySet<string>; numbers: readonly number[] }
  | { kind: 'anything-but-prefix'; values: readonly string[] }
  | { kind: 'anything-but-suffix'; values: readonly string[] }
  | { kind: 'anything-but-ignore-case'; values: readonly string[] }
  | { kind: 'anything-but-wildcard'; values: readonly string[]; patterns: readonly WildcardPattern[] };

/** One alternative of a pattern: every field must match (AND). */
export type Branch = Map<string, Matcher[]>;

/** The result of parsing a pattern. */
interface ParsedPattern {
  /** The alternatives ($or expanded); the pattern matches when any branch matches. */
  branches: Branch[];
}

/** Largest pattern AWS accepts (the `EventPattern` API parameter). */
export const MAX_EVENT_PATTERN_LENGTH = 4096;

const OR = '$or';

/** Keys that cannot be field names inside `$or` (event-ruler's reserved words). */
const RESERVED_IN_OR = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

/** A reason without a parser location (AWS reports some errors without one). */
class PlainPatternError extends Error {}

/**
 * Parses and validates pattern text. Throws {@link InvalidEventPatternException} with AWS's
 * message for an invalid pattern.
 */
export function parsePatternText(text: string): ParsedPattern {
  const parser = new PatternParser(new JsonTokenReader(text));
  try {
    return { branches: parser.parse() };
  } catch (error) {
    if (error instanceof JsonReadError) {
      throw new InvalidEventPatternException(error.reason, {
        locationText: error.locationText,
        location: { line: error.line, column: error.column },
      });
    }
    if (error instanceof PlainPatternError) throw new InvalidEventPatternException(error.message);
    throw error;
  }
}

class PatternParser {
  constructor(private readonly reader: JsonTokenReader) {}

  parse(): Branch[] {
    const branches: Branch[] = [];
    if (this.reader.nextToken() !== 'START_OBJECT') this.barf('Filter is not an object');
    this.parseObject(branches, [], false);
    return branches;
  }

  private next(): JsonToken | null {
    return this.reader.nextToken();
  }

  private barf(reason: string): never {
    throw this.reader.errorHere(reason);
  }

  /**
   * event-ruler re-raises some errors with their whole message (location included) as the new
   * reason, so AWS's text then carries two locations; the reason stays the first one.
   */
  private rebarf(error: unknown): never {
    const here = this.reader.errorHere('');
    if (error instanceof JsonReadError) {
      throw new JsonReadError(error.reason, error.locationText + here.locationText, here.line, here.column);
    }
    if (error instanceof PlainPatternError)
      throw new JsonReadError(error.message, here.locationText, here.line, here.column);
    throw error;
  }

  private parseObject(branches: Branch[], path: string[], insideOr: boolean): void {
    let fieldsPresent = false;
    while (this.next() !== 'END_OBJECT') {
      fieldsPresent = true;
      const step = this.reader.currentName;
      if (step === OR) {
        this.parseOr(branches, path);
        continue;
      }
      if (insideOr && RESERVED_IN_OR.has(step)) {
        this.barf(`${step} is Ruler reserved fieldName which cannot be used inside ${OR}.`);
      }
      switch (this.next()) {
        case 'START_OBJECT':
          path.push(step);
          this.parseObject(branches, path, insideOr);
          path.pop();
          break;
        case 'START_ARRAY':
          this.writeField(branches, [...path, step].join('.'));
          break;
        default:
          this.barf(`"${step}" must be an object or an array`);
      }
    }
    if (!fieldsPresent) this.barf('Empty objects are not allowed');
  }

  private parseOr(branches: Branch[], path: string[]): void {
    const before = branches.map((b) => new Map(b));
    branches.length = 0;
    if (this.next() !== 'START_ARRAY') this.barf(`It must be an Array followed with ${OR}.`);
    let count = 0;
    let token: JsonToken | null;
    while ((token = this.next()) !== 'END_ARRAY') {
      count++;
      if (token !== 'START_OBJECT') this.barf(`Only JSON object is allowed in array of ${OR} relationship.`);
      const alternative = before.length > 0 ? before.map((b) => new Map(b)) : [new Map<string, Matcher[]>()];
      this.parseObject(alternative, path, true);
      branches.push(...alternative);
    }
    if (count < 2) this.barf(`There must have at least 2 Objects in ${OR} relationship.`);
  }

  private writeField(branches: Branch[], name: string): void {
    const values: Matcher[] = [];
    let token: JsonToken | null;
    while ((token = this.next()) !== 'END_ARRAY') {
      switch (token) {
        case 'START_OBJECT':
          values.push(this.matchExpression());
          break;
        case 'VALUE_STRING': {
          const text = this.reader.getText();
          const range = ipExactRange(text);
          values.push(range ? { kind: 'exact-ip', value: text, range } : { kind: 'exact-string', value: text });
          break;
        }
        case 'VALUE_NUMBER_INT':
        case 'VALUE_NUMBER_FLOAT': {
          const text = this.reader.getText();
          values.push({ kind: 'exact-number', text, value: comparableNumber(text) });
          break;
        }
        case 'VALUE_NULL':
        case 'VALUE_TRUE':
        case 'VALUE_FALSE':
          values.push({ kind: 'exact-literal', text: this.reader.getText() as 'true' | 'false' | 'null' });
          break;
        default:
          this.barf('Match value must be String, number, true, false, or null');
      }
    }
    if (values.length === 0) this.barf('Empty arrays are not allowed');
    if (branches.length === 0) branches.push(new Map());
    for (const branch of branches) branch.set(name, values);
  }

  private expectEndOfExpression(): void {
    if (this.next() !== 'END_OBJECT') this.barf('Only one key allowed in match expression');
  }

  private tooManyElements(): never {
    return this.barf('Too many elements in numeric expression');
  }

  private matchExpression(): Matcher {
    if (this.next() !== 'FIELD_NAME') this.barf('Match expression name not found');
    const type = this.reader.currentName;
    switch (type) {
      case 'exactly': {
        if (this.next() !== 'VALUE_STRING') this.barf('exact match pattern must be a string');
        const value = this.reader.getText();
        this.expectEndOfExpression();
        return { kind: 'exact-string', value };
      }
      case 'prefix':
      case 'suffix': {
        const token = this.next();
        if (token === 'START_OBJECT') return this.ignoreCaseAffix(type);
        if (token !== 'VALUE_STRING') this.barf(`${type} match pattern must be a string`);
        const value = this.reader.getText();
        this.expectEndOfExpression();
        return { kind: type, value, ignoreCase: false };
      }
      case 'numeric': {
        if (this.next() !== 'START_ARRAY') this.barf('Value of numeric must be an array.');
        const matcher = this.numericExpression();
        if (this.next() !== 'END_OBJECT') this.tooManyElements();
        return matcher;
      }
      case 'anything-but':
        return this.anythingBut();
      case 'exists': {
        const token = this.next();
        if (token !== 'VALUE_TRUE' && token !== 'VALUE_FALSE')
          this.barf('exists match pattern must be either true or false.');
        this.expectEndOfExpression();
        return { kind: 'exists', exists: token === 'VALUE_TRUE' };
      }
      case 'cidr': {
        // AWS's text for a non-string cidr value really says "prefix".
        if (this.next() !== 'VALUE_STRING') this.barf('prefix match pattern must be a string');
        const value = this.reader.getText();
        let range: IpRange;
        try {
          range = parseCidr(value);
        } catch (error) {
          if (error instanceof CidrError) throw new PlainPatternError(error.message);
          throw error;
        }
        this.expectEndOfExpression();
        return { kind: 'cidr', value, range };
      }
      case 'equals-ignore-case': {
        if (this.next() !== 'VALUE_STRING') this.barf('equals-ignore-case match pattern must be a string');
        const value = this.reader.getText();
        this.expectEndOfExpression();
        return { kind: 'equals-ignore-case', value };
      }
      case 'wildcard': {
        if (this.next() !== 'VALUE_STRING') this.barf('wildcard match pattern must be a string');
        const value = this.reader.getText();
        const pattern = this.wildcard(value);
        this.expectEndOfExpression();
        return { kind: 'wildcard', value, pattern };
      }
      default:
        return this.barf(`Unrecognized match type ${type}`);
    }
  }

  private wildcard(value: string): WildcardPattern {
    try {
      return parseWildcard(value);
    } catch (error) {
      if (error instanceof WildcardSyntaxError) this.barf(error.message);
      throw error;
    }
  }

  /** `{"prefix": {"equals-ignore-case": "…"}}` / `{"suffix": {"equals-ignore-case": "…"}}`. */
  private ignoreCaseAffix(type: 'prefix' | 'suffix'): Matcher {
    const label = type === 'prefix' ? 'Prefix' : 'Suffix';
    if (this.next() !== 'FIELD_NAME') this.barf(`${label} expression name not found`);
    const op = this.reader.currentName;
    if (op !== 'equals-ignore-case') this.barf(`Unsupported ${type} pattern: ${op}`);
    if (this.next() !== 'VALUE_STRING') this.barf('equals-ignore-case match pattern must be a string');
    const value = this.reader.getText();
    this.expectEndOfExpression();
    this.expectEndOfExpression();
    return { kind: type, value, ignoreCase: true };
  }

  private numericExpression(): Matcher {
    if (this.next() !== 'VALUE_STRING') this.barf(`Invalid member in numeric match: ${this.reader.getText()}`);
    const operator = this.reader.getText();
    let token = this.next();
    try {
      switch (operator) {
        case '=': {
          if (!this.reader.isNumeric()) this.barf('Value of equals must be numeric');
          const text = this.reader.getText();
          if (this.next() !== 'END_ARRAY') this.tooManyElements();
          return { kind: 'numeric-equals', value: requireComparable(text) };
        }
        case '>=':
        case '>': {
          if (!this.reader.isNumeric()) this.barf(`Value of ${operator} must be numeric`);
          const bottom = this.reader.getText();
          token = this.next();
          if (token === 'END_ARRAY')
            return { kind: 'numeric', lower: requireComparable(bottom), lowerOpen: operator === '>', upperOpen: false };
          return this.numericRange(token, bottom, operator === '>');
        }
        case '<=':
        case '<': {
          if (!this.reader.isNumeric()) this.barf(`Value of ${operator} must be numeric`);
          const top = this.reader.getText();
          if (this.next() !== 'END_ARRAY') this.tooManyElements();
          return { kind: 'numeric', upper: requireComparable(top), upperOpen: operator === '<', lowerOpen: false };
        }
        default:
          return this.barf(`Unrecognized numeric range operator: ${operator}`);
      }
    } catch (error) {
      if (error instanceof PlainPatternError) this.barf(error.message);
      throw error;
    }
  }

  private numericRange(token: JsonToken | null, bottomText: string, lowerOpen: boolean): Matcher {
    if (token !== 'VALUE_STRING') this.barf(`Bad value in numeric range: ${this.reader.getText()}`);
    const operator = this.reader.getText();
    if (operator !== '<' && operator !== '<=') this.barf(`Bad numeric range operator: ${operator}`);
    this.next();
    if (!this.reader.isNumeric()) this.barf(`Value of ${operator} must be numeric`);
    const topText = this.reader.getText();
    if (this.next() !== 'END_ARRAY') this.barf('Too many terms in numeric range expression');
    const lower = requireComparable(bottomText);
    const upper = requireComparable(topText);
    if (compareNumbers(lower, upper) >= 0) throw new PlainPatternError('Bottom must be less than top');
    return { kind: 'numeric', lower, lowerOpen, upper, upperOpen: operator === '<' };
  }

  private anythingBut(): Matcher {
    let variant: AnythingButVariant = 'plain';
    let token = this.next();
    if (token === 'START_OBJECT') {
      if (this.next() !== 'FIELD_NAME') this.barf('Anything-But expression name not found');
      const op = this.reader.currentName;
      if (op !== 'equals-ignore-case' && op !== 'prefix' && op !== 'suffix' && op !== 'wildcard') {
        this.barf(`Unsupported anything-but pattern: ${op}`);
      }
      variant = op;
      token = this.next();
    }
    if (
      token !== 'START_ARRAY' &&
      token !== 'VALUE_STRING' &&
      token !== 'VALUE_NUMBER_INT' &&
      token !== 'VALUE_NUMBER_FLOAT'
    ) {
      this.barf('Value of anything-but must be an array or single string/number value.');
    }
    let matcher: Matcher;
    if (variant === 'plain') {
      matcher = token === 'START_ARRAY' ? this.anythingButList() : this.anythingButSingle(token);
    } else {
      const values =
        token === 'START_ARRAY' ? this.anythingButValueList(variant) : [this.anythingButValue(token, variant)];
      matcher = this.valueSetMatcher(variant, values);
    }
    if (this.next() !== 'END_OBJECT') this.tooManyElements();
    if (variant !== 'plain' && this.next() !== 'END_OBJECT') this.tooManyElements();
    return matcher;
  }

  private anythingButList(): Matcher {
    const strings = new Set<string>();
    const numbers: number[] = [];
    let hasString = false;
    let hasNumber = false;
    try {
      let token: JsonToken | null;
      while ((token = this.next()) !== 'END_ARRAY') {
        if (token === 'VALUE_STRING') {
          strings.add(this.reader.getText());
          hasString = true;
        } else if (token === 'VALUE_NUMBER_INT' || token === 'VALUE_NUMBER_FLOAT') {
          numbers.push(requireComparable(this.reader.getText()));
          hasNumber = true;
        } else {
          this.barf('Inside anything but list, start|null|boolean is not supported.');
        }
      }
    } catch (error) {
      this.rebarf(error);
    }
    if (hasNumber === hasString) {
      this.barf('Inside anything but list, either all values are number or string, mixed type is not supported');
    }
    return { kind: 'anything-but', strings, numbers };
  }

  private anythingButSingle(token: JsonToken | null): Matcher {
    if (token === 'VALUE_STRING')
      return { kind: 'anything-but', strings: new Set([this.reader.getText()]), numbers: [] };
    // A number that cannot be compared is reported without a location here (as AWS does).
    return { kind: 'anything-but', strings: new Set(), numbers: [requireComparable(this.reader.getText())] };
  }

  private anythingButValueList(variant: Exclude<AnythingButVariant, 'plain'>): string[] {
    const values: string[] = [];
    try {
      let token: JsonToken | null;
      while ((token = this.next()) !== 'END_ARRAY') values.push(this.anythingButValue(token, variant));
    } catch (error) {
      this.rebarf(error);
    }
    return values;
  }

  private anythingButValue(token: JsonToken | null, variant: Exclude<AnythingButVariant, 'plain'>): string {
    if (token !== 'VALUE_STRING') {
      if (variant === 'equals-ignore-case')
        this.barf('Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.');
      if (variant === 'wildcard') this.barf('wildcard match pattern must be a string');
      this.barf('prefix/suffix match pattern must be a string');
    }
    const text = this.reader.getText();
    if ((variant === 'prefix' || variant === 'suffix') && text === '') this.barf('Null prefix/suffix not allowed');
    return text;
  }

  private valueSetMatcher(variant: Exclude<AnythingButVariant, 'plain'>, values: string[]): Matcher {
    switch (variant) {
      case 'equals-ignore-case':
        return { kind: 'anything-but-ignore-case', values };
      case 'prefix':
        return { kind: 'anything-but-prefix', values };
      case 'suffix':
        return { kind: 'anything-but-suffix', values };
      case 'wildcard':
        return { kind: 'anything-but-wildcard', values, patterns: values.map((v) => this.wildcard(v)) };
    }
  }
}

type AnythingButVariant = 'plain' | 'equals-ignore-case' | 'prefix' | 'suffix' | 'wildcard';

/** The number, or a `Cannot compare number` error when EventBridge cannot compare it exactly. */
function requireComparable(text: string): number {
  const value = comparableNumber(text);
  if (value === undefined) throw new PlainPatternError(`Cannot compare number : ${text}`);
  return value;
}

/** Orders comparable numbers (see `comparableNumber`, which never returns -0). */
export function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The pattern as a plain object, with repeated keys resolved as AWS resolves them: repeated
 * objects are merged, any other repeated key keeps its last value, and a repeated `$or` is
 * distributed over the earlier one. Call only on text that {@link parsePatternText} accepted.
 */
export function normalizedPatternSource(text: string): Record<string, unknown> {
  const reader = new JsonTokenReader(text);
  reader.nextToken();
  return readObject(reader);
}

function readValue(reader: JsonTokenReader, token: JsonToken | null): unknown {
  switch (token) {
    case 'START_OBJECT':
      return readObject(reader);
    case 'START_ARRAY': {
      const items: unknown[] = [];
      let next: JsonToken | null;
      while ((next = reader.nextToken()) !== 'END_ARRAY') items.push(readValue(reader, next));
      return items;
    }
    case 'VALUE_STRING':
      return reader.getText();
    case 'VALUE_NUMBER_INT':
    case 'VALUE_NUMBER_FLOAT':
      return Number(reader.getText());
    case 'VALUE_TRUE':
      return true;
    case 'VALUE_FALSE':
      return false;
    default:
      return null;
  }
}

function readObject(reader: JsonTokenReader): Record<string, unknown> {
  const result: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  while (reader.nextToken() !== 'END_OBJECT') {
    const key = reader.currentName;
    const value = readValue(reader, reader.nextToken());
    mergeKey(result, key, value);
  }
  return result;
}

function mergeKey(target: Record<string, unknown>, key: string, value: unknown): void {
  const existing = Object.prototype.hasOwnProperty.call(target, key) ? target[key] : undefined;
  if (existing === undefined) {
    target[key] = value;
  } else if (key === OR && Array.isArray(existing) && Array.isArray(value)) {
    target[key] = existing.map((alternative) => {
      const copy = Object.assign(Object.create(null) as Record<string, unknown>, alternative);
      mergeKey(copy, OR, value);
      return copy;
    });
  } else if (isPlainObject(existing) && isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) mergeKey(existing, k, v);
  } else {
    target[key] = value;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
