/**
 * `npm run bench [-- NAME…]`: runs every suite in bench/suites (or only those named), prints
 * a table, and writes bench/results.json with the machine and Node version.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import type { BenchResult, BenchSuite } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);

const files = readdirSync(join(here, 'suites'))
  .filter((f) => f.endsWith('.ts'))
  .sort();
const suites: BenchSuite[] = [];
for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, 'suites', file)).href)) as { default: BenchSuite };
  if (wanted.length === 0 || wanted.includes(mod.default.name)) suites.push(mod.default);
}
if (suites.length === 0) {
  console.error(`No benchmark suite matches ${wanted.join(', ')}. Suites: ${files.join(', ')}`);
  process.exit(1);
}

const report: { startedAt: string; node: string; cpus: string; memoryGiB: number; suites: Record<string, BenchResult[]> } = {
  startedAt: new Date().toISOString(),
  node: process.version,
  cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  suites: {},
};

for (const suite of suites) {
  console.log(`\n## ${suite.name} — ${suite.description}`);
  const results = await suite.run();
  report.suites[suite.name] = results;
  for (const r of results) console.log(formatResult(r));
}

writeFileSync(join(here, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nWrote ${join('bench', 'results.json')}`);

function formatResult(r: BenchResult): string {
  const parts = [r.name.padEnd(44)];
  if (r.eventsPerSecond !== undefined) parts.push(`${r.eventsPerSecond.toLocaleString('en-US')} events/s`.padStart(20));
  if (r.events !== undefined) parts.push(`${r.events.toLocaleString('en-US')} events`);
  if (r.seconds !== undefined) parts.push(`${r.seconds.toFixed(2)} s`);
  if (r.peakRssBytes !== undefined) parts.push(`peak RSS ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MB`);
  if (r.ratios) parts.push(Object.entries(r.ratios).map(([k, v]) => `${k}=${v.toFixed(3)}`).join(' '));
  return parts.join('  ');
}
