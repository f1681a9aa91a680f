/**
 * Target input transformation, as EventBridge does it before delivering to a target:
 * - no input configuration: the event itself (compact JSON);
 * - `Input`: that constant JSON text;
 * - `InputPath`: the part of the event a JSON path selects;
 * - `InputTransformer`: variables taken from the event by JSON paths (`InputPathsMap`, at most
 *   100), filled into `InputTemplate`.
 *
 * Template rules (checked against deliveries recorded on AWS):
 * - A template whose first non-blank character is `{` is a JSON template. A variable used as a
 *   JSON value is written as JSON (a string gets quotes, an object stays an object); inside a
 *   JSON string it is written without quotes (objects and arrays still as JSON). If the result is
 *   not valid JSON, nothing is delivered.
 * - Any other template is text: a variable is written as plain text, objects and arrays in
 *   EventBridge's unquoted form (`{acc_id:0a787ecb-4015,sf_id:baz}`, `[HIGH]`), and the result
 *   is delivered as it is.
 * - A path that finds nothing gives an empty string (`""` where a JSON value is expected).
 * - Reserved variables: `aws.events.rule-arn`, `aws.events.rule-name`,
 *   `aws.events.event.ingestion-time`, `aws.events.event` (the envelope without `detail`) and
 *   `aws.events.event.json` (the whole event).
 */
import { EventBridgeValidationException } from './errors.js';

/** A target's input configuration (the `Input`, `InputPath` and `InputTransformer` of `PutTargets`). */
export interface TargetInput {
  /** Target id, used in AWS's error messages. */
  Id?: string;
  /** Constant JSON text delivered instead of the event. */
  Input?: string;
  /** JSON path of the part of the event to deliver, e.g. `$.detail`. */
  InputPath?: string;
  InputTransformer?: {
    /** Variable name → JSON path into the event (at most 100). */
    InputPathsMap?: Record<string, string>;
    /** Text or JSON with `<variable>` placeholders. */
    InputTemplate: string;
  };
}

/** What the reserved variables refer to. */
export interface TransformContext {
  ruleArn: string;
  ruleName: string;
  /** When EventBridge received the event (ISO 8601). */
  ingestionTime: string;
}

/** The body delivered to the target, or nothing (a JSON template that rendered invalid JSON). */
export type TransformResult = { delivered: true; body: string } | { delivered: false; reason: string };

/** EventBridge's limits (service model of `PutTargets`). */
export const INPUT_LIMITS = {
  input: 8192,
  inputPath: 256,
  inputPathsMapEntries: 100,
  inputPathsMapKey: 256,
  inputPathsMapValue: 256,
  inputTemplate: 8192,
} as const;

const RESERVED = {
  ruleArn: 'aws.events.rule-arn',
  ruleName: 'aws.events.rule-name',
  ingestionTime: 'aws.events.event.ingestion-time',
  event: 'aws.events.event',
  eventJson: 'aws.events.event.json',
} as const;
const RESERVED_NAMES: ReadonlySet<string> = new Set(Object.values(RESERVED));

const KEY_PATTERN = /^[A-Za-z0-9_-]+$/;
/** A `<name>` placeholder (a fresh RegExp per use: these are stateful). */
const placeholderPattern = (flags: string): RegExp => new RegExp('<([A-Za-z0-9_.-]+)>', flags);

/**
 * Checks a target's input configuration as `PutTargets` does.
 *
 * @throws EventBridgeValidationException with AWS's message, e.g. `Only one of Input, InputPath,
 *   or InputTransformer must be provided for target t1.` or `InputTemplate for target t1 contains
 *   invalid placeholder notdefinedkey.`
 * @example
 * validateTargetInput({ Id: 't1', InputPath: '$.detail' }); // ok
 */
export function validateTargetInput(target: TargetInput): void {
  const id = target.Id ?? '';
  const given = [target.Input, target.InputPath, target.InputTransformer].filter((v) => v !== undefined).length;
  if (given > 1)
    throw new EventBridgeValidationException(
      `Only one of Input, InputPath, or InputTransformer must be provided for target ${id}.`,
    );
  if (target.Input !== undefined) {
    if (typeof target.Input !== 'string')
      throw new EventBridgeValidationException(`Input of target ${id} must be a string of JSON text.`);
    checkLength(target.Input, INPUT_LIMITS.input, 'input');
    try {
      JSON.parse(target.Input);
    } catch (error) {
      throw new EventBridgeValidationException(`Input of target ${id} is not valid JSON: ${(error as Error).message}.`);
    }
  }
  if (target.InputPath !== undefined) {
    if (typeof target.InputPath !== 'string')
      throw new EventBridgeValidationException(`InputPath of target ${id} must be a string.`);
    checkLength(target.InputPath, INPUT_LIMITS.inputPath, 'inputPath');
    parseJsonPath(target.InputPath, `InputPath of target ${id}`);
  }
  const transformer = target.InputTransformer;
  if (transformer !== undefined) {
    if (typeof transformer?.InputTemplate !== 'string') {
      throw new EventBridgeValidationException(`InputTransformer of target ${id} needs an InputTemplate (a string).`);
    }
    if (transformer.InputTemplate.length < 1) {
      throw constraint(
        transformer.InputTemplate,
        'inputTransformer.inputTemplate',
        'Member must have length greater than or equal to 1',
      );
    }
    checkLength(transformer.InputTemplate, INPUT_LIMITS.inputTemplate, 'inputTransformer.inputTemplate');
    const paths = transformer.InputPathsMap ?? {};
    const entries = Object.entries(paths);
    if (entries.length > INPUT_LIMITS.inputPathsMapEntries) {
      throw constraint(
        `{${entries.length} entries}`,
        'inputTransformer.inputPathsMap',
        `Member must have length less than or equal to ${INPUT_LIMITS.inputPathsMapEntries}`,
      );
    }
    for (const [key, path] of entries) {
      if (!KEY_PATTERN.test(key) || key.length > INPUT_LIMITS.inputPathsMapKey) {
        throw constraint(
          key,
          'inputTransformer.inputPathsMap',
          'Map keys must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [A-Za-z0-9\\_\\-]+]',
        );
      }
      if (typeof path !== 'string')
        throw new EventBridgeValidationException(
          `InputPathsMap value for ${key} of target ${id} must be a JSON path string.`,
        );
      checkLength(path, INPUT_LIMITS.inputPathsMapValue, 'inputTransformer.inputPathsMap');
      parseJsonPath(path, `InputPathsMap value for ${key} of target ${id}`);
    }
    for (const match of transformer.InputTemplate.matchAll(placeholderPattern('g'))) {
      const name = match[1]!;
      if (!Object.prototype.hasOwnProperty.call(paths, name) && !RESERVED_NAMES.has(name)) {
        throw new EventBridgeValidationException(
          `InputTemplate for target ${id} contains invalid placeholder ${name}.`,
        );
      }
    }
  }
}

function checkLength(value: string, max: number, member: string): void {
  if (value.length > max) throw constraint(value, member, `Member must have length less than or equal to ${max}`);
}

function constraint(value: string, member: string, rule: string): EventBridgeValidationException {
  return new EventBridgeValidationException(
    `1 validation error detected: Value '${value}' at 'targets.1.member.${member}' failed to satisfy constraint: ${rule}`,
  );
}

/**
 * The body EventBridge delivers to a target for this event.
 *
 * @param event the event as EventBridge delivers it (envelope with `detail`).
 * @example
 * transformInput(event, { InputTransformer: {
 *   InputPathsMap: { topic: '$.detail-type', media: '$.detail.eventBody.mediaType' },
 *   InputTemplate: '{"topic": <topic>, "media": "<media>"}',
 * } }, { ruleArn, ruleName, ingestionTime });
 * // → { delivered: true, body: '{"topic": "v2.detail.events.conversation.{id}.acd.end", "media": "VOICE"}' }
 */
export function transformInput(event: object, target: TargetInput, context: TransformContext): TransformResult {
  if (target.Input !== undefined) return { delivered: true, body: target.Input };
  if (target.InputPath !== undefined) {
    const found = evaluateJsonPath(event, parseJsonPath(target.InputPath, 'InputPath'));
    if (found === undefined)
      return { delivered: false, reason: `InputPath ${target.InputPath} selects nothing in the event.` };
    return { delivered: true, body: JSON.stringify(found) };
  }
  const transformer = target.InputTransformer;
  if (transformer === undefined) return { delivered: true, body: JSON.stringify(event) };

  const values = new Map<string, Value>();
  for (const [name, path] of Object.entries(transformer.InputPathsMap ?? {})) {
    values.set(name, {
      kind: 'json',
      value: evaluateJsonPath(event, parseJsonPath(path, `InputPathsMap value for ${name}`)),
    });
  }
  values.set(RESERVED.ruleArn, { kind: 'json', value: context.ruleArn });
  values.set(RESERVED.ruleName, { kind: 'json', value: context.ruleName });
  values.set(RESERVED.ingestionTime, { kind: 'json', value: context.ingestionTime });
  values.set(RESERVED.event, { kind: 'raw', text: JSON.stringify(envelopeWithoutDetail(event, context)) });
  values.set(RESERVED.eventJson, { kind: 'raw', text: JSON.stringify(event) });

  const template = transformer.InputTemplate;
  const json = template.trimStart().startsWith('{');
  const body = renderTemplate(template, values, json);
  if (json) {
    try {
      JSON.parse(body);
    } catch (error) {
      return {
        delivered: false,
        reason: `The rendered InputTemplate is not valid JSON (${(error as Error).message}), so EventBridge drops the event.`,
      };
    }
  }
  return { delivered: true, body };
}

type Value = { kind: 'json'; value: unknown } | { kind: 'raw'; text: string };

/** `<aws.events.event>`: the envelope as EventBridge renders it, without `detail`. */
function envelopeWithoutDetail(event: object, context: TransformContext): Record<string, unknown> {
  const e = event as Record<string, unknown>;
  return {
    id: e.id,
    account: e.account,
    detailType: e['detail-type'],
    time: context.ingestionTime,
    source: e.source,
    region: e.region,
    resources: e.resources,
    version: e.version,
  };
}

/** Fills placeholders, tracking whether each one stands inside a JSON string of the template. */
function renderTemplate(template: string, values: Map<string, Value>, json: boolean): string {
  const placeholder = placeholderPattern('y');
  let out = '';
  let inString = false;
  let i = 0;
  while (i < template.length) {
    const c = template[i]!;
    if (c === '<') {
      placeholder.lastIndex = i;
      const match = placeholder.exec(template);
      if (match && values.has(match[1]!)) {
        out += renderValue(values.get(match[1]!)!, json, inString);
        i += match[0].length;
        continue;
      }
    }
    if (json) {
      if (c === '\\' && inString) {
        out += template.slice(i, i + 2);
        i += 2;
        continue;
      }
      if (c === '"') inString = !inString;
    }
    out += c;
    i++;
  }
  return out;
}

function renderValue(value: Value, json: boolean, inString: boolean): string {
  if (value.kind === 'raw') return value.text;
  const v = value.value;
  if (!json) return v === undefined ? '' : plainText(v);
  if (inString) {
    if (v === undefined) return '';
    if (typeof v === 'string') return JSON.stringify(v).slice(1, -1);
    return JSON.stringify(v);
  }
  return v === undefined ? '""' : JSON.stringify(v);
}

/** EventBridge's unquoted text form of a value in a text template: `{a:1,b:[x,y]}`. */
function plainText(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(plainText).join(',')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}:${plainText(v)}`)
      .join(',')}}`;
  }
  return String(value);
}

// ------------------------------------------------------------------ JSON paths

/** One step of a JSON path: a member name, an array index, or `*` (all members / elements). */
type PathStep = { kind: 'name'; name: string } | { kind: 'index'; index: number } | { kind: 'wildcard' };

/**
 * Parses the JSON path subset EventBridge supports: `$`, `.name` (letters, digits, `-`, `_`,
 * `/`, and other characters except `.`, `[`, `]`, `*`, spaces), `[n]` array indices, and `*`
 * (`.*` or `[*]`).
 */
export function parseJsonPath(path: string, what = 'JSON path'): PathStep[] {
  const invalid = (detail: string): never => {
    throw new EventBridgeValidationException(
      `${what} ${JSON.stringify(path)} is not a valid JSON path: ${detail}. Use dot notation from the root, e.g. $.detail.eventBody.queueId or $.resources[0].`,
    );
  };
  if (!path.startsWith('$')) invalid('it must start with $');
  const steps: PathStep[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i]!;
    if (c === '.') {
      if (path[i + 1] === '*') {
        steps.push({ kind: 'wildcard' });
        i += 2;
        continue;
      }
      const m = /^[^.[\]*\s]+/.exec(path.slice(i + 1));
      if (!m) invalid(`expected a member name at position ${i + 1}`);
      steps.push({ kind: 'name', name: m![0] });
      i += 1 + m![0].length;
    } else if (c === '[') {
      const m = /^\[(\d+|\*)\]/.exec(path.slice(i));
      if (!m) invalid(`expected [index] or [*] at position ${i}`);
      steps.push(m![1] === '*' ? { kind: 'wildcard' } : { kind: 'index', index: Number(m![1]) });
      i += m![0].length;
    } else {
      invalid(`unexpected ${JSON.stringify(c)} at position ${i}`);
    }
  }
  return steps;
}

/** The value a parsed path selects; with `*`, the array of everything selected; `undefined` when nothing. */
export function evaluateJsonPath(root: unknown, steps: readonly PathStep[]): unknown {
  let current: unknown[] = [root];
  let multiple = false;
  for (const step of steps) {
    const next: unknown[] = [];
    for (const value of current) {
      if (value === null || typeof value !== 'object') continue;
      if (step.kind === 'name') {
        if (!Array.isArray(value) && Object.prototype.hasOwnProperty.call(value, step.name))
          next.push((value as Record<string, unknown>)[step.name]);
      } else if (step.kind === 'index') {
        if (Array.isArray(value) && step.index < value.length) next.push(value[step.index]);
      } else {
        multiple = true;
        next.push(...(Array.isArray(value) ? value : Object.values(value)));
      }
    }
    current = next;
  }
  if (multiple) return current.length > 0 ? current : undefined;
  return current[0];
}
