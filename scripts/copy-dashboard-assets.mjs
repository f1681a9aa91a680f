#!/usr/bin/env node
// Copies the static files of the pages — the dashboard's (src/dashboard/static) and the plan
// page's (src/plan/html/static) — next to their compiled modules (<outDir>/…/static), so the
// built package serves and inlines them without the source tree.
// Usage: node scripts/copy-dashboard-assets.mjs [outDir]   (default: dist)
import { cpSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(root, process.argv[2] ?? 'dist');
for (const module of [['dashboard'], ['plan', 'html']]) {
  const from = join(root, 'src', ...module, 'static');
  const to = join(outDir, ...module, 'static');
  if (!existsSync(join(outDir, ...module))) {
    console.error(
      `copy-dashboard-assets: ${join(outDir, ...module)} does not exist; run the TypeScript build (tsc -p tsconfig.build.json) first.`,
    );
    process.exit(1);
  }
  cpSync(from, to, { recursive: true });
  console.error(`copy-dashboard-assets: ${from} → ${to}`);
}
