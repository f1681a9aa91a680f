#!/usr/bin/env node
/**
 * Entry point of the `genesys-pipeline` command. All commands are declared in `program.ts`;
 * this file only runs the program and turns errors into an exit status.
 */
// The AWS SDK warns on every process under Node.js 20 that its releases after January 2027 need
// Node.js 22 (the README says so once); a CLI should not print that on every command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { buildProgram } from './program.js';
import { reportCliError } from './errors.js';

buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.exitCode = reportCliError(error);
  });
