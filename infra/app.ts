/**
 * The CDK app: `npm run synth` / `npx cdk deploy -c orgId=<uuid> -c eventSourceSuffix=<suffix> …`.
 *
 * Reads the settings from context (see infra/lib/context.ts and docs/deploy.md), builds the
 * stack, and runs cdk-nag's AwsSolutions pack as a validation plugin: an unacknowledged finding
 * fails synth. Without an org id it synthesizes with example values (offline, no AWS account)
 * and prints a notice saying so.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { settingsFromContext } from './lib/context.js';
import { PipelineConfigError } from './lib/errors.js';
import { GenesysEventPipelineStack } from './lib/stack.js';

const app = new App();
try {
  const settings = settingsFromContext((key) => app.node.tryGetContext(key));
  if (settings.exampleValues.length) {
    process.stderr.write(
      `genesys-event-pipeline: synthesizing with example values: ${settings.exampleValues.join(', ')}.\n` +
        '  A stack deployed with them receives no events. For a real deployment pass the values `genesys-pipeline setup` printed:\n' +
        '  npx cdk deploy -c orgId=<org id> -c eventSourceSuffix=<suffix> -c topics=customer.start,acd.end,…  (see docs/deploy.md)\n',
    );
  }
  new GenesysEventPipelineStack(app, settings.stackName, {
    description:
      'Genesys Cloud events → EventBridge partner bus → SQS → bounded Lambda event source mapping → Step Functions Express → Lambda → DynamoDB (genesys-event-pipeline)',
    pipeline: settings.pipeline,
    ...(settings.alarmTopicArn ? { alarmTopicArn: settings.alarmTopicArn } : {}),
    // Environment-agnostic: `cdk deploy` targets the account and region of the CLI's credentials.
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
} catch (error) {
  // A configuration problem is the user's to fix: say what, without a stack trace.
  if (!(error instanceof PipelineConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
