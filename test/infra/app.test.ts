/**
 * The CDK app through the real CDK CLI, as a user runs it: `npm run synth` works offline on a
 * fresh clone (example values, said so on stderr, cdk-nag passing, loadable function bundles),
 * and a bad topic stops synth with a message naming the closest topics.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_ORG_ID } from '../../infra/index.js';
import { projectRoot } from '../support/paths.js';
import { tempDir } from '../support/tmp.js';

function run(command: string, args: string[]) {
  const result = spawnSync(command, args, {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { ...process.env, CI: '1' },
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('CDK app', () => {
  it('`npm run synth` works offline with example values, says so, and writes the template; -c topics may name any family', () => {
    const out = tempDir('gep-synth-');
    // The topics of Genesys's blueprints beside conversation detail events, as a user passes them.
    const topics = [
      'customer.start',
      'acd.end',
      'v2.audits.entitytype.{id}.entityid.{id}',
      'v2.users.{id}.presence',
      'v2.conversations.{id}.transcription',
    ];
    const result = run('npm', [
      'run',
      '--silent',
      'synth',
      '--',
      '--quiet',
      '--output',
      out,
      '-c',
      `topics=${topics.join(',')}`,
    ]);
    expect(result.stderr).toContain(`synthesizing with example values: orgId=${EXAMPLE_ORG_ID} (example)`);
    expect(result.stderr).toContain('npx cdk deploy -c orgId=<org id>');
    expect(result.status, result.stderr).toBe(0);
    // Said once: which topics have a typed model and which are handled generically.
    expect(`${result.stdout}${result.stderr}`).toContain('Topics: 5 typed (conversation:');
    const templatePath = join(out, 'GenesysEventPipeline.template.json');
    expect(existsSync(templatePath)).toBe(true);
    const template = JSON.parse(readFileSync(templatePath, 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const bus = Object.values(template.Resources).find((r) => r.Type === 'AWS::Events::EventBus');
    expect(bus?.Properties.EventSourceName).toBe(
      `aws.partner/genesys.com/cloud/${EXAMPLE_ORG_ID}/genesys-event-pipeline`,
    );
    const rule = Object.values(template.Resources).find((r) => r.Type === 'AWS::Events::Rule');
    expect((rule?.Properties.EventPattern as { 'detail-type': string[] })['detail-type']).toEqual([
      'v2.detail.events.conversation.{id}.customer.start',
      'v2.detail.events.conversation.{id}.acd.end',
      ...topics.slice(2),
    ]);
    // Agent state, audit log and transcripts beside idempotency, conversations and dead letters.
    expect(Object.values(template.Resources).filter((r) => r.Type === 'AWS::DynamoDB::Table')).toHaveLength(6);
    // The default buffered topology: the queue polled by one event source mapping whose
    // MaximumConcurrency is the bound's E, with partial batch responses; no Pipe.
    expect(Object.values(template.Resources).filter((r) => r.Type === 'AWS::Pipes::Pipe')).toHaveLength(0);
    const mappings = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(1);
    const queueId = Object.entries(template.Resources).find(
      ([, r]) => r.Type === 'AWS::SQS::Queue' && r.Properties.RedrivePolicy !== undefined,
    )![0];
    expect(mappings[0]!.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      ScalingConfig: { MaximumConcurrency: 4 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 25,
      MaximumBatchingWindowInSeconds: 1,
    });
    // Every ARN and name the commands in docs/deploy.md need.
    const outputs = Object.keys((template as unknown as { Outputs: Record<string, unknown> }).Outputs);
    for (const name of [
      'EventBusArn',
      'ArchiveArn',
      'QueueArn',
      'QueueUrl',
      'QueueDeadLetterQueueArn',
      'QueueDeadLetterQueueUrl',
      'RuleDeadLetterQueueUrl',
      'EventSourceMappingId',
      'BatchStarterFunctionName',
      'ProcessorFunctionName',
      'StateMachineArn',
      'DeadLetterTableName',
      'ConcurrencyBound',
    ])
      expect(outputs).toContain(name);
    // The cdk-nag plugin ran and found nothing unacknowledged.
    const report = JSON.parse(readFileSync(join(out, 'validation-report.json'), 'utf8')) as {
      pluginReports: Array<{ violations: unknown[] }>;
    };
    expect(report.pluginReports.flatMap((r) => r.violations)).toEqual([]);

    // Every bundle esbuild produced loads as an ES module and exports the handler (the ESM
    // output with its createRequire banner works with the bundled dependencies).
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    const assets = readdirSync(out).filter(
      (name) => name.startsWith('asset.') && existsSync(join(out, name, 'index.mjs')),
    );
    expect(assets).toHaveLength(functions.length);
    for (const asset of assets) {
      const load = spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(pathToFileURL(join(out, asset, 'index.mjs')).href)}); console.log(typeof m.handler);`,
        ],
        {
          encoding: 'utf8',
        },
      );
      expect(load.stdout.trim(), load.stderr).toBe('function');
    }
  }, 180_000); // a full synth with bundling through the CLI; slow on a busy 2-core machine

  it('stops on a misspelt topic and names the closest one', () => {
    const result = run('npx', [
      'cdk',
      'synth',
      '--no-notices',
      '--quiet',
      '--output',
      tempDir('gep-synth-bad-'),
      '-c',
      'topics=customer.start,acd.ends',
    ]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(
      'Unknown topic "acd.ends". Did you mean "v2.detail.events.conversation.{id}.acd.end"?',
    );
  }, 120_000);
});
