/**
 * The architecture rules `npm run lint` enforces (.dependency-cruiser.mjs): each rule fails on a
 * fixture that breaks it, a correct import passes, and docs/architecture.md lists the layers the
 * rules check.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cruise } from 'dependency-cruiser';
import type { ICruiseResult, IConfiguration } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(import.meta.dirname, 'fixtures');
// The rules as lint runs them (a JavaScript module: dependency-cruiser reads it too).
const rules = (await import(pathToFileURL(join(ROOT, '.dependency-cruiser.mjs')).href)) as {
  default: IConfiguration;
  LAYERS: Array<{ name: string; what: string; modules: string[] }>;
};
const config = rules.default;
const LAYERS = rules.LAYERS;

async function violationsIn(baseDir: string): Promise<Array<{ rule: string; from: string; to: string }>> {
  const result = await cruise(['src'], {
    baseDir,
    ruleSet: { forbidden: config.forbidden ?? [] },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    validate: true,
  });
  const output = result.output as ICruiseResult;
  return output.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
}

describe('the layer rules', () => {
  it('fail on an import of a higher layer, on a cycle (type-only imports count) and on a module in no layer; pass a lower-layer import', async () => {
    const violations = await violationsIn(FIXTURES);
    expect(violations).toEqual(
      expect.arrayContaining([
        { rule: 'layer-services', from: 'src/processing/reads-runtime.ts', to: 'src/runtime/server.ts' },
        { rule: 'module-not-in-a-layer', from: 'src/mystery/unlisted.ts', to: 'src/events/topic.ts' },
        expect.objectContaining({ rule: 'no-circular', from: 'src/queue/lease.ts', to: 'src/queue/receiver.ts' }),
      ]),
    );
    // runtime → shared and events → shared go down the layers: allowed.
    expect(violations.filter((v) => v.from === 'src/runtime/server.ts' || v.from === 'src/events/topic.ts')).toEqual(
      [],
    );
    expect(violations).toHaveLength(3);
  });

  it('put every folder of src/ in exactly one layer', () => {
    const listed = LAYERS.flatMap((layer) => layer.modules);
    expect(new Set(listed).size).toBe(listed.length);
    const folders = readdirSync(join(ROOT, 'src'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(folders.filter((folder) => !listed.includes(folder))).toEqual([]);
  });

  it('are the layers docs/architecture.md tells', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Layers'));
    const rows = [...section.matchAll(/^\| (\d+) \| (\w+) \| ([^|]+) \|/gm)].map((m) => ({
      layer: Number(m[1]),
      name: m[2],
      modules: [...m[3]!.matchAll(/`([a-z-]+)`/g)].map((x) => x[1]),
    }));
    expect(rows).toEqual(LAYERS.map((layer, i) => ({ layer: i, name: layer.name, modules: layer.modules })));
  });
});
