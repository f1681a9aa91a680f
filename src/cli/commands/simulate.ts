/**
 * `genesys-pipeline simulate`: realistic Genesys Cloud conversation events as EventBridge
 * envelopes (NDJSON), written to a file or stdout, or sent to a PutEvents endpoint (`--to`).
 */
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { validateTopics } from '../../events/index.js';
import {
  SIMULATED_FAMILIES,
  SIMULATED_MEDIA,
  SIMULATION_DEFAULTS,
  SendError,
  SimulationOptionsError,
  generateAnnotatedEvents,
  resolveSimulationOptions,
  sendEvents,
  writeNdjson,
} from '../../simulate/index.js';
import type {
  SendFailure,
  SendSummary,
  SimulatedFamily,
  SimulatedFault,
  SimulatedMedia,
  SimulationOptions,
} from '../../simulate/index.js';
import { partnerEventSourceName } from '../../genesys/index.js';
import { CliError } from '../errors.js';
import { parseFraction, parseInteger, parseNumber } from '../options.js';
import { startProgress } from '../progress.js';
import type { Progress } from '../progress.js';
import { kindOfTopic } from '../../events/topics.js';

interface SimulateCommandOptions {
  conversations: number;
  seed: number;
  rate: number;
  duplicates: number;
  outOfOrder: number;
  malformed: number;
  oversized: number;
  orgId: string;
  suffix: string;
  account: string;
  region: string;
  startTime?: number;
  arrivalRate: number;
  mediaMix?: Partial<Record<SimulatedMedia, number>>;
  topics?: SimulatedFamily[][];
  out: string;
  to?: string;
  quiet?: boolean;
}

export function register(program: Command): void {
  const d = SIMULATION_DEFAULTS;
  program
    .command('simulate')
    .description(
      'Write realistic Genesys Cloud conversation events (EventBridge envelopes, one per line) or send them to a PutEvents endpoint',
    )
    .requiredOption('--conversations <n>', 'number of conversations to simulate', parseInteger(0))
    .option('--seed <n>', 'seed: the same seed and options give byte-identical output', parseInteger(0), d.seed)
    .option(
      '--rate <events/s>',
      'pace the output to this many events per second (0: as fast as possible)',
      parseNumber(0),
      0,
    )
    .option(
      '--duplicates <fraction>',
      'fraction of events delivered twice (same detail, new envelope id and time)',
      parseFraction,
      0,
    )
    .option('--out-of-order <fraction>', 'fraction of events delivered late, after later events', parseFraction, 0)
    .option(
      '--malformed <fraction>',
      'fraction of events followed by a malformed line (rejected by validation)',
      parseFraction,
      0,
    )
    .option('--oversized <fraction>', 'fraction of events followed by an event over 256 KiB', parseFraction, 0)
    .option('--org-id <id>', 'Genesys organization id (in the partner event source name)', d.orgId)
    .option('--suffix <name>', 'event source suffix of the EventBridge integration', d.suffix)
    .option('--account <id>', 'AWS account id in the envelope', d.account)
    .option('--region <region>', 'AWS region in the envelope (and for signing with --to)', d.region)
    .option(
      '--start-time <iso>',
      `arrival of the first conversation, ISO 8601 (default ${new Date(d.startTime).toISOString()})`,
      parseIsoTime,
    )
    .option(
      '--arrival-rate <conversations/s>',
      'mean conversation arrivals per second of simulated time',
      parseNumber(Number.MIN_VALUE),
      d.arrivalRatePerSecond,
    )
    .option(
      '--media-mix <weights>',
      `relative weights, e.g. voice=3,chat=1 (media: ${SIMULATED_MEDIA.join(', ')}; unlisted media are not simulated)`,
      parseMediaMix,
    )
    .option(
      '--topics <families...>',
      `the families to write (comma- or space-separated): ${SIMULATED_FAMILIES.join(', ')}, or all (default); their topic names work too (v2.users.{id}.presence, acd.end, …)`,
      parseFamilies,
    )
    .option('--out <file>', 'output file, - for stdout', '-')
    .option(
      '--to <url>',
      'send the events to this EventBridge PutEvents endpoint (e.g. the local pipeline) instead of writing them',
    )
    .option('--quiet', 'no progress line and no summary on stderr')
    .addHelpText(
      'after',
      `
Examples:
  genesys-pipeline simulate --conversations 10000 --seed 1 --out events.ndjson
  genesys-pipeline simulate --conversations 500 --duplicates 0.02 --out-of-order 0.05 --malformed 0.01 --out - | head
  genesys-pipeline simulate --conversations 1000 --rate 200 --to http://127.0.0.1:4010
  genesys-pipeline simulate --conversations 200 --topics user-presence,user-routing-status,audit --out agents.ndjson

Conversations are simulated whatever --topics says: agents' states, audits and transcripts follow them.
Fault fractions are of clean events: --duplicates 0.05 adds about 5 re-deliveries per 100 events;
--malformed and --oversized derive broken lines from conversation events only.
See docs/simulator.md.`,
    )
    .action(async (options: SimulateCommandOptions, command: Command) => {
      if (options.to !== undefined && command.getOptionValueSource('out') === 'cli') {
        throw new CliError('Give either --out (write NDJSON) or --to (send to an endpoint), not both.', 2);
      }
      const simulation: SimulationOptions = {
        conversations: options.conversations,
        seed: options.seed,
        arrivalRatePerSecond: options.arrivalRate,
        orgId: options.orgId,
        suffix: options.suffix,
        account: options.account,
        region: options.region,
        duplicates: options.duplicates,
        outOfOrder: options.outOfOrder,
        malformed: options.malformed,
        oversized: options.oversized,
        ...(options.startTime !== undefined ? { startTime: options.startTime } : {}),
        ...(options.mediaMix ? { mediaMix: options.mediaMix } : {}),
        families: options.topics ? [...new Set(options.topics.flat())] : SIMULATED_FAMILIES,
      };
      try {
        resolveSimulationOptions(simulation);
      } catch (error) {
        if (error instanceof SimulationOptionsError) throw new CliError(error.message, 2);
        throw error;
      }
      if (options.to !== undefined) await send(simulation, options);
      else await write(simulation, options);
    });
}

/** Counts the generated lines by fault, as they go by. */
class Tally {
  readonly byFault: Record<SimulatedFault | 'clean', number> = {
    clean: 0,
    duplicate: 0,
    'out-of-order': 0,
    malformed: 0,
    oversized: 0,
  };
  /** Line numbers of the lines meant to be rejected (malformed, oversized). */
  readonly rejectable = new Set<number>();
  /** Lines generated so far. */
  count = 0;
  /** Conversations whose every event was generated. */
  conversationsDone = 0;

  /** The simulation's lines, counted. */
  *lines(simulation: SimulationOptions): Generator<string> {
    for (const item of generateAnnotatedEvents(simulation)) {
      this.count += 1;
      this.byFault[item.fault ?? 'clean'] += 1;
      if (item.fault === 'malformed' || item.fault === 'oversized') this.rejectable.add(this.count);
      if (item.lastOfConversation) this.conversationsDone += 1;
      yield item.line;
    }
  }

  describe(): string {
    const f = this.byFault;
    const faults = (['duplicate', 'out-of-order', 'malformed', 'oversized'] as const)
      .filter((k) => f[k] > 0)
      .map((k) => `${f[k].toLocaleString('en-US')} ${k}`);
    return faults.length ? ` (faults: ${faults.join(', ')})` : '';
  }
}

async function write(simulation: SimulationOptions, options: SimulateCommandOptions): Promise<void> {
  const toStdout = options.out === '-';
  // A reader that goes away (`| head`) is normal for stdout: stop writing, no stack trace.
  if (toStdout) process.stdout.on('error', ignoreClosedPipe);
  const out: Writable = toStdout ? process.stdout : createWriteStream(options.out);
  if (!toStdout) {
    await new Promise<void>((resolve, reject) => {
      out.once('open', () => resolve());
      out.once('error', (error: NodeJS.ErrnoException) =>
        reject(new CliError(`Cannot write ${options.out}: ${error.message}`, 2)),
      );
    });
  }
  const tally = new Tally();
  const started = performance.now();
  const progress = startProgress({
    label: 'Writing',
    unit: 'conversations',
    countUnit: 'events',
    // Events written to the terminal itself would scroll through the line.
    quiet: options.quiet || (toStdout && process.stdout.isTTY),
    read: () => ({ done: tally.conversationsDone, total: simulation.conversations, count: tally.count }),
  });
  let result: Awaited<ReturnType<typeof writeNdjson>>;
  try {
    result = await writeNdjson(tally.lines(simulation), out, { rate: options.rate });
    if (!toStdout) {
      await new Promise<void>((resolve, reject) => {
        out.once('error', (error: Error) => reject(new CliError(`Cannot write ${options.out}: ${error.message}`, 2)));
        out.end(() => resolve());
      });
    }
  } finally {
    progress.stop();
  }
  if (options.quiet) return;
  const seconds = (performance.now() - started) / 1000;
  const where = toStdout ? 'stdout' : options.out;
  const rate = seconds > 0 ? Math.round(result.lines / seconds).toLocaleString('en-US') : '-';
  process.stderr.write(
    `${result.closedEarly ? 'Stopped (reader closed) after' : 'Wrote'} ${result.lines.toLocaleString('en-US')} events of ${simulation.conversations.toLocaleString('en-US')} conversations${tally.describe()} to ${where} in ${seconds.toFixed(2)} s (${rate} events/s).\n`,
  );
}

async function send(simulation: SimulationOptions, options: SimulateCommandOptions): Promise<void> {
  const tally = new Tally();
  const eventBusName = partnerEventSourceName(options.orgId, options.suffix);
  const unexpected: SendFailure[] = [];
  const sent = { accepted: 0, failed: 0 };
  const progress: Progress = startProgress({
    label: 'Sending',
    unit: 'conversations',
    countUnit: 'events',
    quiet: options.quiet,
    read: () => ({
      done: tally.conversationsDone,
      total: simulation.conversations,
      count: sent.accepted + sent.failed,
      accepted: sent.accepted,
      rejected: sent.failed,
    }),
  });
  let summary: SendSummary;
  try {
    summary = await sendEvents(tally.lines(simulation), {
      endpoint: options.to!,
      rate: options.rate,
      region: options.region,
      eventBusName,
      onFailure: (failure) => {
        if (!tally.rejectable.has(failure.line)) unexpected.push(failure);
      },
      onProgress: (p) => {
        sent.accepted = p.accepted;
        sent.failed = p.failed;
      },
    });
  } catch (error) {
    if (error instanceof SendError) throw new CliError(error.message, 2);
    throw error;
  } finally {
    progress.stop();
  }
  const unexpectedCount = unexpected.length;
  if (!options.quiet) {
    const lines = [
      `Sent ${summary.lines.toLocaleString('en-US')} events of ${simulation.conversations.toLocaleString('en-US')} conversations${tally.describe()} to ${summary.endpoint} (bus ${eventBusName}) in ${summary.seconds.toFixed(2)} s: ${summary.accepted.toLocaleString('en-US')} accepted, ${summary.failed.toLocaleString('en-US')} rejected, ${summary.requests.toLocaleString('en-US')} PutEvents calls.`,
    ];
    const codes = Object.entries(summary.failuresByCode);
    if (codes.length) lines.push(`Rejected by error code: ${codes.map(([code, n]) => `${code} ${n}`).join(', ')}.`);
    if (summary.failed > 0 && unexpectedCount === 0)
      lines.push('Every rejected entry is an injected malformed or oversized line, as intended.');
    for (const f of unexpected.slice(0, 10))
      lines.push(`  line ${f.line}: ${f.errorCode}: ${f.errorMessage}${f.note ? ` (${f.note})` : ''}`);
    if (summary.failuresByCode.NotAuthorizedForSourceException) {
      lines.push(
        'Amazon EventBridge refuses PutEvents with an "aws." source: only Genesys can put events from its partner event source. Send simulated events to the local pipeline, or use your own --to endpoint that accepts them.',
      );
    }
    process.stderr.write(`${lines.join('\n')}\n`);
  }
  if (unexpectedCount > 0)
    throw new CliError(
      `${unexpectedCount} event(s) that should have been accepted were rejected by ${summary.endpoint}.`,
      1,
    );
}

function ignoreClosedPipe(error: NodeJS.ErrnoException): void {
  if (error.code === 'EPIPE') return;
  process.stderr.write(`Cannot write to stdout: ${error.message}\n`);
  process.exitCode = 2;
}

function parseIsoTime(value: string): number {
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms))
    throw new InvalidArgumentError(`expected an ISO 8601 date-time such as 2026-01-01T12:00:00Z, got "${value}"`);
  return ms;
}

/**
 * One `--topics` value (repeatable; comma-separated): families, `all`, or topic names of a typed
 * family (validated by the topic catalogue, then mapped to their family).
 */
function parseFamilies(value: string, previous: SimulatedFamily[][] = []): SimulatedFamily[][] {
  const families: SimulatedFamily[] = [];
  for (const name of value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean)) {
    if (name === 'all') {
      families.push(...SIMULATED_FAMILIES);
      continue;
    }
    const checked = validateTopics([name]);
    if (!checked.ok) throw new InvalidArgumentError(checked.problems.map((p) => p.message).join(' '));
    for (const topic of checked.topics) {
      const kind = kindOfTopic(topic);
      if (kind === 'generic')
        throw new InvalidArgumentError(
          `the simulator writes the typed families only (${SIMULATED_FAMILIES.join(', ')}); "${name}" has no typed model.`,
        );
      families.push(kind);
    }
  }
  if (families.length === 0)
    throw new InvalidArgumentError(`name at least one family: ${SIMULATED_FAMILIES.join(', ')}, or all.`);
  return [...previous, families];
}

function parseMediaMix(value: string): Partial<Record<SimulatedMedia, number>> {
  const mix: Partial<Record<SimulatedMedia, number>> = {};
  for (const part of value.split(',')) {
    const [name, weight] = part.split('=').map((s) => s.trim());
    if (!name || !(SIMULATED_MEDIA as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(
        `unknown media "${name ?? ''}" in "${value}"; use ${SIMULATED_MEDIA.join(', ')}, e.g. voice=3,chat=1`,
      );
    }
    const n = weight === undefined ? 1 : Number(weight);
    if (!Number.isFinite(n) || n < 0)
      throw new InvalidArgumentError(`weight of ${name} must be a number ≥ 0, got "${weight}"`);
    mix[name as SimulatedMedia] = n;
  }
  return mix;
}
