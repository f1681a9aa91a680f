/**
 * `genesys-pipeline directory sync|show`: the Genesys directory (id → name of queues, users,
 * wrap-up codes, divisions, flows, presence definitions) for operators — fill or refresh it now,
 * and see what it holds and how its last refreshes went.
 *
 * Where: the local runtime's `directory.sqlite` in `--data-dir` (default), or the AWS
 * deployment's DynamoDB table with `--table` (AWS credentials and region from the environment,
 * as for the AWS CLI). From where: your Genesys Cloud org (the Platform API, with the OAuth
 * client of GENESYSCLOUD_OAUTHCLIENT_ID / _SECRET / GENESYSCLOUD_REGION), or with `--simulator`
 * the simulator's organisation.
 */
import { resolve, join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Option } from 'commander';
import type { Command } from 'commander';
import {
  DIRECTORY_DATABASE_FILE,
  DIRECTORY_KINDS,
  Directory,
  DynamoDbDirectoryStore,
  SqliteDirectoryStore,
} from '../../directory/index.js';
import type {
  DirectoryEntry,
  DirectoryKind,
  DirectoryStatus,
  DirectoryStore,
  RefreshProgress,
  RefreshReport,
} from '../../directory/index.js';
import { GenesysDirectorySource } from '../../genesys/index.js';
import { CatalogueDirectorySource } from '../../simulate/index.js';
import { CliError } from '../errors.js';
import { addConnectionOptions, connect, runGenesysCommand } from '../genesys-connection.js';
import type { ConnectionOptions } from '../genesys-connection.js';

interface WhereOptions {
  dataDir: string;
  table?: string;
}

interface SyncOptions extends WhereOptions, ConnectionOptions {
  kind?: DirectoryKind[];
  simulator?: boolean;
}

interface ShowOptions extends WhereOptions {
  kind?: DirectoryKind;
  id?: string;
  json?: boolean;
}

export function register(program: Command): void {
  const directory = program
    .command('directory')
    .description('The Genesys directory: names of queues, users, wrap-up codes, divisions, flows, presence definitions')
    .addHelpText(
      'after',
      `
The local runtime keeps the directory in <data-dir>/${DIRECTORY_DATABASE_FILE} ("run --genesys" refreshes it
every 15 minutes, "run --simulate" fills it from the simulator); the AWS deployment in a DynamoDB table
(--table, the stack output DirectoryTableName). See docs/directory.md.`,
    );
  const where = (c: Command): Command =>
    c
      .option('--data-dir <dir>', 'the local pipeline’s data directory', '.pipeline')
      .option('--table <name>', 'the AWS deployment’s directory table instead (AWS credentials from the environment)');

  addConnectionOptions(
    where(
      directory
        .command('sync')
        .description('List every kind in Genesys Cloud now and write what changed (a kind that fails keeps its names)'),
    )
      .addOption(new Option('--kind <kind...>', 'only these kinds').choices([...DIRECTORY_KINDS]))
      .option('--simulator', 'fill it from the simulator’s organisation instead of Genesys Cloud'),
  ).action(async (options: SyncOptions) => {
    await runGenesysCommand(options.json, async () => {
      const source = options.simulator
        ? new CatalogueDirectorySource()
        : new GenesysDirectorySource(connect(options).client.http);
      const report = await withStore(options, async (store) => {
        const dir = await Directory.open({ store, source, preload: false, misses: false });
        return dir.refresh(options.kind ?? DIRECTORY_KINDS, progressLine(options.json === true));
      });
      if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else process.stdout.write(formatReport(report, source.name));
      if (!report.ok)
        throw new CliError('Some kinds could not be refreshed (they keep their last known names); see above.', 1);
    });
  });

  where(
    directory
      .command('show')
      .description('What the directory holds: each kind’s count and last refresh, or its entries'),
  )
    .addOption(new Option('--kind <kind>', 'list the entries of this kind').choices([...DIRECTORY_KINDS]))
    .option('--id <id>', 'with --kind: show one entry')
    .option('--json', 'print JSON')
    .action(async (options: ShowOptions) => {
      if (options.id && !options.kind) throw new CliError('--id needs --kind (e.g. --kind queue --id <queue id>).', 2);
      type Answer = { status: DirectoryStatus } | { entry: DirectoryEntry } | { entries: DirectoryEntry[] };
      const answer = await withStore(options, async (store): Promise<Answer> => {
        const dir = await Directory.open({ store });
        if (!options.kind) return { status: dir.status() };
        if (options.id) {
          const [entry] = await store.get(options.kind, [options.id]);
          if (!entry) throw new CliError(`The directory has no ${options.kind} ${options.id}.`, 1);
          return { entry };
        }
        return { entries: dir.entries(options.kind) };
      });
      if (options.json) {
        const value = 'status' in answer ? answer.status : 'entry' in answer ? answer.entry : answer.entries;
        return void process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
      }
      if ('status' in answer) process.stdout.write(formatStatus(answer.status));
      else if ('entry' in answer) process.stdout.write(formatEntries([answer.entry]));
      else process.stdout.write(answer.entries.length ? formatEntries(answer.entries) : 'No entries.\n');
    });
}

/** Runs `fn` on the store the options name, closing it afterwards. */
async function withStore<T>(options: WhereOptions, fn: (store: DirectoryStore) => Promise<T>): Promise<T> {
  if (options.table) {
    const client = new DynamoDBClient({});
    try {
      return await fn(new DynamoDbDirectoryStore({ tableName: options.table, client }));
    } finally {
      client.destroy();
    }
  }
  const store = SqliteDirectoryStore.open(join(resolve(options.dataDir), DIRECTORY_DATABASE_FILE));
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}

/**
 * Progress of a sync on stderr: one line per kind as it finishes (and, on a terminal, a live
 * count while it lists). The hook for the shared CLI progress helper once there is one.
 */
function progressLine(quiet: boolean): ((progress: RefreshProgress) => void) | undefined {
  if (quiet) return undefined;
  const tty = process.stderr.isTTY === true;
  return ({ kind, listed, done }) => {
    if (done) process.stderr.write(`${tty ? '\r\x1b[2K' : ''}${kind}: listed ${listed.toLocaleString('en-US')}\n`);
    else if (tty) process.stderr.write(`\r\x1b[2K${kind}: ${listed.toLocaleString('en-US')} so far…`);
  };
}

function formatReport(report: RefreshReport, source: string): string {
  const lines = report.kinds.map((k) =>
    k.ok
      ? `  ${k.kind.padEnd(19)} ${String(k.listed).padStart(7)} listed: ${k.added} added, ${k.renamed} renamed, ${k.changed} changed, ${k.removed} removed`
      : `  ${k.kind.padEnd(19)} FAILED (kept its names): ${k.error ?? ''}`,
  );
  return `Directory refreshed from ${source}:\n${lines.join('\n')}\n`;
}

function formatStatus(status: DirectoryStatus): string {
  const time = (ms?: number) => (ms === undefined ? 'never' : new Date(ms).toISOString());
  const lines = status.kinds.map(
    (k) =>
      `  ${k.kind.padEnd(19)} ${String(k.entries).padStart(7)} entries${k.removed ? ` (${k.removed} removed)` : ''}` +
      `  last refresh: ${time(k.lastSuccessAt)}${k.source ? ` from ${k.source}` : ''}` +
      (k.lastError ? `\n  ${''.padEnd(19)} last attempt ${time(k.lastAttemptAt)} failed: ${k.lastError}` : ''),
  );
  return `Directory:\n${lines.join('\n')}\n`;
}

function formatEntries(entries: readonly DirectoryEntry[]): string {
  return (
    entries
      .map((e) => {
        const attributes = Object.entries(e.attributes)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(' ');
        return `${e.id}  ${e.name}${attributes ? `  (${attributes})` : ''}${e.removedAt !== undefined ? '  [removed]' : ''}`;
      })
      .join('\n') + '\n'
  );
}
