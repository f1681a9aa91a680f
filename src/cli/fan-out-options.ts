/**
 * The command-line options of the local fan-out bus (`run`): `--fan-out-bus NAME` and
 * `--fan-out-rule 'PATTERN=>TARGET'` (repeatable). See docs/processing.md, "Fan-out to an event bus".
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { LocalFanOut, parseFanOutRule } from '../runtime/fan-out.js';
import type { FanOutRule } from '../runtime/fan-out.js';
import { CliError } from './errors.js';

/**
 * Adds the fan-out options to `command`; the returned function builds the {@link LocalFanOut}
 * from the parsed options (undefined without `--fan-out-bus`).
 *
 * @example
 * const fanOut = fanOutOptions(command);
 * // genesys-pipeline run --fan-out-bus contact-centre --fan-out-rule '{"detail-type":["conversation"]}=>file:calls.ndjson'
 * const local = fanOut(options.fanOutBus); // LocalFanOut | undefined
 */
export function fanOutOptions(command: Command): (busName: string | undefined) => LocalFanOut | undefined {
  const rules: FanOutRule[] = [];
  command
    .option(
      '--fan-out-bus <name>',
      'publish every processed event to this custom bus of a local EventBridge (source "genesys-event-pipeline", detail-type the family); docs/processing.md, "Fan-out to an event bus"',
    )
    .option(
      '--fan-out-rule <rule>',
      "a rule on the fan-out bus, 'PATTERN=>TARGET': an event pattern, then file:<path> (NDJSON lines) or an http(s):// URL (POST); repeatable",
      (text: string) => {
        try {
          rules.push(parseFanOutRule(text));
        } catch (error) {
          throw new InvalidArgumentError((error as Error).message);
        }
        return text;
      },
    );
  return (busName) => {
    if (busName === undefined) {
      if (rules.length)
        throw new CliError('--fan-out-rule adds a rule to the fan-out bus: give --fan-out-bus NAME too.', 2);
      return undefined;
    }
    try {
      return LocalFanOut.create({ busName, rules });
    } catch (error) {
      throw new CliError((error as Error).message, 2);
    }
  };
}
