/**
 * Inspection of an NDJSON file of EventBridge events (simulated, or captured from a CloudWatch
 * log group or an archive replay when a rule does not match): every line is validated with
 * `parseGenesysEvent` — every family with its typed schema, other topics as generic events — and
 * the summary says what is in the file and what is wrong with it: events by kind and by topic,
 * conversations, duplicate deliveries, the sources and detail-types seen (what a rule must
 * match), and each invalid line with its line number and reasons.
 *
 * Streaming, in bounded memory: per line only compact fingerprints are kept (see
 * {@link FingerprintSet}); listings are capped.
 */
import { EVENT_KINDS, MAX_EVENT_BYTES, parseGenesysEvent } from '../events/index.js';
import type { EventKind, EventProblem } from '../events/index.js';
import { FingerprintSet, hexFingerprint, stringFingerprint } from './fingerprint-set.js';

/** Options of {@link inspectLines}. */
export interface InspectOptions {
  /** How many invalid lines to list (the count covers all). Default 50. */
  maxListed?: number;
  /** Called every 1,024 lines with the running counts. */
  onProgress?: (progress: InspectionProgress) => void;
}

/** The running counts {@link InspectOptions.onProgress} is given. */
export interface InspectionProgress {
  /** Lines read, blank ones included. */
  lines: number;
  valid: number;
  invalid: number;
}

/** One invalid line. */
export interface InvalidLine {
  line: number;
  problems: EventProblem[];
  /** The start of the line (up to 120 characters). */
  excerpt: string;
}

/** A line that repeats an earlier event (same idempotency key). */
export interface DuplicateLine {
  line: number;
  firstLine: number;
  topic: string;
  conversationId?: string;
}

/** The summary {@link inspectLines} returns. */
export interface InspectionReport {
  /** Lines read, blank ones included. */
  lines: number;
  blankLines: number;
  /** Lines that are valid Genesys events. */
  valid: number;
  invalid: number;
  /** Valid events of the 16 conversation detail topics. */
  conversationEvents: number;
  /** Valid events of every other topic (the other typed families and generic topics). */
  otherEvents: number;
  /** Valid events by kind (every kind listed, 0 included): `conversation`, `user-presence`, …, `generic`. */
  byKind: Record<EventKind, number>;
  /** Valid events by generic topic (`detail-type`), most frequent first. */
  byTopic: Record<string, number>;
  /** Distinct conversation ids among the valid conversation events. */
  conversations: number;
  /** Valid events whose idempotency key equals an earlier line's (re-deliveries). */
  duplicates: number;
  /** The first few duplicates. */
  duplicateExamples: DuplicateLine[];
  /** `source` values seen on lines that are JSON objects (valid or not), most frequent first; at most 20 distinct. */
  sources: Record<string, number>;
  /** `detail-type` values that are not Genesys topic names, seen on invalid lines (e.g. "Conversation Updated"); at most 20 distinct. */
  unexpectedDetailTypes: Record<string, number>;
  /** Earliest and latest time of the valid events (epoch ms; `eventBody.eventTime` for conversation events, see `GenesysEvent.time`). */
  eventTimeRange?: { first: number; last: number };
  /** Invalid lines by reason (the first problem of each, without the offending value), most frequent first. */
  invalidByReason: Record<string, number>;
  /** The first `maxListed` invalid lines. */
  invalidLines: InvalidLine[];
  /** Advice derived from what was found (empty when there is nothing to say). */
  hints: string[];
}

const MAX_DISTINCT = 20;
const MAX_DUPLICATE_EXAMPLES = 10;

/**
 * Validates every line and summarizes the file.
 *
 * @example
 * const report = await inspectLines(readline.createInterface({ input: createReadStream(file) }));
 * if (report.invalid > 0) process.exitCode = 1;
 */
export async function inspectLines(
  lines: AsyncIterable<string> | Iterable<string>,
  options: InspectOptions = {},
): Promise<InspectionReport> {
  const maxListed = options.maxListed ?? 50;
  const keys = new FingerprintSet(1 << 16);
  const conversations = new FingerprintSet(1 << 12);
  const byTopic = new Map<string, number>();
  const sources = new Map<string, number>();
  const unexpectedDetailTypes = new Map<string, number>();
  const invalidByReason = new Map<string, number>();
  const report: InspectionReport = {
    lines: 0,
    blankLines: 0,
    valid: 0,
    invalid: 0,
    conversationEvents: 0,
    otherEvents: 0,
    byKind: Object.fromEntries(EVENT_KINDS.map((kind) => [kind, 0])) as Record<EventKind, number>,
    byTopic: {},
    conversations: 0,
    duplicates: 0,
    duplicateExamples: [],
    sources: {},
    unexpectedDetailTypes: {},
    invalidByReason: {},
    invalidLines: [],
    hints: [],
  };
  const clues = { prefixedJson: 0, tutorialShape: 0, notPartnerSource: 0, oversized: 0, detailAsString: 0, arrays: 0 };
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;

  for await (const raw of lines) {
    report.lines += 1;
    const lineNumber = report.lines;
    if (options.onProgress && lineNumber % 1_024 === 0)
      options.onProgress({ lines: lineNumber, valid: report.valid, invalid: report.invalid });
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') {
      report.blankLines += 1;
      continue;
    }
    const result = parseGenesysEvent(line);
    if (result.ok) {
      const { event } = result;
      report.valid += 1;
      count(sources, event.envelope.source, MAX_DISTINCT);
      count(byTopic, event.genericTopic, Number.POSITIVE_INFINITY);
      const [high, low] = hexFingerprint(event.key);
      const firstLine = keys.add(high, low, lineNumber);
      if (firstLine !== undefined) {
        report.duplicates += 1;
        if (report.duplicateExamples.length < MAX_DUPLICATE_EXAMPLES) {
          report.duplicateExamples.push({
            line: lineNumber,
            firstLine,
            topic: event.genericTopic,
            ...(event.kind === 'conversation' ? { conversationId: event.conversationId } : {}),
          });
        }
      }
      report.byKind[event.kind] += 1;
      if (event.time < first) first = event.time;
      if (event.time > last) last = event.time;
      if (event.kind === 'conversation') {
        report.conversationEvents += 1;
        const [ch, cl] = stringFingerprint(event.conversationId);
        conversations.add(ch, cl, lineNumber);
      } else {
        report.otherEvents += 1;
      }
      continue;
    }

    report.invalid += 1;
    const problems = result.problems;
    count(invalidByReason, reasonOf(problems[0]!), Number.POSITIVE_INFINITY);
    if (report.invalidLines.length < maxListed) {
      report.invalidLines.push({
        line: lineNumber,
        problems,
        excerpt: line.length > 120 ? `${line.slice(0, 117)}...` : line,
      });
    }
    noteClues(line, problems, clues, sources, unexpectedDetailTypes);
  }

  report.byTopic = sorted(byTopic);
  report.sources = sorted(sources);
  report.unexpectedDetailTypes = sorted(unexpectedDetailTypes);
  report.invalidByReason = sorted(invalidByReason);
  report.conversations = conversations.size;
  if (first <= last) report.eventTimeRange = { first, last };
  report.hints = hintsFor(report, clues);
  return report;
}

type Clues = {
  prefixedJson: number;
  tutorialShape: number;
  notPartnerSource: number;
  oversized: number;
  detailAsString: number;
  arrays: number;
};

/** Looks at an invalid line for the common causes the hints explain. */
function noteClues(
  line: string,
  problems: EventProblem[],
  clues: Clues,
  sources: Map<string, number>,
  detailTypes: Map<string, number>,
): void {
  const first = problems[0]!;
  if (first.path === '$' && first.found.startsWith('invalid JSON')) {
    const brace = line.indexOf('{');
    if (brace > 0 && /^\s*\S/.test(line.slice(0, brace))) clues.prefixedJson += 1;
    return;
  }
  if (first.path === '$' && first.found.endsWith('bytes')) {
    clues.oversized += 1;
    return;
  }
  if (first.path === '$' && first.found.startsWith('array')) {
    clues.arrays += 1;
    return;
  }
  if (Buffer.byteLength(line) > MAX_EVENT_BYTES) return;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const event = value as Record<string, unknown>;
  if (typeof event.source === 'string') {
    count(sources, event.source, MAX_DISTINCT);
    if (!event.source.startsWith('aws.partner/genesys.com/cloud/')) clues.notPartnerSource += 1;
  }
  if (typeof event['detail-type'] === 'string' && !/^v2\.[A-Za-z0-9_{}.-]+$/.test(event['detail-type']))
    count(detailTypes, event['detail-type'], MAX_DISTINCT);
  if (
    event.source === 'genesys.cloud' ||
    event['detail-type'] === 'Conversation Updated' ||
    event['detail-type'] === 'Interaction Updated'
  )
    clues.tutorialShape += 1;
  if (typeof event.detail === 'string') clues.detailAsString += 1;
}

function hintsFor(report: InspectionReport, clues: Clues): string[] {
  const hints: string[] = [];
  if (clues.prefixedJson > 0) {
    hints.push(
      `${clues.prefixedJson} line(s) have text before the JSON object (e.g. a timestamp from a CloudWatch Logs export). Keep only the event JSON, one per line (for a log group: the "message" field).`,
    );
  }
  if (clues.tutorialShape > 0) {
    hints.push(
      `${clues.tutorialShape} line(s) look like the original tutorial's imagined event (source "genesys.cloud", detail-type "Conversation Updated"). Genesys sends source "aws.partner/genesys.com/cloud/<orgId>/<suffix>" and detail-type the generic topic, e.g. "v2.detail.events.conversation.{id}.customer.end"; match those in rules.`,
    );
  } else if (clues.notPartnerSource > 0) {
    hints.push(
      `${clues.notPartnerSource} line(s) have a source that is not a Genesys partner event source ("aws.partner/genesys.com/cloud/<orgId>/<suffix>"); events from other sources are not Genesys events.`,
    );
  }
  if (clues.detailAsString > 0) {
    hints.push(
      `${clues.detailAsString} line(s) carry "detail" as a JSON string (encoded twice); write the detail object itself.`,
    );
  }
  if (clues.arrays > 0)
    hints.push(`${clues.arrays} line(s) are JSON arrays; write one event object per line (NDJSON), not a batch.`);
  if (clues.oversized > 0) {
    hints.push(
      `${clues.oversized} line(s) exceed 256 KiB, the most the pipeline takes per event (the Step Functions payload limit; EventBridge itself carries up to 1 MB since January 2026). Look at what made them this large (e.g. participant data copied into attributes).`,
    );
  }
  if (report.duplicates > 0) {
    hints.push(
      `${report.duplicates} event(s) repeat an earlier line's event (same topic and body, so the same idempotency key): at-least-once re-deliveries. The pipeline processes each once.`,
    );
  }
  return hints;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** The category of a problem: where and what was expected, without the offending value or ids. */
function reasonOf(problem: EventProblem): string {
  const expected = problem.expected.replace(/"v2\.[^"]*"/g, '"<detail-type>"').replace(UUID, '<id>');
  const what = problem.found === 'missing' ? 'missing' : `expected ${expected}`;
  if (problem.path !== '$') return `${problem.path}: ${what}`;
  const found = problem.found.startsWith('invalid JSON')
    ? 'invalid JSON'
    : problem.found.replace(/\s*\(.*\)$/, '').replace(/^\d+ bytes$/, 'too large');
  return `$: ${what}, found ${found}`;
}

function count(map: Map<string, number>, key: string, maxDistinct: number): void {
  const n = map.get(key);
  if (n !== undefined) map.set(key, n + 1);
  else if (map.size < maxDistinct) map.set(key, 1);
}

function sorted(map: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...map.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}
