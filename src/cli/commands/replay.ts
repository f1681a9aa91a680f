/**
 * `genesys-pipeline replay --from ISO --to ISO`: re-delivers the archived events of a time window
 * through the bus's rule (EventBridge `StartReplay`). Events already processed are recognised by
 * their idempotency key and skipped: a replay re-applies nothing that was already applied.
 */
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { withAdminProgress } from './dlq.js';

interface ReplayCommandOptions {
  from: string;
  to: string;
  dataDir: string;
  token?: string;
  json?: boolean;
  quiet?: boolean;
}

export function register(program: Command): void {
  program
    .command('replay')
    .description(
      'Re-deliver archived events of a time window through the local pipeline’s rule (idempotency skips what was already processed)',
    )
    .requiredOption('--from <iso>', 'replay events whose time is at or after this (ISO 8601)', parseIso)
    .requiredOption('--to <iso>', '…and before this (ISO 8601)', parseIso)
    .option('--data-dir <dir>', 'the pipeline’s data directory', '.pipeline')
    .option('--token <token>', 'the running runtime’s token (default: $GENESYS_PIPELINE_TOKEN)')
    .option('--json', 'print JSON')
    .option('--quiet', 'no progress line on stderr')
    .addHelpText(
      'after',
      `
The window is on each event's "time" field, as EventBridge replays select events; the archive keeps
events for --archive-retention-days of "run". Replayed events carry "replay-name" and keep their id.
Example: genesys-pipeline replay --from 2026-01-01T12:00:00Z --to 2026-01-01T13:00:00Z`,
    )
    .action(async (options: ReplayCommandOptions) => {
      const result = await withAdminProgress(
        { label: 'Replaying', unit: 'events', acceptedLabel: 'delivered' },
        options,
        (api, onProgress) => api.replay({ from: options.from, to: options.to }, { onProgress }),
      );
      if (options.json) return void process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      process.stdout.write(
        `Replay ${result.ReplayName}: ${result.EventsReplayed.toLocaleString('en-US')} archived event(s) from ${options.from} to ${options.to} re-delivered (${result.Deliveries.toLocaleString('en-US')} deliveries). ` +
          'Events already processed are skipped as duplicates.\n',
      );
    });
}

function parseIso(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(Date.parse(value)))
    throw new InvalidArgumentError(`expected an ISO 8601 date-time such as 2026-01-01T12:00:00Z, got "${value}"`);
  return value;
}
