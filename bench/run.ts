/**
 * `npm run bench [-- NAME…]`: runs every suite in bench/suites (or only those named), prints
 * a table, and writes bench/results.json with the machine and Node version.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import type { BenchResult, BenchSuite } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);

// A suite's file is named after the suite (bench/suites/<name>.ts); only the wanted ones are loaded.
const files = readdirSync(join(here, 'suites'))
  .filter((f) => f.endsWith('.ts') && (wanted.length === 0 || wanted.includes(f.slice(0, -3))))
  .sort();
const suites: BenchSuite[] = [];
for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, 'suites', file)).href)) as { default: BenchSuite };
  if (mod.default.name !== file.slice(0, -3))
    throw new Error(`bench/suites/${file} exports suite "${mod.default.name}": name the file after its suite.`);
  suites.push(mod.default);
}
if (suites.length === 0) {
  console.error(
    `No benchmark suite matches ${wanted.join(', ')}. Suites: ${readdirSync(join(here, 'suites'))
      .map((f) => f.replace(/\\.ts$/, ''))
      .join(', ')}`,
  );
  process.exit(1);
}

const report: {
  startedAt: string;
  node: string;
  cpus: string;
  memoryGiB: number;
  suites: Record<string, { ranAt: string; results: BenchResult[] }>;
} = {
  startedAt: new Date().toISOString(),
  node: process.version,
  cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  suites: {},
};

for (const suite of suites) {
  console.log(`\n## ${suite.name} — ${suite.description}`);
  const results = await suite.run();
  report.suites[suite.name] = { ranAt: new Date().toISOString(), results };
  for (const r of results) console.log(formatResult(r));
}

// Running some suites keeps the others' last results: bench/results.json always holds every suite.
const resultsFile = join(here, 'results.json');
const previous = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as typeof report) : undefined;
if (previous && wanted.length > 0) report.suites = { ...previous.suites, ...report.suites };
writeFileSync(resultsFile, `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nWrote ${join('bench', 'results.json')}`);

function formatResult(r: BenchResult): string {
  const parts = [r.name.padEnd(44)];
  if (r.eventsPerSecond !== undefined) parts.push(`${r.eventsPerSecond.toLocaleString('en-US')} events/s`.padStart(20));
  if (r.events !== undefined) parts.push(`${r.events.toLocaleString('en-US')} events`);
  if (r.seconds !== undefined) parts.push(`${r.seconds.toFixed(2)} s`);
  if (r.peakRssBytes !== undefined) parts.push(`peak RSS ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MB`);
  if (r.ratios)
    parts.push(
      Object.entries(r.ratios)
        .map(([k, v]) => `${k}=${v.toFixed(3)}`)
        .join(' '),
    );
  return parts.join('  ');
}
