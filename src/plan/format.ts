/**
 * Renders a plan for people (aligned plain-text tables) and for machines (JSON with float noise
 * trimmed and non-finite numbers as null).
 */
import type { ModePlan, PlanReport } from './plan.js';
import { duration, num, usd } from './verdicts.js';

/** Lays out `rows` in columns; `right` marks right-aligned columns. */
export function textTable(rows: readonly (readonly string[])[], right: readonly boolean[] = []): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (right[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

function wrap(text: string, width: number, indent: string): string[] {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l, i) => (i === 0 ? l : indent + l));
}

function bullet(text: string): string {
  return `  • ${wrap(text, 96, '    ').join('\n')}`;
}

function summaryRows(modes: readonly ModePlan[]): string[][] {
  const row = (label: string, f: (m: ModePlan) => string): string[] => [label, ...modes.map(f)];
  return [
    ['', ...modes.map((m) => m.mode)],
    row('Sustainable at peak', (m) => (m.sustainable ? 'yes' : 'NO')),
    row('Bottleneck', (m) => m.bottleneck ?? '—'),
    row('Max sustainable rate', (m) => `${num(m.maxSustainableRate, 1)} events/s`),
    row('First limit reached', (m) => m.limitingFactor),
    row('Lambda concurrency (peak)', (m) => num(m.lambdaConcurrency, 1)),
    row('Latency (worst, steady)', (m) => duration(m.latencyMs)),
    row('Monthly cost (30 days)', (m) => usd(m.monthlyCostUsd)),
    row('Cost per million events', (m) => usd(m.costPerMillionEventsUsd)),
    row('Against the floor', (m) => floorCell(m)),
  ];
}

/** e.g. "1.85× the floor without the archive; the archive adds $0.23 (2.01×)". */
function floorCell(mode: ModePlan): string {
  const c = mode.costAgainstFloor;
  return `${ratio(c.ratioWithoutArchive)} without the archive; archive +${usd(c.archivePerMillionEventsUsd)} (${ratio(c.ratioWithArchive)})`;
}

function ratio(value: number): string {
  return `${value.toFixed(2)}×`;
}

/** The second column: which lines make the floor, which are the optional archive. */
const GROUP_MARKS = { floor: 'floor', pipeline: '', archive: 'archive' } as const;

function costRows(mode: ModePlan): string[][] {
  const archiveOff = !mode.costAgainstFloor.archive;
  return [
    ['component', '', 'quantity', 'unit', 'unit price', 'USD/month', 'per M events'],
    ...mode.costBreakdown.map((l) => [
      l.component,
      l.group === 'archive' && archiveOff ? 'archive (off)' : GROUP_MARKS[l.group],
      num(l.quantity, 2),
      l.unit,
      `$${l.unitPriceUsd}`,
      usd(l.monthlyUsd),
      usd(l.perMillionEventsUsd),
    ]),
    ['total', '', '', '', '', usd(mode.monthlyCostUsd), usd(mode.costPerMillionEventsUsd)],
  ];
}

/** Why each line costs what it does, and the total beside the floor. */
function costExplanations(mode: ModePlan): string[] {
  const c = mode.costAgainstFloor;
  return [
    ...mode.costBreakdown.map((l) => `${l.component}: ${l.explanation}.`),
    `Per million events: ${usd(c.withoutArchivePerMillionEventsUsd)} without the archive, ${ratio(c.ratioWithoutArchive)} the floor of ${usd(c.floorPerMillionEventsUsd)}; the archive (replay) adds ${usd(c.archivePerMillionEventsUsd)} → ${ratio(c.ratioWithArchive)}${c.archive ? ' (counted in the total; --no-archive to leave it out)' : ' (not counted: --no-archive)'}.`,
  ];
}

function burstRows(modes: readonly ModePlan[]): string[][] | null {
  const withBurst = modes.filter((m) => m.burst !== null);
  if (withBurst.length === 0) return null;
  const row = (label: string, f: (m: ModePlan) => string): string[] => [label, ...withBurst.map(f)];
  return [
    ['', ...withBurst.map((m) => m.mode)],
    row('Time to drain', (m) =>
      m.burst?.timeToDrainSeconds === null
        ? 'never (within the horizon)'
        : duration((m.burst?.timeToDrainSeconds ?? 0) * 1_000),
    ),
    row('Peak backlog', (m) => num(m.burst?.peakBacklog ?? 0)),
    row('Peak Lambda concurrency', (m) => num(m.burst?.peakLambdaConcurrency ?? 0)),
    row('Delayed > 1 min', (m) => num(m.burst?.delayedOverOneMinute ?? 0)),
    row('At risk of being dropped', (m) => num(m.burst?.atRiskOfDrop ?? 0)),
  ];
}

/**
 * The plan as readable text: a summary table, then per topology its cost breakdown and
 * verdicts, the burst simulation if any, and the notes.
 */
export function formatPlanText(report: PlanReport): string {
  const i = report.inputs;
  const out: string[] = [];
  out.push(`Capacity and cost plan — ${num(i.rate)} events/s average, ${num(i.peakRate)} events/s peak, ${i.region}`);
  out.push('');
  out.push(...textTable(summaryRows(report.modes)));
  const floor = report.costFloor;
  out.push(
    '',
    `Cost floor: ${usd(floor.monthlyUsd)} a month (${usd(floor.perMillionEventsUsd)} per million events) — EventBridge partner ingestion and one SQS send per event, what any storage-first design pays before processing.`,
  );
  const burst = burstRows(report.modes);
  if (burst) {
    out.push('', `Burst of ${num(i.burst ?? 0)} events on top of ${num(i.rate)} events/s`, ...textTable(burst));
  }
  for (const mode of report.modes) {
    out.push('', `${mode.mode} — monthly cost (${report.pricesRegion} prices)`);
    out.push(...textTable(costRows(mode), [false, false, true, false, true, true, true]).map((l) => `  ${l}`));
    out.push(...costExplanations(mode).map(bullet));
    out.push('', `${mode.mode} — verdicts`);
    out.push(...mode.verdicts.map(bullet));
    out.push('', `${mode.mode} — how it works`);
    out.push(...mode.notes.map(bullet));
  }
  out.push('', 'Notes');
  out.push(...report.notes.map(bullet));
  out.push(
    '',
    'Sources, dates and the model: docs/capacity.md; every figure is in --json under quotas, prices and assumptions.',
  );
  return `${out.join('\n')}\n`;
}

/** The plan as JSON: numbers trimmed to 10 significant digits, non-finite numbers as null. */
export function formatPlanJson(report: PlanReport): string {
  return `${JSON.stringify(report, (_key, value: unknown) => (typeof value === 'number' ? (Number.isFinite(value) ? Number(value.toPrecision(10)) : null) : value), 2)}\n`;
}
