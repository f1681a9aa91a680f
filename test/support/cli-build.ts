/**
 * Vitest global set-up: transpiles `src/` to JavaScript once per test run, file by file with
 * esbuild (what tsx does at every start of a process), into `.test-build/`. The tests that run
 * `genesys-pipeline` as a child process (`runCli`, `runCliInPty`, `startRuntimeProcess`) start it
 * from there: about a second of CPU less per process than loading the sources through tsx's
 * loader, over ~150 processes per run. The code is the same, module for module, as the sources;
 * `.test-build/` sits two levels above the files it holds, as `dist/` does, so every path the
 * code resolves from its own location (package.json, the dashboard's assets) resolves as it does
 * from a build. Rebuilt only when a source file changed (and before each re-run in watch mode).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { TestProject } from 'vitest/node';
import { cliBuildDir, projectRoot } from './paths.js';

const sources = join(projectRoot, 'src');
const stampFile = join(cliBuildDir, '.sources');

/** The sources' names, sizes and modification times: what the build in `.test-build/` was made from. */
function sourceStamp(files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of files) {
    const { size, mtimeMs } = statSync(join(sources, file));
    hash.update(`${file}\0${size}\0${mtimeMs}\n`);
  }
  return hash.digest('hex');
}

async function transpileIfChanged(): Promise<void> {
  const files = readdirSync(sources, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .sort();
  const stamp = sourceStamp(files);
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return;
  rmSync(cliBuildDir, { recursive: true, force: true });
  await build({
    entryPoints: files.map((file) => join(sources, file)),
    outdir: cliBuildDir,
    outbase: sources,
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Stack traces of a failing child name the source lines.
    sourcemap: 'inline',
    sourcesContent: false,
    logLevel: 'warning',
  });
  writeFileSync(stampFile, stamp);
}

export default async function setup(project: TestProject): Promise<void> {
  await transpileIfChanged();
  project.onTestsRerun(transpileIfChanged);
}
