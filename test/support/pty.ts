/**
 * Runs `genesys-pipeline` in a pseudo-terminal, as a person at a terminal does, and returns
 * everything the terminal received (stdout and stderr interleaved, as on a screen). Uses
 * util-linux's `script` (Debian's bsdutils, installed everywhere): no native addon.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cliEntry, projectRoot } from './paths.js';

/** What a run in a terminal showed. */
export interface PtyRun {
  code: number | null;
  /** The terminal's output: text with `\r`, `\n` and escape sequences as sent. */
  output: string;
}

/** Throws a clear error when `script` is missing. */
function requireScript(): void {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      'The terminal tests need util-linux "script" (Debian package bsdutils): apt-get install -y bsdutils.',
    );
  }
}

/** The escape character (terminal control sequences start with it). */
export const ESC = '\x1b';

/** A shell word. */
const quote = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`;

/**
 * @example
 * const run = await runCliInPty(['inspect', 'events.ndjson'], { columns: 200 });
 * run.output.split('\r') // the progress line's successive states
 */
export function runCliInPty(
  args: readonly string[],
  options: { columns?: number; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<PtyRun> {
  requireScript();
  const command = [process.execPath, cliEntry, ...args].map(quote).join(' ');
  // A pseudo-terminal starts with no size: give it one, as a terminal window has.
  const shell = `stty cols ${options.columns ?? 200} rows 50; exec ${command}`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['--quiet', '--flush', '--return', '--command', shell, '/dev/null'], {
      cwd: projectRoot,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** The successive states of a progress line that starts with `label`: each redraw's text, escapes removed. */
export function progressFrames(output: string, label: string): string[] {
  return output
    .split('\r')
    .map((frame) => frame.replace(new RegExp(`${ESC}\\[K`, 'g'), '').replace(/\n.*$/s, ''))
    .filter((frame) => frame.startsWith(`${label} `));
}
