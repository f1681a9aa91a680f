/**
 * Where the construct finds the files it bundles into Lambda functions. It runs in two places: in a
 * clone of this repository (`infra/lib/*.ts`, the CDK app in `infra/app.ts`), and installed as the
 * package subpath `genesys-event-pipeline/cdk` (`node_modules/genesys-event-pipeline/dist/cdk/lib/*.js`)
 * in somebody else's CDK app. A clone has the TypeScript sources and our `package-lock.json`; the
 * installed package has the compiled modules (`dist/`) and its dependencies in the app's
 * `node_modules`, pinned by the app's own lock file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PipelineConfigError } from './errors.js';

const PACKAGE_NAME = 'genesys-event-pipeline';

/** The nearest folder at or above `from` whose package.json is this package's. */
function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME)
      return dir;
    if (dirname(dir) === dir)
      throw new Error(
        `${fileURLToPath(import.meta.url)} is not inside the ${PACKAGE_NAME} package (no package.json names it).`,
      );
  }
}

/** The package's root folder: the repository root in a clone, `node_modules/genesys-event-pipeline` when installed. */
export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/**
 * The file esbuild bundles for a Lambda entry named relative to the repository root
 * (`src/functions/processor.ts`, as `LAMBDA_FUNCTIONS` names it): that TypeScript file in a clone,
 * its compiled module (`dist/functions/processor.js`) in the installed package. `undefined` when
 * neither exists.
 */
export function findFunctionEntry(entry: string): string | undefined {
  const candidates = [entry, entry.replace(/^src\//, 'dist/').replace(/\.ts$/, '.js')];
  return candidates.map((file) => join(PACKAGE_ROOT, file)).find((path) => existsSync(path));
}

/**
 * `findFunctionEntry`, for a function that must exist.
 *
 * @throws PipelineConfigError when neither the source nor the compiled module exists.
 */
export function functionEntry(entry: string): string {
  const found = findFunctionEntry(entry);
  if (!found)
    throw new PipelineConfigError([
      `the function entry ${entry} exists neither in ${PACKAGE_ROOT} nor compiled under dist/.`,
    ]);
  return found;
}

/**
 * Which dependencies the bundles take. In a clone: this repository's, pinned by its
 * `package-lock.json`. Installed: nothing is set, so `NodejsFunction` finds the lock file of the app
 * being synthesized (upwards from the working directory) and bundles that app's installed copies.
 */
export function bundlingRoot(): { projectRoot?: string; depsLockFilePath?: string } {
  const lockFile = join(PACKAGE_ROOT, 'package-lock.json');
  return existsSync(lockFile) ? { projectRoot: PACKAGE_ROOT, depsLockFilePath: lockFile } : {};
}
