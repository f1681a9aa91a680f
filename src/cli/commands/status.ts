/**
 * `genesys-pipeline status`: the EventBridge integration's intended and reported state and its
 * configuration in Genesys Cloud; with AWS credentials, the partner event source's state in AWS
 * and whether its event bus exists.
 */
import type { Command } from 'commander';
import { checkPartnerSourceInAws, getIntegrationStatus } from '../../genesys/index.js';
import type { AwsPartnerSourceCheck, IntegrationStatus } from '../../genesys/index.js';
import { addConnectionOptions, connect, runGenesysCommand } from '../genesys-connection.js';
import type { ConnectionOptions } from '../genesys-connection.js';

interface StatusCommandOptions extends ConnectionOptions {
  name?: string;
  awsCheck: boolean;
}

export function register(program: Command): void {
  const command = program
    .command('status')
    .description(
      'Show the Genesys Cloud EventBridge integration state and, with AWS credentials, its partner event source in AWS',
    )
    .option('--name <name>', "integration name (default: the org's only Amazon EventBridge source integration)")
    .option('--no-aws-check', 'do not look at AWS (DescribeEventSource / DescribeEventBus)');
  addConnectionOptions(command).action(async (options: StatusCommandOptions) => {
    await runGenesysCommand(options.json, async () => {
      const { client } = connect(options);
      const status = await getIntegrationStatus(client, options.name);
      const region = status.properties.awsAccountRegion;
      const account = status.properties.awsAccountId;
      const aws =
        options.awsCheck && status.partnerEventSourceName && typeof region === 'string' && typeof account === 'string'
          ? await checkPartnerSourceInAws(status.partnerEventSourceName, region, account)
          : undefined;
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ ok: true, ...status, ...(aws ? { aws } : {}) }, null, 2)}\n`);
      } else {
        process.stdout.write(formatStatus(status, aws));
      }
    });
  });
}

function formatStatus(status: IntegrationStatus, aws: AwsPartnerSourceCheck | undefined): string {
  const lines: string[] = [];
  const org = status.organizationName ? `${status.organizationName} (${status.organizationId})` : status.organizationId;
  lines.push(`Integration "${status.integrationName}" (id ${status.integrationId}) in org ${org}`);
  lines.push(`  intended state:    ${status.intendedState ?? '(unknown)'}`);
  const reported = status.reportedState;
  if (reported) {
    const detail = reported.detail?.message ? ` — ${reported.detail.message}` : '';
    const since = reported.lastUpdated ? ` (since ${reported.lastUpdated})` : '';
    lines.push(`  reported state:    ${reported.code ?? '(unknown)'}${since}${detail}`);
  }
  const p = status.properties;
  lines.push(`  awsAccountId:      ${typeof p.awsAccountId === 'string' ? p.awsAccountId : '(unset)'}`);
  lines.push(`  awsAccountRegion:  ${typeof p.awsAccountRegion === 'string' ? p.awsAccountRegion : '(unset)'}`);
  lines.push(`  eventSourceSuffix: ${typeof p.eventSourceSuffix === 'string' ? p.eventSourceSuffix : '(unset)'}`);
  const filter = Array.isArray(p.eventFilter) ? (p.eventFilter as unknown[]).map(String) : [];
  lines.push(`  eventFilter:       ${filter.length} topic(s)`);
  for (const topic of filter) lines.push(`    ${topic}`);
  lines.push(`  config version:    ${status.configVersion}`);
  lines.push('');
  if (!status.partnerEventSourceName) {
    lines.push(
      'No partner event source yet: the integration has no event source suffix. Run `genesys-pipeline setup`.',
    );
    return `${lines.join('\n')}\n`;
  }
  lines.push(`Partner event source: ${status.partnerEventSourceName}`);
  if (!aws) {
    lines.push('AWS: not checked.');
  } else if (!aws.checked) {
    lines.push(`AWS: not checked. ${aws.reason}`);
    for (const command of aws.howToCheck) lines.push(`  ${command}`);
  } else {
    lines.push(
      `AWS: source ${aws.source ? (aws.source.state ?? 'found') : 'not found'}; event bus ${aws.bus ? 'exists' : 'does not exist'}.`,
    );
    lines.push(`  ${aws.advice}`);
  }
  return `${lines.join('\n')}\n`;
}
