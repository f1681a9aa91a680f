/**
 * Where the conformance suites (`npm run test:conformance`) find their data: behaviour recorded
 * against real AWS, kept outside this repository in a `shared/conformance/` directory beside the
 * checkout (or named by `$GEP_SHARED_DIR`). Tests read it from there and never copy it in.
 *
 * Only the files of `test/conformance/` may import this module: `npm test` must pass on a fresh
 * clone with nothing beside it (`test/conformance-boundary.test.ts` holds the default suite to that).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { projectRoot } from '../support/paths.js';

/**
 * The shared directory: `$GEP_SHARED_DIR` if set, else the nearest `shared/` beside the
 * repository or one of its parent directories (a checkout at `<x>/main` finds `<x>/shared`).
 * Throws a clear error when there is none: a conformance suite never passes without its data.
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
        'The conformance suite reads the behaviour recorded against AWS from a shared/ directory beside the ' +
        'repository; set GEP_SHARED_DIR to the directory that holds conformance/, or run `npm test`, which needs no data.',
    );
  }
  return found;
}

/** A path below `shared/conformance`. */
export function conformancePath(...segments: string[]): string {
  return join(sharedDir(), 'conformance', ...segments);
}
