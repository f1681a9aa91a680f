/**
 * `GenesysEventLake`: the data lake on AWS — the construct's optional `lake` prop.
 *
 * ```text
 * processor (lake sink) ── PutRecordBatch ──► Firehose stream (Direct PUT, dynamic partitioning: JQ)
 *   ──► S3 <prefix>family=<family>/dt=<YYYY-MM-DD>/…   (errors: <prefix>errors/<type>/…)
 *   ◄── Athena: Glue database + table (JSON SerDe, partition projection on family and dt; no crawler)
 * alarm: the stream's S3 deliveries failing (DeliveryToS3.Success below 1)
 * ```
 *
 * Partitioning: Firehose's dynamic partitioning with inline JQ parsing reads `family` and the
 * date of `event_time` from each record, so an event lands in the partition of the day it
 * happened (a timestamp prefix would use the arrival time, and cannot name the family). It
 * costs a per-GB and per-object charge on top of ingestion (docs/processing.md, "The data lake").
 */
import { ArnFormat, Duration, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { LAKE_COLUMNS, LAKE_FAMILIES } from '../../src/processing/lake-record.js';
import { acknowledge } from './nag.js';

/** The data lake (the `lake` prop of `GenesysEventPipeline`); every field has a default. */
export interface PipelineLakeProps {
  /**
   * Where the records go under the bucket, ending in `/`.
   * @default 'genesys-events/'
   */
  readonly prefix?: string;
  /**
   * The bucket's default encryption: S3-managed keys (SSE-S3) or the AWS-managed KMS key (SSE-KMS, `aws/s3`).
   * @default 'S3_MANAGED'
   */
  readonly encryption?: 'S3_MANAGED' | 'KMS_MANAGED';
  /** Objects move to S3 Standard-IA after this long (`false`: never). @default Duration.days(30) */
  readonly transitionToInfrequentAccessAfter?: Duration | false;
  /** Objects move to S3 Glacier Instant Retrieval (still queryable by Athena) after this long (`false`: never). @default Duration.days(90) */
  readonly transitionToGlacierAfter?: Duration | false;
  /** Objects (records and error output) are deleted after this long (`false`: kept). @default Duration.days(730) */
  readonly expireAfter?: Duration | false;
  /** Firehose buffers at most this long per partition before writing an object, 60–900 s. @default Duration.seconds(300) */
  readonly bufferingInterval?: Duration;
  /** …or until a partition's buffer holds this much, 64–128 MiB with dynamic partitioning. @default Size.mebibytes(128) */
  readonly bufferingSize?: Size;
  /** Keep S3 server access logs of the lake bucket in a bucket of their own. @default true */
  readonly serverAccessLogs?: boolean;
  /** The Glue database (lower case, digits, `_`). @default `<stack name>_genesys_lake`, lower-cased */
  readonly databaseName?: string;
  /** The Glue table. @default 'events' */
  readonly tableName?: string;
  /** The first day partition projection offers to Athena (`YYYY-MM-DD`); later days up to today are projected. @default '2024-01-01' */
  readonly projectionStartDate?: string;
}

/** The JQ query (JQ 1.6) Firehose extracts each record's partition keys with. */
export const LAKE_JQ_QUERY = '{family:.family,dt:.event_time[0:10]}';

/** What the lake needs from the pipeline. */
export interface GenesysEventLakeResources {
  removalPolicy: RemovalPolicy;
  alarmTopic?: ITopic;
}

/** Problems with the `lake` prop, each a sentence (the config resolver lists them all). */
export function checkLakeProps(props: PipelineLakeProps | undefined, problems: string[]): void {
  if (props === undefined) return;
  const p = props;
  if (p.prefix !== undefined && !/^([A-Za-z0-9!_.*'()-]+\/)+$/.test(p.prefix))
    problems.push(`lake.prefix "${p.prefix}" must be S3 key segments ending in "/" (e.g. "genesys-events/").`);
  if (p.encryption !== undefined && p.encryption !== 'S3_MANAGED' && p.encryption !== 'KMS_MANAGED')
    problems.push(`lake.encryption must be 'S3_MANAGED' or 'KMS_MANAGED', got ${JSON.stringify(p.encryption)}.`);
  const interval = p.bufferingInterval?.toSeconds();
  if (interval !== undefined && (interval < 60 || interval > 900))
    problems.push(`lake.bufferingInterval must be 60–900 seconds with dynamic partitioning, got ${interval}.`);
  const size = p.bufferingSize?.toMebibytes();
  if (size !== undefined && (size < 64 || size > 128))
    problems.push(`lake.bufferingSize must be 64–128 MiB with dynamic partitioning, got ${size} MiB.`);
  for (const [name, value] of [
    ['databaseName', p.databaseName],
    ['tableName', p.tableName],
  ] as const)
    if (value !== undefined && !/^[a-z0-9_]{1,255}$/.test(value))
      problems.push(`lake.${name} "${value}" must be lower-case letters, digits and "_" (Athena's rule for names).`);
  if (p.projectionStartDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(p.projectionStartDate))
    problems.push(`lake.projectionStartDate "${p.projectionStartDate}" must be a date, YYYY-MM-DD.`);
  const days = (d: Duration | false | undefined): number | undefined => (d ? d.toDays() : undefined);
  const ia = days(p.transitionToInfrequentAccessAfter ?? Duration.days(30));
  const glacier = days(p.transitionToGlacierAfter ?? Duration.days(90));
  const expire = days(p.expireAfter ?? Duration.days(730));
  if (ia !== undefined && ia < 30)
    problems.push(
      `lake.transitionToInfrequentAccessAfter must be at least 30 days (S3's minimum for Standard-IA), got ${ia}.`,
    );
  if (ia !== undefined && glacier !== undefined && glacier < ia + 30)
    problems.push(
      `lake.transitionToGlacierAfter (${glacier} days) must be at least 30 days after the move to Standard-IA (${ia} days).`,
    );
  const last = Math.max(ia ?? 0, glacier ?? 0);
  if (expire !== undefined && expire <= last)
    problems.push(`lake.expireAfter (${expire} days) must come after the storage-class transitions (${last} days).`);
}

/**
 * The lake's bucket, Firehose stream, Glue database and table, and alarm. The processor's role
 * gets `firehose:PutRecordBatch` on the stream through {@link GenesysEventLake.grantPutRecordBatch}.
 */
export class GenesysEventLake extends Construct {
  readonly bucket: s3.Bucket;
  /** The bucket of the lake bucket's server access logs (when `serverAccessLogs`). */
  readonly accessLogsBucket?: s3.Bucket;
  readonly deliveryStream: firehose.CfnDeliveryStream;
  readonly deliveryStreamName: string;
  readonly deliveryStreamArn: string;
  readonly database: glue.CfnDatabase;
  readonly table: glue.CfnTable;
  /** The records' prefix in the bucket. */
  readonly prefix: string;
  /** Fires when the stream fails to deliver to S3. */
  readonly deliveryFailureAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: PipelineLakeProps, resources: GenesysEventLakeResources) {
    super(scope, id);
    const stack = Stack.of(this);
    this.prefix = props.prefix ?? 'genesys-events/';
    const encryption =
      (props.encryption ?? 'S3_MANAGED') === 'KMS_MANAGED'
        ? s3.BucketEncryption.KMS_MANAGED
        : s3.BucketEncryption.S3_MANAGED;

    if (props.serverAccessLogs ?? true) {
      this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
        // Server access logs may only be delivered to SSE-S3 buckets.
        encryption: s3.BucketEncryption.S3_MANAGED,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
        lifecycleRules: [{ expiration: Duration.days(365) }],
        removalPolicy: resources.removalPolicy,
      });
      acknowledge(
        this.accessLogsBucket,
        'AwsSolutions-S1',
        'This bucket receives the lake bucket’s server access logs; logging it to itself or to yet another bucket adds nothing.',
      );
    } else {
      acknowledge(
        this,
        'AwsSolutions-S1',
        'Server access logs of the lake bucket were turned off (lake.serverAccessLogs: false); CloudTrail data events can log reads instead.',
      );
    }

    const lifecycle: s3.LifecycleRule = {
      id: 'lake-storage-classes',
      transitions: [
        ...(props.transitionToInfrequentAccessAfter === false
          ? []
          : [
              {
                storageClass: s3.StorageClass.INFREQUENT_ACCESS,
                transitionAfter: props.transitionToInfrequentAccessAfter ?? Duration.days(30),
              },
            ]),
        ...(props.transitionToGlacierAfter === false
          ? []
          : [
              {
                storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
                transitionAfter: props.transitionToGlacierAfter ?? Duration.days(90),
              },
            ]),
      ],
      ...(props.expireAfter === false ? {} : { expiration: props.expireAfter ?? Duration.days(730) }),
      abortIncompleteMultipartUploadAfter: Duration.days(7),
    };
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption,
      ...(encryption === s3.BucketEncryption.KMS_MANAGED ? { bucketKeyEnabled: true } : {}),
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: false,
      lifecycleRules: [lifecycle],
      ...(this.accessLogsBucket
        ? { serverAccessLogsBucket: this.accessLogsBucket, serverAccessLogsPrefix: 'lake-bucket/' }
        : {}),
      removalPolicy: resources.removalPolicy,
    });

    // Firehose's role: exactly the S3 actions Firehose needs for an S3 destination, on this
    // bucket and prefix (the L2 destination would grant read-write with wildcards), and its error logs.
    const logGroup = new logs.LogGroup(this, 'DeliveryLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const logStream = new logs.LogStream(this, 'DeliveryLogStream', { logGroup, logStreamName: 'S3Delivery' });
    const role = new iam.Role(this, 'DeliveryRole', {
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'Amazon Data Firehose: writes the Genesys data lake to its bucket (least privilege)',
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
        resources: [this.bucket.bucketArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
        resources: [this.bucket.arnForObjects(`${this.prefix}*`)],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:PutLogEvents'],
        resources: [
          stack.formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: `${logGroup.logGroupName}:log-stream:${logStream.logStreamName}`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    // cdk-nag names the finding after the bucket's logical id.
    const bucketId = stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${this.prefix}*]`,
      'Firehose writes objects whose names it chooses under the lake prefix: the object grant is "<bucket>/<prefix>*" on this bucket only; every other statement names one resource.',
    );

    // Dynamic partitioning: JQ 1.6 reads the partition keys from each record.
    const stream = new firehose.CfnDeliveryStream(this, 'Stream', {
      deliveryStreamType: 'DirectPut',
      deliveryStreamEncryptionConfigurationInput: { keyType: 'AWS_OWNED_CMK' },
      extendedS3DestinationConfiguration: {
        bucketArn: this.bucket.bucketArn,
        roleArn: role.roleArn,
        prefix: `${this.prefix}family=!{partitionKeyFromQuery:family}/dt=!{partitionKeyFromQuery:dt}/`,
        errorOutputPrefix: `${this.prefix}errors/!{firehose:error-output-type}/!{timestamp:yyyy-MM-dd}/`,
        bufferingHints: {
          intervalInSeconds: (props.bufferingInterval ?? Duration.seconds(300)).toSeconds(),
          sizeInMBs: (props.bufferingSize ?? Size.mebibytes(128)).toMebibytes(),
        },
        compressionFormat: 'UNCOMPRESSED',
        dynamicPartitioningConfiguration: { enabled: true, retryOptions: { durationInSeconds: 300 } },
        processingConfiguration: {
          enabled: true,
          processors: [
            {
              type: 'MetadataExtraction',
              parameters: [
                { parameterName: 'MetadataExtractionQuery', parameterValue: LAKE_JQ_QUERY },
                { parameterName: 'JsonParsingEngine', parameterValue: 'JQ-1.6' },
              ],
            },
          ],
        },
        cloudWatchLoggingOptions: {
          enabled: true,
          logGroupName: logGroup.logGroupName,
          logStreamName: logStream.logStreamName,
        },
      },
    });
    // The role's policy must exist before Firehose checks it at creation.
    stream.node.addDependency(role);
    this.deliveryStream = stream;
    this.deliveryStreamName = stream.ref;
    this.deliveryStreamArn = stream.attrArn;

    const databaseName =
      props.databaseName ?? `${stack.stackName}_genesys_lake`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
    const tableName = props.tableName ?? 'events';
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: {
        name: databaseName,
        description: 'Genesys Cloud events of the genesys-event-pipeline data lake',
      },
    });
    const location = `s3://${this.bucket.bucketName}/${this.prefix}`;
    this.table = new glue.CfnTable(this, 'Table', {
      catalogId: stack.account,
      databaseName,
      tableInput: {
        name: tableName,
        description: 'One row per Genesys event (NDJSON), partitioned by family and event date (docs/processing.md)',
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: [
          { name: 'family', type: 'string', comment: 'event family: conversation, user-presence, …, generic' },
          { name: 'dt', type: 'string', comment: 'UTC date of event_time, YYYY-MM-DD' },
        ],
        parameters: {
          classification: 'json',
          EXTERNAL: 'TRUE',
          'projection.enabled': 'true',
          'projection.family.type': 'enum',
          'projection.family.values': LAKE_FAMILIES.join(','),
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': `${props.projectionStartDate ?? '2024-01-01'},NOW`,
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          'storage.location.template': `${location}family=\${family}/dt=\${dt}/`,
        },
        storageDescriptor: {
          location,
          columns: LAKE_COLUMNS.map((c) => ({ name: c.name, type: c.type, comment: c.comment })),
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: {
            serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
            parameters: { 'ignore.malformed.json': 'false' },
          },
        },
      },
    });
    this.table.addResourceDependency(this.database);

    // Firehose's own delivery metric: the share of S3 puts that succeeded, per period.
    this.deliveryFailureAlarm = new cloudwatch.Alarm(this, 'DeliveryFailureAlarm', {
      alarmDescription:
        'The data lake’s Firehose stream failed to deliver to S3 (DeliveryToS3.Success < 1). Firehose retries while it retains the records (24 hours for Direct PUT), then they are lost: check the stream’s error logs and the bucket’s permissions today.',
      metric: new cloudwatch.Metric({
        namespace: 'AWS/Firehose',
        metricName: 'DeliveryToS3.Success',
        dimensionsMap: { DeliveryStreamName: this.deliveryStreamName },
        statistic: cloudwatch.Stats.MINIMUM,
        period: Duration.minutes(5),
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (resources.alarmTopic) {
      this.deliveryFailureAlarm.addAlarmAction(new SnsAction(resources.alarmTopic));
      this.deliveryFailureAlarm.addOkAction(new SnsAction(resources.alarmTopic));
    }
  }

  /** Lets `grantee` call `firehose:PutRecordBatch` on this stream, and nothing else. */
  grantPutRecordBatch(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['firehose:PutRecordBatch'],
      resourceArns: [this.deliveryStreamArn],
    });
  }
}
