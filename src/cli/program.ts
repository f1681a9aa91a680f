/**
 * The `genesys-pipeline` command line: one module per command under `commands/`, each exporting
 * `register(program)`. Add a command by adding its module and one line below.
 */
import { Command } from 'commander';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };


export function buildProgram(): Command {
  const program = new Command('genesys-pipeline')
    .description('Genesys Cloud CX events into AWS: set up, deploy, run locally, operate.')
    .version(pkg.version)
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: true });
  return program;
}
