/**
 * `genesys-pipeline inspect FILE.ndjson`: validates every line of a file of EventBridge events
 * (simulated, or captured from CloudWatch when a rule does not match) and summarizes it. Exit
 * status 1 when any line is invalid.
 */
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { inspectLines } from '../../simulate/index.js';
import type { InspectionProgress, InspectionReport } from '../../simulate/index.js';
import { CliError } from '../errors.js';
import { parseInteger } from '../options.js';
import { startProgress } from '../progress.js';

interface InspectCommandOptions {
  json?: boolean;
  maxListed: number;
  quiet?: boolean;
}

export function register(program: Command): void {
  program
    .command('inspect')
    .description(
      'Validate a file of EventBridge events (NDJSON, one event per line), every family with its schema, and summarize it: events by kind and topic, conversations, duplicates, invalid lines with reasons',
    )
    .argument('<file>', 'NDJSON file, - for stdin')
    .option('--json', 'print the summary as JSON')
    .option('--max-listed <n>', 'list at most this many invalid lines', parseInteger(0), 50)
    .option('--quiet', 'no progress line on stderr')
    .addHelpText(
      'after',
      `
Exit status: 0 when every line is a valid Genesys event, 1 when any line is invalid, 2 when the file cannot be read.

Examples:
  genesys-pipeline inspect events.ndjson
  genesys-pipeline simulate --conversations 100 --malformed 0.05 | genesys-pipeline inspect -
  genesys-pipeline inspect captured.ndjson --json | jq .invalidByReason`,
    )
    .action(async (file: string, options: InspectCommandOptions) => {
      const started = performance.now();
      let input: Readable;
      let close = async () => {};
      /** Bytes read so far and the file's size, for a file (not stdin). */
      let bytes: { read: () => number; total: number } | undefined;
      if (file === '-') {
        input = process.stdin;
      } else {
        let handle;
        try {
          handle = await open(file, 'r');
          const stream = handle.createReadStream();
          bytes = { read: () => stream.bytesRead, total: (await handle.stat()).size };
          input = stream;
        } catch (error) {
          await handle?.close().catch(() => {});
          throw new CliError(`Cannot read ${file}: ${(error as Error).message}`, 2);
        }
        const opened = handle;
        close = () => opened.close().catch(() => {});
      }
      const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
      let counts: InspectionProgress = { lines: 0, valid: 0, invalid: 0 };
      const progress = startProgress({
        label: `Inspecting ${file === '-' ? 'stdin' : file}`,
        ...(bytes ? { unit: 'bytes', countUnit: 'lines' } : { unit: 'lines' }),
        acceptedLabel: 'valid',
        rejectedLabel: 'invalid',
        quiet: options.quiet,
        read: () => ({
          ...(bytes ? { done: bytes.read(), total: bytes.total, count: counts.lines } : { done: counts.lines }),
          accepted: counts.valid,
          rejected: counts.invalid,
        }),
      });
      let report: InspectionReport;
      try {
        report = await inspectLines(lines, {
          maxListed: options.maxListed,
          onProgress: progress.active ? (p) => (counts = p) : undefined,
        });
      } catch (error) {
        throw new CliError(`Cannot read ${file === '-' ? 'stdin' : file}: ${(error as Error).message}`, 2);
      } finally {
        lines.close();
        await close();
        progress.stop();
      }
      const seconds = (performance.now() - started) / 1000;
      process.stdout.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE') process.stderr.write(`Cannot write to stdout: ${error.message}\n`);
      });
      process.stdout.write(
        options.json
          ? `${JSON.stringify({ file, seconds, ...report }, null, 2)}\n`
          : formatReport(file, report, seconds),
      );
      if (report.invalid > 0) process.exitCode = 1;
    });
}

const n = (value: number) => value.toLocaleString('en-US');
const pct = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)} %` : '-');

/** The human-readable summary. */
function formatReport(file: string, r: InspectionReport, seconds: number): string {
  const out: string[] = [];
  const events = r.lines - r.blankLines;
  out.push(`${file === '-' ? 'stdin' : file}: ${n(r.lines)} lines read in ${seconds.toFixed(2)} s`);
  out.push('');
  out.push(`  valid events    ${n(r.valid).padStart(12)}  ${pct(r.valid, events)}`);
  out.push(
    `    conversation  ${n(r.conversationEvents).padStart(12)}  in ${n(r.conversations)} conversation${r.conversations === 1 ? '' : 's'}`,
  );
  for (const [kind, count] of Object.entries(r.byKind)) {
    if (kind === 'conversation' || count === 0) continue;
    out.push(`    ${kind.padEnd(19)}${n(count).padStart(7)}`);
  }
  out.push(`    duplicates    ${n(r.duplicates).padStart(12)}  (same idempotency key as an earlier line)`);
  out.push(`  invalid lines   ${n(r.invalid).padStart(12)}  ${pct(r.invalid, events)}`);
  if (r.blankLines) out.push(`  blank lines     ${n(r.blankLines).padStart(12)}  (ignored)`);
  if (r.eventTimeRange) {
    out.push('');
    out.push(
      `  eventTime from ${new Date(r.eventTimeRange.first).toISOString()} to ${new Date(r.eventTimeRange.last).toISOString()}`,
    );
  }

  const topics = Object.entries(r.byTopic);
  if (topics.length) {
    out.push('', 'Events by topic (detail-type):');
    const width = Math.max(...topics.map(([t]) => t.length));
    for (const [topic, count] of topics) out.push(`  ${topic.padEnd(width)}  ${n(count).padStart(10)}`);
  }
  const sources = Object.entries(r.sources);
  if (sources.length) {
    out.push('', 'Sources (what an EventBridge rule must match):');
    for (const [source, count] of sources) out.push(`  ${source}  ${n(count)}`);
  }
  const detailTypes = Object.entries(r.unexpectedDetailTypes);
  if (detailTypes.length) {
    out.push('', 'detail-type values that are not Genesys topics (on invalid lines):');
    for (const [detailType, count] of detailTypes) out.push(`  ${detailType}  ${n(count)}`);
  }
  if (r.invalid > 0) {
    out.push('', 'Invalid lines by reason:');
    for (const [reason, count] of Object.entries(r.invalidByReason)) out.push(`  ${n(count).padStart(8)}  ${reason}`);
    out.push(
      '',
      `Invalid lines${r.invalid > r.invalidLines.length ? ` (first ${n(r.invalidLines.length)} of ${n(r.invalid)})` : ''}:`,
    );
    for (const line of r.invalidLines) {
      out.push(`  line ${line.line}: ${line.problems[0]!.message}`);
      for (const p of line.problems.slice(1, 4)) out.push(`    also ${p.message}`);
      if (line.problems.length > 4) out.push(`    … and ${line.problems.length - 4} more problems`);
      out.push(`    ${line.excerpt}`);
    }
    if (r.invalid > r.invalidLines.length)
      out.push(`  … and ${n(r.invalid - r.invalidLines.length)} more invalid lines (--max-listed to see more).`);
  }
  if (r.duplicateExamples.length) {
    out.push(
      '',
      `Duplicates${r.duplicates > r.duplicateExamples.length ? ` (first ${r.duplicateExamples.length} of ${n(r.duplicates)})` : ''}:`,
    );
    for (const d of r.duplicateExamples) {
      out.push(
        `  line ${d.line} repeats line ${d.firstLine} (${d.topic}${d.conversationId ? `, conversation ${d.conversationId}` : ''})`,
      );
    }
  }
  if (r.hints.length) {
    out.push('', 'Hints:');
    for (const hint of r.hints) out.push(`  - ${hint}`);
  }
  out.push('', r.invalid > 0 ? `${n(r.invalid)} invalid line(s).` : 'Every line is a valid Genesys event.');
  return `${out.join('\n')}\n`;
}
