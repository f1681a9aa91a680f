/**
 * The fan-out bus of the local runtime (`genesys-pipeline run --fan-out-bus NAME`): the
 * {@link EventBusSink} publishes every new event to a custom bus of a local EventBridge — the same
 * bus, rule engine, input validation and delivery retries as the pipeline's own — and your rules
 * on that bus send what they match to NDJSON files or URLs (`--fan-out-rule 'PATTERN=>TARGET'`).
 *
 * The bus lives in `fan-out.sqlite` beside the pipeline's databases, not on the partner bus's
 * database: what the pipeline publishes is not an event the pipeline received (it is not counted
 * as accepted, nor archived with Genesys's events), and a consumer's slow target never holds up
 * the pipeline's own commits. The sink reaches the bus in process, through an adapter of the
 * PutEvents client; on AWS the same sink holds the SDK's `EventBridgeClient`.
 */
import { chmodSync, closeSync, createWriteStream, openSync } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { compileEventPattern, functionTarget, LocalEventBridge } from '../eventbridge/index.js';
import type { BusTarget } from '../eventbridge/index.js';
import { EventBusSink, FAN_OUT_SOURCE } from '../processing/sinks/event-bus.js';
import type { EventBusSinkOptions, PutEventsClient } from '../processing/sinks/event-bus.js';
import { TransientProcessingError } from '../processing/errors.js';
import { errorMessage } from '../shared/index.js';
import { RuntimeOptionsError } from './errors.js';

/** The database of the local fan-out bus, in the data directory. */
export const FAN_OUT_DATABASE_FILE = 'fan-out.sqlite';

/** One rule on the fan-out bus: an event pattern and where its matches go. */
export interface FanOutRule {
  /** An EventBridge event pattern (JSON text or object), e.g. `{"detail-type":["conversation"]}`. */
  pattern: string | object;
  /** `file:<path>` (one event per line, appended) or an `http://` / `https://` URL (POSTed as JSON). */
  target: string;
}

/** Options of {@link LocalFanOut.create}. */
export interface LocalFanOutOptions {
  /** The custom bus's name (1–256 letters, digits, `.`, `-`, `_`, `/`). */
  busName: string;
  rules?: readonly FanOutRule[];
  /** Directory that relative `file:` targets are resolved against (default: the current one). */
  cwd?: string;
  /** Options of the sink (size limit, retries). */
  sink?: Pick<EventBusSinkOptions, 'maxRequestBytes' | 'retries' | 'initialDelayMs' | 'maxDelayMs'>;
}

/**
 * Parses `--fan-out-rule 'PATTERN=>TARGET'`: the pattern is the text before the last `=>`.
 *
 * @example
 * parseFanOutRule('{"detail-type":["conversation"]}=>file:conversations.ndjson')
 * // → { pattern: '{"detail-type":["conversation"]}', target: 'file:conversations.ndjson' }
 * @throws RuntimeOptionsError when there is no `=>`, or a side is empty.
 */
export function parseFanOutRule(text: string): FanOutRule {
  const at = text.lastIndexOf('=>');
  const pattern = at < 0 ? '' : text.slice(0, at).trim();
  const target = at < 0 ? '' : text.slice(at + 2).trim();
  if (!pattern || !target)
    throw new RuntimeOptionsError([
      `A fan-out rule is 'PATTERN=>TARGET', e.g. '{"detail-type":["conversation"]}=>file:conversations.ndjson'; got ${JSON.stringify(text)}.`,
    ]);
  return { pattern, target };
}

/** The rules checked and their targets built; nothing is opened yet. */
interface PreparedRule {
  pattern: string | object;
  target: BusTarget & { close?: () => Promise<void> };
  describe: string;
}

/**
 * The local fan-out: its sink (give it to the runtime with your other sinks) and its bus, opened
 * in the data directory once the runtime holds the directory's lock.
 *
 * @example
 * const fanOut = LocalFanOut.create({ busName: 'contact-centre', rules: [parseFanOutRule('{"detail-type":["conversation"]}=>file:calls.ndjson')] });
 * const runtime = await startRuntime(options, { sinks: [fanOut.sink] });
 * await fanOut.open(runtime.options.dataDir);
 * // … at the end, after the runtime has stopped:
 * await fanOut.close();
 */
export class LocalFanOut {
  readonly sink: EventBusSink;
  readonly busName: string;
  readonly #rules: PreparedRule[];
  #bus: LocalEventBridge | undefined;
  #opened!: (bus: LocalEventBridge) => void;
  readonly #ready: Promise<LocalEventBridge>;

  private constructor(options: LocalFanOutOptions, rules: PreparedRule[]) {
    this.busName = options.busName;
    this.#rules = rules;
    this.#ready = new Promise((resolve) => (this.#opened = resolve));
    const client: PutEventsClient = {
      send: async (command) => {
        // Events handled before `open` (a runtime resuming its backlog) wait for the bus.
        const bus = this.#bus ?? (await this.#ready);
        try {
          return await bus.putEvents({ Entries: command.input.Entries ?? [] });
        } catch (error) {
          // The bus refused the request as a whole: a closed bus is transient, a ValidationException is not.
          if ((error as Error)?.name === 'ValidationException') throw error;
          throw new TransientProcessingError(`The local fan-out bus failed: ${errorMessage(error)}`, { cause: error });
        }
      },
    };
    this.sink = new EventBusSink({ eventBusName: options.busName, client, ...options.sink });
  }

  /**
   * Checks the bus name, every rule's pattern and target.
   *
   * @throws RuntimeOptionsError listing every problem.
   */
  static create(options: LocalFanOutOptions): LocalFanOut {
    const problems: string[] = [];
    if (!/^[/.\-_A-Za-z0-9]{1,256}$/.test(options.busName) || options.busName === 'default')
      problems.push(
        `--fan-out-bus ${JSON.stringify(options.busName)}: a custom bus name is 1–256 letters, digits, ".", "-", "_" or "/", and not "default".`,
      );
    const rules: PreparedRule[] = [];
    (options.rules ?? []).forEach((rule, i) => {
      const where = `fan-out rule ${i + 1}`;
      try {
        compileEventPattern(rule.pattern);
      } catch (error) {
        problems.push(`${where}: the pattern is not a valid event pattern: ${errorMessage(error)}`);
        return;
      }
      const target = fanOutTarget(rule.target, options.cwd ?? process.cwd());
      if (typeof target === 'string') problems.push(`${where}: ${target}`);
      else rules.push({ pattern: rule.pattern, target, describe: rule.target });
    });
    if (problems.length) throw new RuntimeOptionsError(problems);
    return new LocalFanOut(options, rules);
  }

  /** What the rules do, one line each (for the start banner). */
  describeRules(): string[] {
    return this.#rules.map((r, i) => `rule ${i + 1}: ${patternText(r.pattern)} → ${r.describe}`);
  }

  /** The local EventBridge holding the bus (after {@link open}). */
  get eventBridge(): LocalEventBridge | undefined {
    return this.#bus;
  }

  /**
   * Opens `fan-out.sqlite` in `dataDir` (private to its owner, with the runtime's `--durability`),
   * creates the bus and its rules.
   */
  async open(dataDir: string, options: { synchronous?: 'normal' | 'full' } = {}): Promise<void> {
    if (this.#bus) return;
    const path = join(dataDir, FAN_OUT_DATABASE_FILE);
    closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
    const bus = LocalEventBridge.open({ path, archive: false, ...options });
    try {
      bus.createEventBus({ Name: this.busName });
      this.#rules.forEach((rule, i) => {
        const name = `fan-out-rule-${i + 1}`;
        bus.putRule({ Name: name, EventBusName: this.busName, EventPattern: rule.pattern });
        bus.putTargets({ Rule: name, EventBusName: this.busName, Targets: [{ Id: 'target', target: rule.target }] });
      });
    } catch (error) {
      await bus.close();
      throw error;
    }
    this.#bus = bus;
    this.#opened(bus);
  }

  /** Lets the rules' deliveries finish (up to `timeoutMs`), then closes the bus and the files. */
  async close(timeoutMs = 5_000): Promise<void> {
    const bus = this.#bus;
    if (bus) {
      await bus.drain(timeoutMs);
      await bus.close();
    }
    for (const rule of this.#rules) await rule.target.close?.();
  }
}

/** The pattern as one line of JSON. */
function patternText(pattern: string | object): string {
  return typeof pattern === 'string' ? JSON.stringify(JSON.parse(pattern)) : JSON.stringify(pattern);
}

/** A rule's target from its text, or the problem with it. */
function fanOutTarget(text: string, cwd: string): (BusTarget & { close?: () => Promise<void> }) | string {
  if (text.startsWith('file:')) {
    const file = resolve(cwd, text.slice('file:'.length));
    if (file === resolve(cwd)) return `target ${text} names no file; e.g. file:conversations.ndjson.`;
    return ndjsonFileTarget(file);
  }
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url && (url.protocol === 'http:' || url.protocol === 'https:')) return httpTarget(url);
  return `target ${JSON.stringify(text)} is neither file:<path> nor an http(s):// URL.`;
}

/** Appends each matched event (its JSON, as the rule delivers it) as one line to a file. */
function ndjsonFileTarget(file: string): BusTarget & { close: () => Promise<void> } {
  let stream: WriteStream | undefined;
  const target = functionTarget(`arn:local:file:${file}`, (body) => {
    stream ??= createWriteStream(file, { flags: 'a', mode: 0o600 });
    const s = stream;
    return new Promise<void>((resolve, reject) => s.write(`${body}\n`, (error) => (error ? reject(error) : resolve())));
  });
  return {
    ...target,
    close: () =>
      new Promise<void>((resolve) => {
        if (!stream) return resolve();
        stream.end(() => resolve());
      }),
  };
}

/**
 * POSTs each matched event as JSON to a URL (as an API destination does): 2xx is delivered; any
 * other answer, a network error or no answer within 5 s fails the delivery, which the bus retries
 * with the rule's retry policy. Only the URL's origin appears in errors.
 */
function httpTarget(url: URL): BusTarget {
  return functionTarget(`arn:local:http:${url.origin}`, async (body) => {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': FAN_OUT_SOURCE },
        body,
        signal: AbortSignal.timeout(5_000),
      });
    } catch (error) {
      throw new Error(`POST to ${url.origin} failed: ${errorMessage(error)}`);
    }
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new Error(`${url.origin} answered HTTP ${response.status}`);
  });
}
