/**
 * Paths tests need. The conformance data recorded against real AWS lives next to this
 * repository in `../shared/conformance/` (set GEP_SHARED_DIR to point elsewhere); tests read it
 * from there and never copy it in.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `../shared` (or $GEP_SHARED_DIR). Throws a clear error when it is missing. */
export function sharedDir(): string {
  const dir = process.env.GEP_SHARED_DIR ?? resolve(projectRoot, '..', 'shared');
  if (!existsSync(join(dir, 'conformance'))) {
    throw new Error(`Conformance data not found at ${join(dir, 'conformance')}. Tests read it from ../shared next to the repository; set GEP_SHARED_DIR to its location.`);
  }
  return dir;
}

/** A path below `../shared/conformance`. */
export function conformancePath(...segments: string[]): string {
  return join(sharedDir(), 'conformance', ...segments);
}
