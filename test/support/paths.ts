/**
 * Paths tests need. The conformance data recorded against real AWS lives next to this
 * repository in `../shared/conformance/`; tests read it from there and never copy it in.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The shared directory: `$GEP_SHARED_DIR` if set, else the nearest `shared/` beside the
 * repository or one of its parent directories (a checkout at `<x>/main` finds `<x>/shared`).
 * Throws a clear error when there is none: conformance tests must not pass without their data.
 */
export function sharedDir(): string {
  const candidates: string[] = [];
  if (process.env.GEP_SHARED_DIR) candidates.push(resolve(process.env.GEP_SHARED_DIR));
  for (let dir = resolve(projectRoot, '..'); ; dir = dirname(dir)) {
    candidates.push(join(dir, 'shared'));
    if (dirname(dir) === dir) break;
  }
  const found = candidates.find((dir) => existsSync(join(dir, 'conformance')));
  if (!found) {
    throw new Error(
      `Conformance data not found (looked for shared/conformance in ${candidates.slice(0, 3).join(', ')}, …). ` +
        'Tests read it from ../shared beside the repository; set GEP_SHARED_DIR to the directory that holds conformance/.',
    );
  }
  return found;
}

/** A path below `shared/conformance`. */
export function conformancePath(...segments: string[]): string {
  return join(sharedDir(), 'conformance', ...segments);
}
