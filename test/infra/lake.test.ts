/**
 * The data lake on AWS (`lake` prop), by synth assertions: the Firehose stream (Direct PUT, dynamic
 * partitioning by family and date with JQ, error prefix, SSE), the bucket (encryption, no public
 * access, TLS only, lifecycle, access logs), the Glue database and table (JSON SerDe, partition
 * projection, the record's columns), `firehose:PutRecordBatch` on exactly that stream for the
 * processor alone, the stream name in its environment, the delivery alarm — and cdk-nag clean.
 */
import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { LAKE_COLUMNS, LAKE_FAMILIES } from '../../src/processing/index.js';
import { PipelineConfigError } from '../../infra/lib/errors.js';
import { flatten, logicalIdOf, policyStatements, synthesize, type Synthesized } from './support.js';

const ORG = '0c5c1f0e-2b1a-4c3d-9e8f-1a2b3c4d5e6f';
let s: Synthesized;

beforeAll(() => {
  s = synthesize({ orgId: ORG, eventSourceSuffix: 'prod', lake: {} }, { bundle: false });
});

const resourcesOf = (type: string) =>
  Object.entries(s.template.findResources(type)) as Array<[string, { Properties: Record<string, unknown> }]>;

describe('the data lake (lake prop)', () => {
  it('creates a Direct PUT Firehose stream partitioning by family and event date with JQ, into the bucket', () => {
    const lake = s.pipeline.lake!;
    s.template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'DirectPut',
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' },
      ExtendedS3DestinationConfiguration: Match.objectLike({
        BucketARN: { 'Fn::GetAtt': [logicalIdOf(s.stack, lake.bucket), 'Arn'] },
        Prefix: 'genesys-events/family=!{partitionKeyFromQuery:family}/dt=!{partitionKeyFromQuery:dt}/',
        ErrorOutputPrefix: 'genesys-events/errors/!{firehose:error-output-type}/!{timestamp:yyyy-MM-dd}/',
        DynamicPartitioningConfiguration: { Enabled: true, RetryOptions: { DurationInSeconds: 300 } },
        BufferingHints: { IntervalInSeconds: 300, SizeInMBs: 128 },
        ProcessingConfiguration: {
          Enabled: true,
          Processors: [
            {
              Type: 'MetadataExtraction',
              Parameters: Match.arrayWith([
                { ParameterName: 'MetadataExtractionQuery', ParameterValue: '{family:.family,dt:.event_time[0:10]}' },
                { ParameterName: 'JsonParsingEngine', ParameterValue: 'JQ-1.6' },
              ]),
            },
          ],
        },
      }),
    });
  });

  it('creates an encrypted, private, TLS-only bucket with a lifecycle and server access logs', () => {
    const lake = s.pipeline.lake!;
    const bucket = s.template.toJSON().Resources[logicalIdOf(s.stack, lake.bucket)].Properties;
    expect(bucket.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.LifecycleConfiguration.Rules).toEqual([
      expect.objectContaining({
        Status: 'Enabled',
        ExpirationInDays: 730,
        Transitions: [
          { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
          { StorageClass: 'GLACIER_IR', TransitionInDays: 90 },
        ],
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      }),
    ]);
    expect(bucket.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logicalIdOf(s.stack, lake.accessLogsBucket!) },
      LogFilePrefix: 'lake-bucket/',
    });
    // enforceSSL: a bucket policy denying requests without TLS.
    const denies = policyStatements(s.template).filter(
      (f) =>
        f.type === 'AWS::S3::BucketPolicy' &&
        f.statement.Effect === 'Deny' &&
        JSON.stringify(f.statement.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }) &&
        flatten(f.statement.Resource).includes(logicalIdOf(s.stack, lake.bucket)),
    );
    expect(denies).toHaveLength(1);
  });

  it('creates a Glue table with the record’s columns, JSON SerDe and partition projection on family and dt', () => {
    const [, table] = resourcesOf('AWS::Glue::Table')[0]!;
    const input = table.Properties.TableInput as {
      PartitionKeys: Array<{ Name: string }>;
      StorageDescriptor: {
        Columns: Array<{ Name: string; Type: string }>;
        SerdeInfo: { SerializationLibrary: string };
      };
      Parameters: Record<string, unknown>;
    };
    expect(input.PartitionKeys.map((k) => k.Name)).toEqual(['family', 'dt']);
    expect(input.StorageDescriptor.Columns.map((c) => [c.Name, c.Type])).toEqual(
      LAKE_COLUMNS.map((c) => [c.name, c.type]),
    );
    expect(input.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe('org.openx.data.jsonserde.JsonSerDe');
    expect(input.Parameters).toMatchObject({
      'projection.enabled': 'true',
      'projection.family.type': 'enum',
      'projection.family.values': LAKE_FAMILIES.join(','),
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.dt.range': '2024-01-01,NOW',
    });
    expect(flatten(input.Parameters['storage.location.template'])).toMatch(
      /^s3:\/\/<.*Bucket.*>\/genesys-events\/family=\$\{family\}\/dt=\$\{dt\}\/$/,
    );
    s.template.hasResourceProperties('AWS::Glue::Database', {
      DatabaseInput: Match.objectLike({ Name: 'teststack_genesys_lake' }),
    });
  });

  it('gives the processor alone firehose:PutRecordBatch on exactly that stream, and the stream’s name', () => {
    const lake = s.pipeline.lake!;
    const streamArn = { 'Fn::GetAtt': [logicalIdOf(s.stack, lake.deliveryStream), 'Arn'] };
    const grants = policyStatements(s.template).filter((f) => flatten(f.statement.Action).includes('firehose:'));
    expect(grants).toHaveLength(1);
    expect(grants[0]!.statement).toMatchObject({ Action: 'firehose:PutRecordBatch', Resource: streamArn });
    const processorRole = s.pipeline.functions.processor!.role!;
    expect(grants[0]!.roles).toEqual([logicalIdOf(s.stack, processorRole)]);
    const processor = s.template.toJSON().Resources[logicalIdOf(s.stack, s.pipeline.functions.processor!)];
    expect(processor.Properties.Environment.Variables.LAKE_DELIVERY_STREAM_NAME).toEqual({
      Ref: logicalIdOf(s.stack, lake.deliveryStream),
    });
  });

  it('alarms when the stream fails to deliver to S3', () => {
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'DeliveryToS3.Success',
      Namespace: 'AWS/Firehose',
      Statistic: 'Minimum',
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
    });
  });

  it('is cdk-nag clean', () => {
    const violations = s.validationReport.pluginReports.flatMap((r) => r.violations);
    expect(violations).toEqual([]);
  });

  it('has none of it without the prop', () => {
    const plain = synthesize({ orgId: ORG, eventSourceSuffix: 'prod' }, { bundle: false });
    plain.template.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 0);
    plain.template.resourceCountIs('AWS::Glue::Table', 0);
    expect(plain.pipeline.lake).toBeUndefined();
  });

  it('takes KMS encryption and its own lifecycle, and lists every problem of a wrong lake prop', () => {
    const kms = synthesize(
      {
        orgId: ORG,
        eventSourceSuffix: 'prod',
        lake: { encryption: 'KMS_MANAGED', expireAfter: false, transitionToGlacierAfter: Duration.days(180) },
      },
      { bundle: false },
    );
    const bucket = kms.template.toJSON().Resources[logicalIdOf(kms.stack, kms.pipeline.lake!.bucket)].Properties;
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration[0]).toMatchObject({
      ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' },
      BucketKeyEnabled: true,
    });
    expect(bucket.LifecycleConfiguration.Rules[0].ExpirationInDays).toBeUndefined();
    expect(bucket.LifecycleConfiguration.Rules[0].Transitions[1]).toEqual({
      StorageClass: 'GLACIER_IR',
      TransitionInDays: 180,
    });

    let error: unknown;
    try {
      synthesize(
        {
          orgId: ORG,
          eventSourceSuffix: 'prod',
          lake: { prefix: 'no-slash', bufferingInterval: Duration.seconds(30), databaseName: 'Bad-Name' },
        },
        { bundle: false },
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PipelineConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/lake\.prefix "no-slash" must be S3 key segments ending in "\/"/);
    expect(message).toMatch(/lake\.bufferingInterval must be 60–900 seconds/);
    expect(message).toMatch(/lake\.databaseName "Bad-Name" must be lower-case/);
  });
});
