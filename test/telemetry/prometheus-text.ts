/**
 * A strict parser of the Prometheus text exposition format (0.0.4) for tests: every sample must
 * belong to a family announced by `# HELP` and `# TYPE`, names and labels must be well formed.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)$`);
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/g;

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    const where = `line ${index + 1}: ${line}`;
    if (line === '') continue;
    const help = new RegExp(`^# HELP (${NAME}) (.*)$`).exec(line);
    if (help) {
      if (families.has(help[1]!)) throw new Error(`duplicate HELP, ${where}`);
      families.set(help[1]!, { name: help[1]!, help: help[2]!, type: 'untyped', samples: [] });
      continue;
    }
    const type = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(line);
    if (type) {
      const family = families.get(type[1]!);
      if (!family) throw new Error(`TYPE before HELP, ${where}`);
      family.type = type[2] as Family['type'];
      continue;
    }
    if (line.startsWith('#')) throw new Error(`unexpected comment, ${where}`);
    const sample = SAMPLE.exec(line);
    if (!sample) throw new Error(`malformed sample, ${where}`);
    const [, name, labelText, valueText] = sample;
    const family = familyOf(families, name!);
    if (!family) throw new Error(`sample of an undeclared family, ${where}`);
    const labels: Record<string, string> = {};
    if (labelText) {
      let consumed = 0;
      for (const m of labelText.matchAll(LABEL)) {
        if (m.index !== consumed) throw new Error(`malformed labels, ${where}`);
        labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
        consumed = m.index + m[0].length;
      }
      if (consumed !== labelText.length) throw new Error(`malformed labels, ${where}`);
    }
    // Prometheus reads values with Go's ParseFloat: NaN and Inf in any letter case.
    const special = valueText!.toLowerCase();
    const value =
      special === 'nan'
        ? Number.NaN
        : special === '+inf' || special === 'inf'
          ? Infinity
          : special === '-inf'
            ? -Infinity
            : Number(valueText);
    if (Number.isNaN(value) && special !== 'nan') throw new Error(`malformed value, ${where}`);
    family.samples.push({ name: name!, labels, value });
  }
  return families;
}

function familyOf(families: Map<string, Family>, sampleName: string): Family | undefined {
  const exact = families.get(sampleName);
  if (exact) return exact;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (sampleName.endsWith(suffix)) {
      const family = families.get(sampleName.slice(0, -suffix.length));
      if (family && (family.type === 'histogram' || family.type === 'summary')) return family;
    }
  }
  return undefined;
}

/** The value of the one sample named `name` with exactly `labels`; throws when absent. */
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const family = familyOf(families, name);
  const match = family?.samples.find(
    (s) => s.name === name && JSON.stringify(sortKeys(s.labels)) === JSON.stringify(sortKeys(labels)),
  );
  if (!match) throw new Error(`no sample ${name}${JSON.stringify(labels)}`);
  return match.value;
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}
