#!/usr/bin/env node
// Copies the dashboard's static files (src/dashboard/static) next to the compiled module
// (<outDir>/dashboard/static), so the built package serves them without the source tree.
// Usage: node scripts/copy-dashboard-assets.mjs [outDir]   (default: dist)
import { cpSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(root, process.argv[2] ?? 'dist');
const from = join(root, 'src', 'dashboard', 'static');
const to = join(outDir, 'dashboard', 'static');
if (!existsSync(join(outDir, 'dashboard'))) {
  console.error(
    `copy-dashboard-assets: ${join(outDir, 'dashboard')} does not exist; run the TypeScript build (tsc -p tsconfig.build.json) first.`,
  );
  process.exit(1);
}
cpSync(from, to, { recursive: true });
console.error(`copy-dashboard-assets: ${from} → ${to}`);
