/**
 * A pipeline forwarding the topics Genesys's own blueprints use beside conversation detail events —
 * presence, routing status, audits, transcription — and a topic without a typed model: the rule's
 * pattern names them, each family gets its projection table, the processor its environment and
 * exactly its grants on them, synth says which topics are typed and which generic, cdk-nag passes.
 */
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { settingsFromContext } from '../../infra/index.js';
import { logicalIdOf, policyStatements, synthesize, type Synthesized } from './support.js';

const ORG = '0c5c1f0e-2b1a-4c3d-9e8f-1a2b3c4d5e6f';
const TOPICS = [
  'customer.start',
  'acd.end',
  'v2.users.{id}.presence',
  'v2.users.{id}.routingStatus',
  'v2.audits.entitytype.{id}.entityid.{id}',
  'v2.conversations.{id}.transcription',
  'v2.operations.events.{id}',
];

let s: Synthesized;
let id: (construct: IConstruct) => string;

beforeAll(() => {
  // As `npx cdk deploy -c orgId=… -c eventSourceSuffix=prod -c topics=…` reads them.
  const settings = settingsFromContext(
    (key) => ({ orgId: ORG, eventSourceSuffix: 'prod', topics: TOPICS.join(',') })[key as string],
  );
  s = synthesize(settings.pipeline, { bundle: false }); // the bundles are tested with the default topics
  id = (construct) => logicalIdOf(s.stack, construct);
});

describe('a pipeline of presence, routing status, audit, transcription and a generic topic', () => {
  it("forwards exactly the configured topics: the rule's pattern", () => {
    s.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: [{ prefix: `aws.partner/genesys.com/cloud/${ORG}/` }],
        'detail-type': [
          'v2.detail.events.conversation.{id}.customer.start',
          'v2.detail.events.conversation.{id}.acd.end',
          ...TOPICS.slice(2),
        ],
      },
    });
  });

  it('says at synth which topics are typed and which generic', () => {
    Annotations.fromStack(s.stack).hasInfo(
      '/TestStack/Pipeline',
      Match.stringLikeRegexp(
        'Topics: 6 typed \\(conversation: .*customer.start.*user-presence: v2.users.\\{id\\}.presence; user-routing-status: .*audit: .*transcription: .*\\); 1 generic \\(v2.operations.events.\\{id\\}',
      ),
    );
  });

  it('creates the projection table of each family named, with the keys and indexes the stores use', () => {
    const table = (construct: IConstruct | undefined) => {
      expect(construct).toBeDefined();
      return (
        s.template.findResources('AWS::DynamoDB::Table')[id(construct!)] as { Properties: Record<string, unknown> }
      ).Properties;
    };
    expect(table(s.pipeline.agentStateTable)).toMatchObject({
      KeySchema: [
        { AttributeName: 'userId', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    expect(table(s.pipeline.auditTable)).toMatchObject({
      KeySchema: [
        { AttributeName: 'entity', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        expect.objectContaining({
          IndexName: 'byUser',
          KeySchema: [
            { AttributeName: 'userId', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
        }),
        expect.objectContaining({
          IndexName: 'byEntityType',
          KeySchema: [
            { AttributeName: 'entityType', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
        }),
      ],
    });
    expect(table(s.pipeline.transcriptsTable)).toMatchObject({
      KeySchema: [
        { AttributeName: 'conversationId', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
    expect(table(s.pipeline.genericEventsTable)).toMatchObject({
      KeySchema: [
        { AttributeName: 'stream', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [expect.objectContaining({ IndexName: 'byTopic' })],
    });
    expect(Object.keys(s.template.findResources('AWS::DynamoDB::Table'))).toHaveLength(7);
  });

  it("gives the processor each table's name and exactly its grants on them", () => {
    const processor = s.pipeline.functions.processor!;
    const variables = (
      s.template.findResources('AWS::Lambda::Function')[id(processor)] as {
        Properties: { Environment: { Variables: Record<string, unknown> } };
      }
    ).Properties.Environment.Variables;
    expect(variables).toMatchObject({
      AGENT_STATE_TABLE_NAME: { Ref: id(s.pipeline.agentStateTable!) },
      AUDIT_TABLE_NAME: { Ref: id(s.pipeline.auditTable!) },
      TRANSCRIPTS_TABLE_NAME: { Ref: id(s.pipeline.transcriptsTable!) },
      GENERIC_EVENTS_TABLE_NAME: { Ref: id(s.pipeline.genericEventsTable!) },
    });
    const statements = policyStatements(s.template)
      .filter((f) => f.type === 'AWS::IAM::Policy' && f.roles.includes(id(processor.role!)))
      .map((f) => f.statement);
    // The actions granted on one table (CDK merges statements with the same actions).
    const actionsOn = (table: IConstruct) =>
      statements
        .filter((st) => JSON.stringify(st.Resource).includes(`"${id(table)}"`))
        .flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]))
        .sort();
    expect(actionsOn(s.pipeline.agentStateTable!)).toEqual(['dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(actionsOn(s.pipeline.auditTable!)).toEqual(['dynamodb:PutItem']);
    expect(actionsOn(s.pipeline.transcriptsTable!)).toEqual(['dynamodb:PutItem']);
    expect(actionsOn(s.pipeline.genericEventsTable!)).toEqual(['dynamodb:PutItem']);
    // On the tables themselves, not their indexes.
    expect(JSON.stringify(statements)).not.toContain('/index/');
    // Nothing else may touch them: no other function's role names these tables.
    for (const [role, fn] of Object.entries(s.pipeline.functions)) {
      if (role === 'processor') continue;
      const text = JSON.stringify(policyStatements(s.template).filter((f) => f.roles.includes(id(fn.role!))));
      for (const table of [s.pipeline.agentStateTable!, s.pipeline.auditTable!]) expect(text).not.toContain(id(table));
    }
  });

  it('passes cdk-nag AwsSolutions with zero unacknowledged findings', () => {
    expect(s.validationReport.pluginReports.flatMap((r) => r.violations)).toEqual([]);
  });
});
