/**
 * `genesys-pipeline setup`: create, configure and enable the Genesys Cloud Amazon EventBridge
 * source integration; print the partner event source name. Idempotent; `--dry-run` plans only.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { checkRuleCoverage, runSetup } from '../../genesys/index.js';
import type { PropertyChange, RuleCoverage, SetupResult } from '../../genesys/index.js';
import { CliError } from '../errors.js';
import { addConnectionOptions, connect, runGenesysCommand } from '../genesys-connection.js';
import type { ConnectionOptions } from '../genesys-connection.js';
import { describeTopicModels, topicModels } from '../../events/topics.js';
import { testEventPattern } from '../../eventbridge/index.js';

interface SetupCommandOptions extends ConnectionOptions {
  name: string;
  awsAccountId: string;
  awsRegion: string;
  suffix: string;
  topic?: string[];
  topicsFile?: string;
  dryRun?: boolean;
  allowSourceChange?: boolean;
  awsCheck: boolean;
}

export function register(program: Command): void {
  const command = program
    .command('setup')
    .description(
      'Create/update and enable the Genesys Cloud Amazon EventBridge integration (idempotent); prints the partner event source name',
    )
    .requiredOption('--name <name>', 'integration name in Genesys Cloud (setup finds it again by this name)')
    .requiredOption('--aws-account-id <id>', '12-digit AWS account that receives the events')
    .requiredOption('--aws-region <region>', 'AWS region of the partner event source, e.g. us-east-1')
    .requiredOption('--suffix <suffix>', 'event source suffix: ≤ 64 of letters, digits, ".", "-", "_"')
    .option('--topic <topic...>', 'topic to send (repeatable; generic name or short conversation name such as acd.end)')
    .option('--topics-file <file>', 'file of topics: a JSON array, or one per line (# comments)')
    .option('--dry-run', 'print the plan; send no write')
    .option(
      '--allow-source-change',
      'allow changing account, region or suffix of an existing integration (creates a new partner event source)',
    )
    .option(
      '--no-aws-check',
      "do not read the partner event bus's rules in AWS (ListRules) to warn about topics no rule forwards",
    );
  addConnectionOptions(command).action(async (options: SetupCommandOptions) => {
    await runGenesysCommand(options.json, async () => {
      const topics = [
        ...splitTopics(options.topic ?? []),
        ...(options.topicsFile ? readTopicsFile(options.topicsFile) : []),
      ];
      const { client, config } = connect(options);
      const result = await runSetup(
        client,
        {
          name: options.name,
          awsAccountId: options.awsAccountId,
          awsRegion: options.awsRegion,
          suffix: options.suffix,
          topics,
        },
        {
          dryRun: options.dryRun === true,
          allowSourceChange: options.allowSourceChange === true,
          log: (line) => process.stderr.write(`${line}\n`),
        },
      );
      // Does the deployed rule forward what Genesys will send? (Events of other topics are archived, never processed.)
      const coverage = options.awsCheck
        ? await checkRuleCoverage(result.partnerEventSourceName, result.awsRegion, result.awsAccountId, result.topics, {
            testEventPattern,
          })
        : undefined;
      const warnings = [...result.warnings, ...coverageWarnings(coverage)];
      for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
      if (options.json) {
        process.stdout.write(
          `${JSON.stringify(
            {
              ok: true,
              ...result,
              warnings,
              topicModels: topicModels(result.topics),
              ...(coverage ? { ruleCoverage: coverage } : {}),
              nextStep: nextStep(result),
            },
            null,
            2,
          )}\n`,
        );
      } else {
        process.stdout.write(formatResult(result, config.domain ?? config.apiBaseUrl, coverage));
      }
    });
  });
}

/** `--topic a,b --topic c` → `['a', 'b', 'c']`. */
function splitTopics(values: string[]): string[] {
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** Reads a topics file: a JSON array of strings, or one topic per line (blank lines and `#` comments ignored). */
function readTopicsFile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`--topics-file ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  if (text.trimStart().startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new CliError(`--topics-file ${file}: not valid JSON (${(error as Error).message}).`);
    }
    if (!Array.isArray(parsed) || parsed.some((t) => typeof t !== 'string')) {
      throw new CliError(`--topics-file ${file}: expected a JSON array of topic names (strings).`);
    }
    return splitTopics(parsed as string[]);
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line !== '');
}

function nextStep(result: SetupResult): string {
  return (
    `Deploy the AWS side with the event source name ${result.partnerEventSourceName} ` +
    `(account ${result.awsAccountId}, ${result.awsRegion}); see docs/deploy.md. ` +
    'Until an event bus with exactly that name exists, the source stays PENDING and events sent to it are dropped. ' +
    'Check with `genesys-pipeline status`.'
  );
}

/** The warnings of the rule check: topics the integration sends that no rule on the bus forwards. */
function coverageWarnings(coverage: RuleCoverage | undefined): string[] {
  if (!coverage?.checked || coverage.unforwarded.length === 0) return [];
  return [
    `The integration sends ${coverage.unforwarded.length} topic(s) that no enabled rule on the partner event bus forwards (they are archived, never processed): ${coverage.unforwarded.join(', ')}. ` +
      'Add them to the deployed topics (npx cdk deploy -c topics=…; docs/deploy.md), or remove them from --topic.',
  ];
}

function formatResult(result: SetupResult, where: string, coverage?: RuleCoverage): string {
  const lines: string[] = [];
  const org = result.organizationName ? `${result.organizationName} (${result.organizationId})` : result.organizationId;
  lines.push(`Genesys Cloud org ${org} at ${where}`);
  lines.push(
    `Integration "${result.integrationName}"${result.integrationId ? ` (id ${result.integrationId})` : ''}, ${result.topics.length} topic(s)`,
  );
  if (result.actions.length === 0) {
    lines.push(
      result.dryRun
        ? 'Plan (dry run): nothing to do — the integration already matches and is enabled.'
        : 'Nothing to do: the integration already matches and is enabled. No changes were made.',
    );
  } else {
    lines.push(result.dryRun ? 'Plan (dry run — nothing was changed):' : 'Done:');
    for (const action of result.actions) {
      const mark = result.dryRun ? '  would' : '  ✓';
      if (action.action === 'create') lines.push(`${mark} create the integration`);
      if (action.action === 'configure') {
        lines.push(`${mark} update its configuration:`);
        for (const change of action.changes ?? []) lines.push(...formatChange(change));
      }
      if (action.action === 'enable') lines.push(`${mark} enable it${action.from ? ` (was ${action.from})` : ''}`);
    }
  }
  lines.push(describeTopicModels(result.topics));
  if (coverage?.checked) {
    lines.push(
      coverage.unforwarded.length === 0
        ? `The deployed rules on the partner event bus forward every topic (${coverage.rules.length} rule(s) read).`
        : `The deployed rules do not forward ${coverage.unforwarded.length} of these topics (see the warning).`,
    );
  } else if (coverage) {
    lines.push(`Could not check the deployed rules: ${coverage.reason} By hand: ${coverage.howToCheck[0]}`);
  }
  lines.push('');
  lines.push(`Partner event source: ${result.partnerEventSourceName}`);
  lines.push(`Next: ${nextStep(result)}`);
  return `${lines.join('\n')}\n`;
}

function formatChange(change: PropertyChange): string[] {
  if (change.property === 'eventFilter') {
    const from = new Set(Array.isArray(change.from) ? (change.from as unknown[]).map(String) : []);
    const to = new Set(change.to as string[]);
    const added = [...to].filter((t) => !from.has(t));
    const removed = [...from].filter((t) => !to.has(t));
    return [
      `      eventFilter: ${from.size} → ${to.size} topic(s)`,
      ...added.map((t) => `        + ${t}`),
      ...removed.map((t) => `        - ${t}`),
    ];
  }
  return [
    `      ${change.property}: ${change.from === undefined ? '(unset)' : JSON.stringify(change.from)} → ${JSON.stringify(change.to)}`,
  ];
}
