#!/usr/bin/env node
// Puts the compiled CDK construct where the package publishes it: `genesys-event-pipeline/cdk`
// is `dist/cdk/index.js`. `tsc -p tsconfig.cdk.json` compiles `infra/index.ts` (and what it
// imports) with the repository's layout into `dist/.cdk-tsc/{infra,src}/…`; this script moves
// `infra/index.*` and `infra/lib/*` to `dist/cdk/`, points their imports of `src/<module>/…` at the
// library's own build (`dist/<module>/…`, from `tsc -p tsconfig.build.json`), and deletes the rest.
// The construct stays in infra/ (the CDK app beside it imports it from there); only the build moves.
// Usage: node scripts/place-cdk-build.mjs [outDir]   (default: dist)
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The relative module specifiers of a compiled file: `from '…'`, `import('…')`, `import '…'`. */
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.\.?\/[^'"]+)\2/g;

/**
 * Where a file of the compiled tree goes in the package, as a path relative to outDir:
 * `infra/<p>` → `cdk/<p>`, `src/<p>` → `<p>` (the library's own build).
 *
 * @throws Error for a file outside infra/ and src/ (the package would not contain it).
 */
export function packagePath(treePath) {
  if (treePath.startsWith('infra/')) return `cdk/${treePath.slice('infra/'.length)}`;
  if (treePath.startsWith('src/')) return treePath.slice('src/'.length);
  throw new Error(`place-cdk-build: ${treePath} is neither in infra/ nor in src/; the package cannot contain it.`);
}

/**
 * Rewrites the relative imports of one compiled file of infra/ (`treePath`, e.g.
 * `infra/lib/config.js`) for its place in the package: `'../../src/events/index.js'` from
 * `infra/lib/` becomes `'../../events/index.js'` from `cdk/lib/`.
 */
export function rewriteImports(text, treePath) {
  const from = posix.dirname(packagePath(treePath));
  return text.replace(SPECIFIER, (match, lead, quote, specifier) => {
    const target = packagePath(posix.normalize(posix.join(posix.dirname(treePath), specifier)));
    let moved = posix.relative(from, target);
    if (!moved.startsWith('.')) moved = `./${moved}`;
    return `${lead}${quote}${moved}${quote}`;
  });
}

function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path).map((f) => `${name}/${f}`) : [name];
  });
}

function main() {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const outDir = resolve(root, process.argv[2] ?? 'dist');
  const tree = join(outDir, '.cdk-tsc');
  for (const needed of [join(tree, 'infra', 'index.js'), join(outDir, 'index.js')]) {
    if (!existsSync(needed)) {
      console.error(
        `place-cdk-build: ${needed} does not exist; run tsc -p tsconfig.build.json and tsc -p tsconfig.cdk.json first (npm run build).`,
      );
      process.exit(1);
    }
  }
  const target = join(outDir, 'cdk');
  rmSync(target, { recursive: true, force: true });
  const files = filesUnder(join(tree, 'infra')).filter(
    (f) => f === 'index.js' || f === 'index.d.ts' || f.startsWith('lib/'),
  );
  for (const file of files) {
    const treePath = `infra/${file}`;
    const to = join(outDir, packagePath(treePath));
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, rewriteImports(readFileSync(join(tree, treePath), 'utf8'), treePath));
  }
  // Every module the construct imports must be in the library's build.
  for (const file of files.filter((f) => f.endsWith('.js'))) {
    const placed = join(outDir, packagePath(`infra/${file}`));
    for (const [, , , specifier] of readFileSync(placed, 'utf8').matchAll(SPECIFIER)) {
      if (!existsSync(join(dirname(placed), specifier))) {
        console.error(`place-cdk-build: ${placed} imports ${specifier}, which the build does not contain.`);
        process.exit(1);
      }
    }
  }
  rmSync(tree, { recursive: true, force: true });
  console.error(`place-cdk-build: ${files.length} files → ${target}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
