/**
 * An example sink for local use: appends each new event as one JSON line to a file (for `jq`,
 * a spreadsheet import, or a quick look at what the pipeline accepted).
 */
import { appendFile } from 'node:fs/promises';
import type { GenesysEvent } from '../../events/index.js';
import type { Sink, SinkContext } from '../sink.js';

/**
 * @example
 * const sinks = [new ConversationProjectionSink(store), new NdjsonFileSink('accepted-events.ndjson')];
 */
export class NdjsonFileSink implements Sink {
  readonly name = 'ndjson-file';
  constructor(private readonly path: string) {}

  async handle(event: GenesysEvent, context: SinkContext): Promise<void> {
    const line = JSON.stringify({
      key: event.key,
      topic: event.genericTopic,
      messageId: context.messageId,
      event: event.envelope,
    });
    await appendFile(this.path, `${line}\n`, 'utf8');
  }
}
