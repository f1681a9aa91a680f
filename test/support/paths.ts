/** Paths tests need. */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Where the test run keeps `src/` transpiled to JavaScript (test/support/cli-build.ts), and the
 * `genesys-pipeline` entry point in it that tests start as a child process.
 */
export const cliBuildDir = resolve(projectRoot, '.test-build');
export const cliEntry = resolve(cliBuildDir, 'cli', 'main.js');
