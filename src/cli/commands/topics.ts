/**
 * `genesys-pipeline topics`: the notification topics this org can send to Amazon EventBridge
 * (`GET /api/v2/notifications/availabletopics?expand=transports`).
 */
import type { Command } from 'commander';
import { kindOfTopic } from '../../events/topics.js';
import { listAvailableTopics } from '../../genesys/index.js';
import { filterEventBridgeTopics } from '../../genesys/topics.js';
import { addConnectionOptions, connect, runGenesysCommand } from '../genesys-connection.js';
import type { ConnectionOptions } from '../genesys-connection.js';

interface TopicsCommandOptions extends ConnectionOptions {
  filter?: string;
}

export function register(program: Command): void {
  const command = program
    .command('topics')
    .description('List the Genesys Cloud notification topics available to Amazon EventBridge')
    .option('--filter <text>', 'only topics whose name or description contains this text (any case)');
  addConnectionOptions(command).action(async (options: TopicsCommandOptions) => {
    await runGenesysCommand(options.json, async () => {
      const { client } = connect(options);
      // Each with its model in the pipeline: a typed family's kind, or generic.
      const topics = filterEventBridgeTopics(await listAvailableTopics(client.http), options.filter).map((t) => ({
        ...t,
        kind: kindOfTopic(t.id),
      }));
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ ok: true, topics }, null, 2)}\n`);
        return;
      }
      if (topics.length === 0) {
        process.stdout.write(
          options.filter
            ? `No EventBridge topic matches "${options.filter}".\n`
            : 'No topic is available to EventBridge.\n',
        );
        return;
      }
      const width = Math.max(...topics.map((t) => t.id.length));
      const kindWidth = Math.max(...topics.map((t) => t.kind.length));
      for (const topic of topics)
        process.stdout.write(
          `${topic.id.padEnd(width)}  ${topic.kind.padEnd(kindWidth)}  ${topic.description ?? ''}`.trimEnd() + '\n',
        );
      process.stderr.write(
        `${topics.length} topic(s); the second column is the model the pipeline gives each (a typed family's kind, or generic: stored whole). Give them to setup with --topic (short names such as acd.end work for conversation topics).\n`,
      );
    });
  });
}
