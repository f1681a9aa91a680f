/**
 * The public API is what docs/api.md lists: `package.json` → `exports` names one entry file per
 * subpath, each entry lists its names one by one (no `export *`), those names are the ones the
 * page lists under that subpath, and importing the entry gives exactly its value names.
 * `dist/<path>.js` is built from `src/<path>.ts`, but `dist/cdk/` from `infra/` (the CDK
 * construct; `scripts/place-cdk-build.mjs`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const PACKAGE = 'genesys-event-pipeline';

interface Entry {
  /** `genesys-event-pipeline` or `genesys-event-pipeline/<subpath>`. */
  specifier: string;
  /** The source file, e.g. `src/events/index.ts`, `infra/index.ts`. */
  source: string;
}

function entries(): Entry[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    exports: Record<string, string | { types: string; default: string }>;
  };
  return Object.entries(pkg.exports)
    .filter(([subpath]) => subpath !== './package.json')
    .map(([subpath, target]) => {
      const built = typeof target === 'string' ? target : target.default;
      expect(built, subpath).toMatch(/^\.\/dist\/.+\.js$/);
      return {
        specifier: subpath === '.' ? PACKAGE : `${PACKAGE}/${subpath.slice(2)}`,
        source: built
          .replace(/^\.\/dist\/(cdk\/)?/, (_, cdk?: string) => (cdk ? 'infra/' : 'src/'))
          .replace(/\.js$/, '.ts'),
      };
    });
}

/** The names an entry file exports: `export { … } from` and `export type { … } from` lists only. */
function exportsOf(source: string): { values: string[]; types: string[] } {
  const text = readFileSync(join(ROOT, source), 'utf8');
  expect(text, `${source} must list its names (no export *)`).not.toMatch(/export \*/);
  const values: string[] = [];
  const types: string[] = [];
  for (const m of text.matchAll(/export (type )?\{([^}]*)\} from '[^']+';/g)) {
    const names = m[2]!
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean)
      .map((n) => n.split(/\s+as\s+/).pop()!);
    (m[1] ? types : values).push(...names);
  }
  const statements = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  expect(statements.replace(/export (type )?\{[^}]*\} from '[^']+';/g, '').trim(), `${source}: only re-exports`).toBe(
    '',
  );
  return { values: values.sort(), types: types.sort() };
}

/** docs/api.md: the names in the list items of each `## \`<specifier>\`` section. */
function documented(): Map<string, string[]> {
  const doc = readFileSync(join(ROOT, 'docs', 'api.md'), 'utf8');
  const sections = new Map<string, string[]>();
  for (const part of doc.split(/^## /m).slice(1)) {
    const heading = /^`([^`]+)`/.exec(part);
    if (!heading) continue;
    const names = part
      .split('\n')
      .filter((line) => line.startsWith('- '))
      .flatMap((line) => [...line.matchAll(/`([A-Za-z_$][\w$]*)`/g)].map((m) => m[1]!));
    sections.set(heading[1]!, names.sort());
  }
  return sections;
}

describe('the public API', () => {
  const list = entries();
  const docs = documented();

  it('has a docs/api.md section for every package export, and no other', () => {
    expect([...docs.keys()].sort()).toEqual(list.map((e) => e.specifier).sort());
  });

  for (const entry of list) {
    it(`${entry.specifier}: ${entry.source} exports what docs/api.md lists`, async () => {
      const { values, types } = exportsOf(entry.source);
      expect([...values, ...types].sort()).toEqual(docs.get(entry.specifier));
      expect(new Set([...values, ...types]).size, 'a name exported twice').toBe(values.length + types.length);
      const module = (await import(pathToFileURL(join(ROOT, entry.source)).href)) as Record<string, unknown>;
      expect(Object.keys(module).sort()).toEqual(values);
    });
  }

  it('is all that README.md and docs/ import from the package', () => {
    const pages = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((f) => join('docs', f))];
    const unknown: string[] = [];
    for (const page of pages) {
      const text = readFileSync(join(ROOT, page), 'utf8');
      for (const m of text.matchAll(/import (?:type )?\{([^}]*)\} from '(genesys-event-pipeline(?:\/[a-z-]+)?)'/g)) {
        const names = docs.get(m[2]!) ?? [];
        for (const name of m[1]!.split(',').map((n) => n.trim().split(/\s+as\s+/)[0]!)) {
          if (name && !names.includes(name)) unknown.push(`${page}: ${name} from ${m[2]}`);
        }
      }
    }
    expect(unknown).toEqual([]);
  });
});
