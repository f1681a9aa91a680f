/**
 * What the Genesys commands (`setup`, `topics`, `status`) share: the connection options, the
 * client built from them (retry progress on stderr), and the translation of Genesys errors into
 * messages for the user. Nothing here ever prints a secret.
 */
import type { Command } from 'commander';
import {
  GenesysApiError,
  GenesysConfigError,
  GenesysNetworkError,
  GenesysResponseError,
  SetupError,
  createGenesysClient,
  loadGenesysConfig,
} from '../genesys/index.js';
import type { GenesysClient, GenesysConnectionConfig } from '../genesys/index.js';
import { CliError } from './errors.js';

/** The connection options every Genesys command accepts. */
export interface ConnectionOptions {
  genesysRegion?: string;
  apiBaseUrl?: string;
  loginBaseUrl?: string;
  json?: boolean;
}

/** Adds `--genesys-region`, `--api-base-url`, `--login-base-url` and `--json` to a command. */
export function addConnectionOptions(command: Command): Command {
  return command
    .option(
      '--genesys-region <region>',
      'Genesys Cloud region (e.g. eu-west-1) or domain (mypurecloud.ie); default $GENESYSCLOUD_REGION',
    )
    .option(
      '--api-base-url <url>',
      'API base URL for a private or test endpoint; default $GENESYSCLOUD_API_BASE_URL or https://api.<domain>',
    )
    .option(
      '--login-base-url <url>',
      'login base URL for a private or test endpoint; default $GENESYSCLOUD_LOGIN_BASE_URL or https://login.<domain>',
    )
    .option('--json', 'print a machine-readable JSON result on stdout');
}

/** Loads the configuration (env + options) and builds a client that reports retries on stderr. */
export function connect(options: ConnectionOptions): { client: GenesysClient; config: GenesysConnectionConfig } {
  const config = loadGenesysConfig(process.env, {
    region: options.genesysRegion,
    apiBaseUrl: options.apiBaseUrl,
    loginBaseUrl: options.loginBaseUrl,
  });
  for (const warning of config.warnings) process.stderr.write(`warning: ${warning}\n`);
  const client = createGenesysClient(config, {
    deps: {
      onRetry: (event) =>
        process.stderr.write(
          `Genesys Cloud: ${event.description ?? 'call failed'}; retrying in ${(event.delayMs / 1000).toFixed(1)} s ` +
            `(attempt ${event.attempt + 1} of ${event.maxAttempts}).\n`,
        ),
    },
  });
  return { client, config };
}

/**
 * Runs a command body: errors the user can act on become a {@link CliError} (and, with
 * `--json`, a JSON error object on stdout); anything else propagates as a bug.
 */
export async function runGenesysCommand(json: boolean | undefined, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    const known = describeKnownError(error);
    if (!known) throw error;
    if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: known.json }, null, 2)}\n`);
    throw new CliError(known.message, 1);
  }
}

function describeKnownError(error: unknown): { message: string; json: Record<string, unknown> } | undefined {
  if (error instanceof GenesysConfigError) {
    return {
      message: `Genesys Cloud connection settings:\n${bullets(error.problems)}`,
      json: { type: error.name, problems: error.problems },
    };
  }
  if (error instanceof SetupError) {
    return {
      message:
        error.problems.length > 1
          ? `Cannot continue:\n${bullets(error.problems)}`
          : `Cannot continue: ${error.problems[0] ?? ''}`,
      json: {
        type: error.name,
        problems: error.problems,
        ...(error.duplicateIds.length ? { duplicateIds: error.duplicateIds } : {}),
      },
    };
  }
  if (error instanceof GenesysApiError) {
    return {
      message: `Genesys Cloud: ${error.message}`,
      json: {
        type: error.name,
        message: error.message,
        method: error.method,
        path: error.path,
        status: error.status,
        ...(error.code ? { code: error.code } : {}),
        ...(error.correlationId ? { correlationId: error.correlationId } : {}),
        ...(error.permission ? { permission: error.permission } : {}),
        ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
        attempts: error.attempts,
      },
    };
  }
  if (error instanceof GenesysNetworkError || error instanceof GenesysResponseError) {
    return { message: `Genesys Cloud: ${error.message}`, json: { type: error.name, message: error.message } };
  }
  return undefined;
}

function bullets(lines: string[]): string {
  return lines.map((line) => `  - ${line}`).join('\n');
}
