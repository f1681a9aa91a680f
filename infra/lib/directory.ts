/**
 * `GenesysDirectory`: the Genesys directory on AWS — id → name for queues, users, wrap-up codes,
 * divisions, flows and presence definitions (docs/directory.md).
 *
 * ```text
 * EventBridge Scheduler (rate) ──► refresher Lambda ──► Genesys Platform API (OAuth client credentials)
 *                                    │  ▲ secret {clientId, clientSecret}: Secrets Manager (read at run time)
 * processor Lambda ── misses ────────┘  └─► DynamoDB directory table ◄── processor reads (GetItem, BatchGetItem)
 * alarm: refresher Errors ≥ 1 (a refresh in which a kind failed; its names are kept)
 * ```
 *
 * The OAuth client secret is never in the template, an environment variable or a log: the
 * construct references an existing secret by name or ARN, the function gets the secret's ARN and
 * reads the value with `secretsmanager:GetSecretValue` on that secret only.
 */
import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, type IFunction, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { FUNCTION_ENV, REFRESHER_ENV } from '../../src/functions/index.js';
import { resolveGenesysRegion, UnknownGenesysRegionError } from '../../src/genesys/regions.js';
import type { GenesysDirectoryProps, PipelineConfig } from './config.js';
import { bundlingProps } from './functions.js';
import { acknowledge } from './nag.js';
import { atLeastOneAlarm } from './alarms.js';
import { functionEntry } from './package-files.js';
import { PipelineConfigError } from './errors.js';

/** What the directory construct needs from the pipeline's configuration. */
export interface GenesysDirectoryResources {
  config: PipelineConfig;
  removalPolicy: RemovalPolicy;
  alarmTopic?: ITopic;
}

/** Refreshes take at most this long (the function's timeout). */
const REFRESH_TIMEOUT = Duration.minutes(10);

/**
 * The directory table, its scheduled refresher, the secret reference, the alarm and the grants.
 *
 * @example
 * const directory = new GenesysDirectory(this, 'Directory', { oauthClientSecret: 'genesys/oauth-client', genesysRegion: 'eu-west-1' }, { config, removalPolicy });
 * directory.grantLookups(processorFunction);
 */
export class GenesysDirectory extends Construct {
  /** Entries by `kind` (partition key) and `id` (sort key); TTL `expiresAt` on "missing" markers. */
  readonly table: dynamodb.Table;
  /** The refresher function (the only writer of the table, the only reader of the secret). */
  readonly refresher: NodejsFunction;
  /** The OAuth client secret (referenced, not created). */
  readonly secret: secretsmanager.ISecret;
  /** The EventBridge Scheduler schedule that runs the refresher. */
  readonly schedule: scheduler.CfnSchedule;
  /** The role the schedule invokes the refresher with. */
  readonly schedulerRole: iam.Role;
  /** Alarm: a refresh failed (some kind could not be listed; it keeps its last known names). */
  readonly failedRefreshAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: GenesysDirectoryProps, resources: GenesysDirectoryResources) {
    super(scope, id);
    const { config } = resources;
    const interval = props.refreshInterval ?? Duration.minutes(15);
    const problems: string[] = [];
    if (interval.toSeconds() < 300 || interval.toSeconds() > 86_400 || interval.toSeconds() % 60 !== 0)
      problems.push(
        `directory.refreshInterval is ${interval.toSeconds()} s; it must be whole minutes from 5 minutes to 1 day (a refresh lists the whole org).`,
      );
    try {
      resolveGenesysRegion(props.genesysRegion);
    } catch (error) {
      if (!(error instanceof UnknownGenesysRegionError)) throw error;
      problems.push(`directory.genesysRegion: ${error.message}`);
    }
    if (typeof props.oauthClientSecret === 'string' && props.oauthClientSecret.trim() === '')
      problems.push('directory.oauthClientSecret is empty; give the name or ARN of the Secrets Manager secret.');
    if (problems.length) throw new PipelineConfigError(problems);

    this.secret =
      typeof props.oauthClientSecret !== 'string'
        ? props.oauthClientSecret
        : props.oauthClientSecret.startsWith('arn:')
          ? secretsmanager.Secret.fromSecretCompleteArn(this, 'OAuthClientSecret', props.oauthClientSecret)
          : secretsmanager.Secret.fromSecretNameV2(this, 'OAuthClientSecret', props.oauthClientSecret);

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'kind', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'expiresAt',
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: resources.removalPolicy,
    });

    const logGroup = new LogGroup(this, 'RefresherLogGroup', {
      retention: config.logRetention,
      removalPolicy: resources.removalPolicy,
    });
    const role = new iam.Role(this, 'RefresherRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Directory refresher: read the Genesys OAuth client secret, write the directory table',
    });
    logGroup.grantWrite(role);
    this.table.grant(
      role,
      'dynamodb:Query',
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:PutItem',
      'dynamodb:BatchWriteItem',
    );
    // secretsmanager:GetSecretValue and DescribeSecret on this secret only (and kms:Decrypt when
    // the secret is an ISecret with its own key).
    this.secret.grantRead(role);
    if (typeof props.oauthClientSecret === 'string' && !props.oauthClientSecret.startsWith('arn:')) {
      acknowledge(
        role,
        'AwsSolutions-IAM5',
        'A secret referenced by name has an ARN ending in a random 6-character suffix; the grant matches exactly that suffix ("-??????") of this one secret. Give the full ARN to avoid the wildcard.',
      );
    }

    this.refresher = new NodejsFunction(this, 'Refresher', {
      entry: functionEntry('src/functions/directory-refresher.ts'),
      handler: 'handler',
      description:
        'Refreshes the Genesys directory (queues, users, wrap-up codes, divisions, flows, presence definitions) from the Platform API',
      runtime: config.runtime,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: REFRESH_TIMEOUT,
      // One at a time: refreshes never overlap, and lookups from every processor instance queue
      // up behind each other instead of multiplying the calls to Genesys.
      reservedConcurrentExecutions: 1,
      tracing: config.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      role,
      logGroup,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        [FUNCTION_ENV.DIRECTORY_TABLE_NAME]: this.table.tableName,
        // The secret's ARN — never its value.
        [REFRESHER_ENV.GENESYS_SECRET_ARN]: this.secret.secretArn,
        [REFRESHER_ENV.GENESYSCLOUD_REGION]: props.genesysRegion,
        [FUNCTION_ENV.POWERTOOLS_SERVICE_NAME]: config.serviceName,
        [FUNCTION_ENV.POWERTOOLS_METRICS_NAMESPACE]: config.metricsNamespace,
        [FUNCTION_ENV.POWERTOOLS_LOG_LEVEL]: config.logLevel,
      },
      ...bundlingProps(config),
    });
    // A failed refresh is not retried by Lambda: the next scheduled one comes soon, and a
    // lookup is asked for again by the processor. Lookups older than a refresh interval are dropped.
    this.refresher.configureAsyncInvoke({
      retryAttempts: 0,
      maxEventAge: Duration.minutes(Math.min(60, Math.max(5, interval.toMinutes()))),
    });
    if (config.tracing) {
      acknowledge(
        role,
        'AwsSolutions-IAM5[Resource::*]',
        'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions; AWS requires Resource "*".',
      );
    }

    // The schedule's own role may invoke exactly this function (the L2 target would also grant
    // its versions and aliases, `<arn>:*`).
    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'EventBridge Scheduler: invoke the Genesys directory refresher',
    });
    this.schedulerRole.addToPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.refresher.functionArn] }),
    );
    this.schedule = new scheduler.CfnSchedule(this, 'Schedule', {
      description: `Refresh the Genesys directory every ${interval.toMinutes()} minutes`,
      scheduleExpression: `rate(${interval.toMinutes()} minutes)`,
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: this.refresher.functionArn,
        roleArn: this.schedulerRole.roleArn,
        input: '{}',
        // The next scheduled refresh is the retry.
        retryPolicy: { maximumRetryAttempts: 0 },
      },
    });

    this.failedRefreshAlarm = atLeastOneAlarm(
      this,
      'FailedRefreshAlarm',
      this.refresher.metricErrors({
        period: Duration.minutes(Math.min(60, interval.toMinutes())),
        statistic: 'Sum',
      }),
      'A Genesys directory refresh failed: some kinds could not be listed (they keep their last known names). The function log names the call, its status and the missing permission, if any (docs/directory.md).',
      resources.alarmTopic,
    );
  }

  /**
   * Lets `fn` send the ids it misses to the refresher: `lambda:InvokeFunction` on the refresher's
   * unqualified ARN only.
   */
  grantLookups(fn: IFunction): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.refresher.functionArn] }),
    );
  }
}
