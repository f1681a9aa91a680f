/**
 * Runs `genesys-pipeline` as a user does: a child process of the real CLI (the sources, transpiled
 * once per test run by test/support/cli-build.ts), with its stdout, stderr and exit status.
 */
import { spawn } from 'node:child_process';
import { cliEntry, projectRoot } from './paths.js';

/** What a finished CLI run printed and returned. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCli}. */
export interface CliOptions {
  /** The whole environment of the child (default: this process's, with NO_COLOR=1). */
  env?: NodeJS.ProcessEnv;
  /** Text written to the child's stdin, which is then closed (default: closed at once). */
  stdin?: string;
  /** Close the child's stdout once this many characters were read, as `| head` does. */
  stopAfterBytes?: number;
}

/**
 * @example
 * const run = await runCli(['plan', '--rate', '100', '--json']);
 * expect(run.code).toBe(0);
 */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliEntry, ...args], {
      cwd: projectRoot,
      env: options.env ?? { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (options.stopAfterBytes !== undefined && stdout.length >= options.stopAfterBytes) child.stdout.destroy();
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}
