/**
 * The `genesys-pipeline` command line: one module per command under `commands/`, each exporting
 * `register(program)`. Add a command by adding its module and one line below.
 */
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { register as registerSetup } from './commands/setup.js';
import { register as registerTopics } from './commands/topics.js';
import { register as registerStatus } from './commands/status.js';
import { register as registerPlan } from './commands/plan.js';
import { register as registerSimulate } from './commands/simulate.js';
import { register as registerInspect } from './commands/inspect.js';
import { register as registerTestEventPattern } from './commands/test-event-pattern.js';
import { register as registerRun } from './commands/run.js';
import { register as registerDlq } from './commands/dlq.js';
import { register as registerReplay } from './commands/replay.js';
import { register as registerDirectory } from './commands/directory.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export function buildProgram(): Command {
  const program = new Command('genesys-pipeline')
    .description('Genesys Cloud CX events into AWS: set up, deploy, run locally, operate.')
    .version(pkg.version)
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: true });
  registerSetup(program);
  registerTopics(program);
  registerStatus(program);
  registerPlan(program);
  registerSimulate(program);
  registerInspect(program);
  registerTestEventPattern(program);
  registerRun(program);
  registerDlq(program);
  registerReplay(program);
  registerDirectory(program);
  return program;
}
