/**
 * An example sink: every call abandoned in a queue becomes an item of your own DynamoDB table —
 * a call-back list for the team that rings customers back, with the queue's name.
 *
 * It runs unchanged in the local pipeline and on AWS:
 *
 *   genesys-pipeline run --sink examples/sinks/abandoned-calls.ts --sink-options '{"tableName":"abandoned-calls"}'
 *
 *   new GenesysEventPipeline(stack, 'Pipeline', {
 *     source: { … },
 *     sinks: [{
 *       entry: 'examples/sinks/abandoned-calls.ts',
 *       options: { tableName: table.tableName },
 *       grants: (role) => table.grant(role, 'dynamodb:PutItem'),
 *     }],
 *   });
 *
 * What it shows: a factory of the sink's options; typed events of every family (`event.kind`
 * narrows the body); the event key as the item's key, so a re-delivery rewrites the same item
 * (delivery to a sink is at least once); names from `context.directory`; the two ways to fail —
 * transient (retried; the AWS SDK's throttling and 5xx are transient by themselves) and
 * permanent (dead-lettered for this sink alone, redriven with `dlq redrive --sink abandoned-calls`).
 */
import { DynamoDBClient, PutItemCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { PermanentProcessingError } from 'genesys-event-pipeline/processing';
import type { SinkFactory } from 'genesys-event-pipeline/processing';

/** The sink's options. */
export interface AbandonedCallsOptions {
  /** The table (partition key `eventKey`, S). */
  tableName: string;
  /** A DynamoDB endpoint other than AWS's (tests, DynamoDB Local). */
  endpoint?: string;
  region?: string;
}

const createSink: SinkFactory<AbandonedCallsOptions> = (options) => {
  if (typeof options.tableName !== 'string' || options.tableName === '')
    throw new Error('abandoned-calls needs the option "tableName" (the DynamoDB table to write to).');
  const client = new DynamoDBClient({
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.region ? { region: options.region } : {}),
  });
  return {
    name: 'abandoned-calls',
    async handle(event, context) {
      // Only the end of a queue wait that the customer gave up on.
      if (event.kind !== 'conversation' || event.topic !== 'acd.end') return;
      if (event.body.acdOutcome !== 'ABANDON') return;
      const queueId = event.body.queueId;
      const queue = queueId ? await context.directory.lookup('queue', queueId) : undefined;
      try {
        await client.send(
          new PutItemCommand({
            TableName: options.tableName,
            Item: {
              eventKey: { S: event.key },
              conversationId: { S: event.conversationId },
              abandonedAt: { S: new Date(event.eventTime).toISOString() },
              ...(queueId ? { queueId: { S: queueId } } : {}),
              ...(queue ? { queueName: { S: queue.name } } : {}),
              ...(event.body.ani ? { ani: { S: event.body.ani } } : {}),
            },
          }),
        );
      } catch (error) {
        // Retrying cannot create the table: say what to fix. Anything else the processor
        // classifies (throttling, 5xx and network errors are retried).
        if (error instanceof ResourceNotFoundException)
          throw new PermanentProcessingError(
            `Table ${options.tableName} does not exist; create it (partition key eventKey, S), then redrive.`,
          );
        throw error;
      }
    },
  };
};

export default createSink;
