/**
 * `genesys-pipeline dlq list|show|redrive`: every dead letter of the local pipeline in one view —
 * invalid events, processing failures, the event queue's DLQ, the rule target's DLQ, events the
 * bus dropped — each with its reason, and the way back into the pipeline.
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { AdminError, DEAD_LETTER_KINDS, withPipelineAdmin } from '../../runtime/index.js';
import type { AdminApi, AdminProgress, DeadLetterKind, DeadLetterSummary } from '../../runtime/index.js';
import { loadSinkModules } from '../../runtime/sink-modules.js';
import type { SinkModuleSource } from '../../runtime/sink-modules.js';
import { sinkModuleOptions } from '../sink-options.js';
import type { Sink } from '../../processing/index.js';
import { CliError } from '../errors.js';
import { parseInteger } from '../options.js';
import { startProgress } from '../progress.js';
import type { ProgressOptions } from '../progress.js';

interface CommonOptions {
  dataDir: string;
  token?: string;
  json?: boolean;
  /** Sink modules to load when the pipeline is opened directly (not running). */
  sinkModules?: readonly SinkModuleSource[];
}

const KIND_HELP =
  'invalid (failed validation), failed (processing failed for good), queue (event queue DLQ after maxReceiveCount), target (rule target DLQ), dropped (bus dropped it)';

export function register(program: Command): void {
  const dlq = program
    .command('dlq')
    .description('List, show and redrive the dead letters of the local pipeline (genesys-pipeline run)')
    .addHelpText(
      'after',
      `
Kinds: ${KIND_HELP}.
While "genesys-pipeline run" holds the data directory, these commands go through its admin
endpoint (give --token if it has one); otherwise they open the database directly. See docs/runtime.md.`,
    );
  const common = (c: Command): Command =>
    c
      .option('--data-dir <dir>', 'the pipeline’s data directory', '.pipeline')
      .option('--token <token>', 'the running runtime’s token (default: $GENESYS_PIPELINE_TOKEN)');

  common(dlq.command('list').description('List dead letters with their reason'))
    .addOption(new Option('--kind <kind...>', 'only these kinds').choices([...DEAD_LETTER_KINDS]))
    .option('--limit <n>', 'at most this many per kind', parseInteger(1), 100)
    .option('--json', 'print JSON')
    .action(async (options: CommonOptions & { kind?: DeadLetterKind[]; limit: number }) => {
      const listing = await run(options, (api) =>
        api.listDeadLetters({ ...(options.kind ? { kinds: options.kind } : {}), limit: options.limit }),
      );
      if (options.json) return void process.stdout.write(`${JSON.stringify(listing, null, 2)}\n`);
      const counts = Object.entries(listing.counts)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ');
      process.stdout.write(`Dead letters: ${counts}.\n`);
      for (const d of listing.deadLetters) process.stdout.write(formatSummary(d));
      if (listing.deadLetters.length === 0) process.stdout.write('None.\n');
    });

  common(
    dlq
      .command('show')
      .description('Show one dead letter with its reason and the event')
      .argument('<id>', 'the id "dlq list" prints, e.g. failed/process#…'),
  )
    .option('--json', 'print JSON')
    .action(async (id: string, options: CommonOptions) => {
      const detail = await run(options, (api) => api.showDeadLetter(id));
      if (options.json) return void process.stdout.write(`${JSON.stringify(detail, null, 2)}\n`);
      process.stdout.write(formatSummary(detail));
      process.stdout.write(`details: ${JSON.stringify({ ...detail.details, body: undefined }, null, 2)}\n`);
      let body = detail.body;
      try {
        body = JSON.stringify(JSON.parse(detail.body), null, 2);
      } catch {
        // not JSON: print as stored
      }
      process.stdout.write(`event:\n${body}\n`);
    });

  const redrive = common(
    dlq
      .command('redrive')
      .description('Put dead letters back into the pipeline (all redrivable ones, or the ids given)')
      .argument('[ids...]', 'ids from "dlq list"; default all'),
  );
  const sinkModules = sinkModuleOptions(
    redrive,
    '--sink-module',
    'when the pipeline is not running: a sink module of yours (as given to "run --sink"), so that its dead letters can be redriven to it; repeatable',
  );
  redrive
    .addOption(new Option('--kind <kind...>', 'only these kinds').choices([...DEAD_LETTER_KINDS]))
    .option('--include-invalid', 'also redrive invalid events (unchanged, they fail validation again and come back)')
    .option('--sink <name>', 'only the dead letters of this sink, each given to that sink alone')
    .option('--json', 'print JSON')
    .option('--quiet', 'no progress line on stderr')
    .addHelpText(
      'after',
      `
Redrivable: failed (processed again: a failure is never stored as an idempotency result), queue
(back to the event queue), target (back to the rule's target), invalid only with --include-invalid
(unchanged they fail validation again and return to the dead letters with the same id). Dropped
events are not redriven: unchanged they would be dropped again — fix the sender or the rule.
A dead letter of one sink (failed/process#<key>@<sink>: that sink gave up, the others processed
the event) is given to that sink alone; --sink NAME redrives only those of NAME. The sink must be
loaded: redrive through "genesys-pipeline run --sink …", or give --sink-module when it is not running.`,
    )
    .action(
      async (
        ids: string[],
        options: CommonOptions & { kind?: DeadLetterKind[]; includeInvalid?: boolean; quiet?: boolean; sink?: string },
      ) => {
        const result = await withAdminProgress(
          { label: 'Redriving', unit: 'dead letters', acceptedLabel: 'redriven', rejectedLabel: 'skipped' },
          { ...options, sinkModules },
          (api, onProgress) =>
            api.redrive(
              {
                ...(ids.length ? { ids } : {}),
                ...(options.kind ? { kinds: options.kind } : {}),
                ...(options.includeInvalid ? { includeInvalid: true } : {}),
                ...(options.sink !== undefined ? { sink: options.sink } : {}),
              },
              { onProgress },
            ),
        );
        if (options.json) return void process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        process.stdout.write(
          `Redrove ${result.redriven.length} dead letter(s)${result.skipped.length ? `, skipped ${result.skipped.length}` : ''}.\n`,
        );
        for (const r of result.redriven)
          process.stdout.write(
            `  ${r.id} → ${r.to === 'queue' ? 'event queue' : r.to === 'sink' ? 'its sink (processed)' : 'bus (rule target)'}\n`,
          );
        for (const s of result.skipped) process.stdout.write(`  skipped ${s.id}: ${s.reason}\n`);
      },
    );
}

function formatSummary(d: DeadLetterSummary): string {
  const where = [d.topic, d.conversationId ? `conversation ${d.conversationId}` : undefined].filter(Boolean).join(', ');
  return `${d.id}\n  ${d.kind}${d.sink !== undefined ? ` in sink ${d.sink}` : ''} at ${d.at}${where ? ` — ${where}` : ''}${d.redrivable ? '' : ' (not redrivable)'}\n  ${d.reason}\n`;
}

/**
 * Runs a long admin action (redrive, replay) with a progress line on stderr (see `progress.ts`;
 * none off a terminal or with `--quiet`).
 */
export async function withAdminProgress<T>(
  line: Omit<ProgressOptions, 'read' | 'quiet'>,
  options: CommonOptions & { quiet?: boolean },
  fn: (api: AdminApi, onProgress: (progress: AdminProgress) => void) => Promise<T>,
): Promise<T> {
  let state: AdminProgress | undefined;
  const progress = startProgress({
    ...line,
    quiet: options.quiet,
    read: () => state ?? { done: 0 },
  });
  try {
    // Drawn as each state arrives (the runtime sends at most one per 100 ms, and
    // the last before the result), so the line shows the final count however short the action.
    return await run(options, (api) =>
      fn(api, (p) => {
        state = p;
        progress.render();
      }),
    );
  } finally {
    progress.stop();
  }
}

/** Runs an admin action on the pipeline of `--data-dir`, turning expected failures into CLI errors. */
export async function run<T>(options: CommonOptions, fn: Parameters<typeof withPipelineAdmin<T>>[2]): Promise<T> {
  const token = options.token ?? (process.env.GENESYS_PIPELINE_TOKEN || undefined);
  try {
    const sinks: Sink[] | undefined = options.sinkModules?.length
      ? await loadSinkModules(options.sinkModules)
      : undefined;
    return await withPipelineAdmin(
      resolve(options.dataDir),
      { ...(token !== undefined ? { token } : {}), ...(sinks ? { sinks } : {}) },
      fn,
    );
  } catch (error) {
    if (error instanceof AdminError) throw new CliError(error.message, error.status === 404 ? 1 : 2);
    const e = error as Error;
    if (
      e?.name === 'DeadLetterNotFoundError' ||
      e?.name === 'DataDirLockedError' ||
      e?.name === 'AdminRequestError' ||
      e?.name === 'RuntimeOptionsError' ||
      e?.name === 'SinkModuleError'
    )
      throw new CliError(e.message, 2);
    throw error;
  }
}
