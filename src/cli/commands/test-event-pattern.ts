/**
 * `genesys-pipeline test-event-pattern`: does an event match an event pattern? The local
 * equivalent of `aws events test-event-pattern`, with the same answer, output and error texts,
 * so rules can be tried against real Genesys events before they are deployed.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { EventBridgeValidationException, InvalidEventPatternException } from '../../eventbridge/errors.js';
import { MAX_EVENT_PATTERN_LENGTH, REQUIRED_TEST_EVENT_FIELDS, testEventPattern } from '../../eventbridge/pattern.js';
import { CliError } from '../errors.js';

interface Options {
  eventPattern: string;
  event: string;
}

export function register(program: Command): void {
  program
    .command('test-event-pattern')
    .description('Test whether an event matches an EventBridge event pattern (as `aws events test-event-pattern`)')
    .requiredOption(
      '--event-pattern <json|@file>',
      'the event pattern: JSON text, @path or file://path to read it from a file, @- for stdin',
    )
    .requiredOption(
      '--event <json|@file>',
      'the event (id, account, source, time, region and detail-type are mandatory): JSON text, @path, file://path or @-',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ genesys-pipeline test-event-pattern --event-pattern @rule.json --event @event.json
  $ genesys-pipeline test-event-pattern \\
      --event-pattern '{"source":[{"prefix":"aws.partner/genesys.com/cloud/"}],"detail-type":["v2.detail.events.conversation.{id}.acd.end"]}' \\
      --event @acd-end.json

Prints {"Result": true} or {"Result": false}. An invalid pattern prints AWS's InvalidEventPatternException
message and exits with status 1.`,
    )
    .action((options: Options) => {
      const pattern = readArgument(options.eventPattern, 'event pattern');
      const event = readArgument(options.event, 'event');
      let result: boolean;
      try {
        result = testEventPattern(pattern, event);
      } catch (error) {
        if (error instanceof InvalidEventPatternException)
          throw new CliError(awsError(error.code, error.awsMessage), 1);
        if (error instanceof EventBridgeValidationException)
          throw new CliError(`${awsError(error.code, error.message)}\n${explainEvent(pattern, event)}`, 1);
        throw error;
      }
      process.stdout.write(`${JSON.stringify({ Result: result }, null, 4)}\n`);
    });
}

/** The AWS CLI's error line. */
function awsError(code: string, message: string): string {
  return `An error occurred (${code}) when calling the TestEventPattern operation: ${message}`;
}

/** `@path`, `file://path` or `@-` (stdin): the file's text; anything else: the text itself. */
function readArgument(value: string, what: string): string {
  let path: string | undefined;
  if (value.startsWith('file://')) path = value.slice('file://'.length);
  else if (value.startsWith('@')) path = value.slice(1);
  if (path === undefined) return value;
  if (path === '')
    throw new CliError(`No file named after "@" for the ${what}. Use @path/to/file.json (or @- for stdin).`, 2);
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new CliError(`Cannot read the ${what} from ${path === '-' ? 'stdin' : path}: ${reason}.`, 1);
  }
}

/** Why AWS refuses this event, in one line (AWS itself only says "Parameter Event is not valid."). */
function explainEvent(pattern: string, event: string): string {
  let value: unknown;
  try {
    value = JSON.parse(event);
  } catch (error) {
    return `The event is not valid JSON (${(error as Error).message}).`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'The event must be a JSON object (one EventBridge event), not an array, string or number.';
  }
  const missing = REQUIRED_TEST_EVENT_FIELDS.filter((f) => !(f in value));
  if (missing.length > 0) return `The event lacks the field(s) TestEventPattern requires: ${missing.join(', ')}.`;
  return `The event pattern has ${pattern.length} characters; EventBridge accepts at most ${MAX_EVENT_PATTERN_LENGTH}.`;
}
