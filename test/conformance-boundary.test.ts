/**
 * `npm test` must pass on a fresh clone with nothing beside it. The data recorded against AWS lives
 * outside the repository, so only the conformance suite (test/conformance/, run by
 * `npm run test:conformance`) may reach for it; this test fails when anything else does.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import defaultConfig from '../vitest.config.js';
import { projectRoot } from './support/paths.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|mjs|js)$/.test(entry.name) ? [path] : [];
  });
}

/** What reaching for the data outside the repository looks like in code. */
const OUTSIDE_DATA = [/shared-data\.js/, /shared\/conformance/, /GEP_SHARED_DIR/, /\.\.\/\.\.\/\.\.\/shared/];

describe('the default suite needs nothing outside the repository', () => {
  it('no file outside test/conformance reads the shared conformance data', () => {
    const offenders = ['src', 'test', 'bench', 'infra', 'scripts']
      .flatMap((dir) => sourceFiles(join(projectRoot, dir)))
      .map((path) => relative(projectRoot, path))
      .filter((path) => !path.startsWith('test/conformance/') && path !== 'test/conformance-boundary.test.ts')
      .filter((path) => OUTSIDE_DATA.some((pattern) => pattern.test(readFileSync(join(projectRoot, path), 'utf8'))));
    expect(offenders).toEqual([]);
  });

  it('the default vitest config leaves the conformance suite out, and that suite has tests', () => {
    expect(defaultConfig.test?.exclude).toContain('test/conformance/**');
    const suite = sourceFiles(join(projectRoot, 'test', 'conformance')).filter((path) => path.endsWith('.test.ts'));
    expect(suite.length).toBeGreaterThanOrEqual(2);
  });
});
