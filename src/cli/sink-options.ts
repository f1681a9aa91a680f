/**
 * The command-line options that load your sink modules: a module option (repeatable) and
 * `--sink-options <json>`, the options of the module given just before it. `run` names the
 * module option `--sink`; `dlq redrive` names it `--sink-module` (its `--sink` is a sink's name).
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { SinkModuleSource } from '../runtime/sink-modules.js';

/**
 * Adds `<flag> <module>` and `--sink-options <json>` to `command`; returns the list they fill, in
 * the order given.
 *
 * @example
 * const sinks = sinkModuleOptions(command, '--sink', 'a sink module of yours …');
 * // genesys-pipeline run --sink ./crm.ts --sink-options '{"url":"…"}' → sinks = [{ path: './crm.ts', options: { url } }]
 */
export function sinkModuleOptions(command: Command, flag: string, description: string): SinkModuleSource[] {
  const sources: SinkModuleSource[] = [];
  command
    .option(`${flag} <module>`, description, (path: string) => {
      sources.push({ path });
      return sources;
    })
    .option(
      '--sink-options <json>',
      `options (a JSON object) for the factory of the ${flag} just before`,
      (text: string) => {
        const last = sources.at(-1);
        if (!last) throw new InvalidArgumentError(`--sink-options must follow the ${flag} it configures.`);
        let options: unknown;
        try {
          options = JSON.parse(text);
        } catch (error) {
          throw new InvalidArgumentError(`--sink-options for ${last.path} is not JSON: ${(error as Error).message}`);
        }
        if (typeof options !== 'object' || options === null || Array.isArray(options))
          throw new InvalidArgumentError(
            `--sink-options for ${last.path} must be a JSON object, e.g. '{"url":"https://…"}'.`,
          );
        last.options = options as Record<string, unknown>;
        return text;
      },
    );
  return sources;
}
