#!/usr/bin/env node
/**
 * Entry point of the `genesys-pipeline` command. All commands are declared in `program.ts`;
 * this file only runs the program and turns errors into an exit status.
 */
import { buildProgram } from './program.js';
import { reportCliError } from './errors.js';

buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.exitCode = reportCliError(error);
  });
