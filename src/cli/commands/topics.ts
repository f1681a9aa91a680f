/**
 * `genesys-pipeline topics`: the notification topics this org can send to Amazon EventBridge
 * (`GET /api/v2/notifications/availabletopics?expand=transports`).
 */
import type { Command } from 'commander';
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
      const topics = filterEventBridgeTopics(await listAvailableTopics(client.http), options.filter);
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
      for (const topic of topics)
        process.stdout.write(`${topic.id.padEnd(width)}  ${topic.description ?? ''}`.trimEnd() + '\n');
      process.stderr.write(
        `${topics.length} topic(s). Give them to setup with --topic (short names such as acd.end work for conversation topics).\n`,
      );
    });
  });
}
