/**
 * The simulator's organisation as a directory source: `run --simulate` fills its directory from
 * the catalogue every simulated event draws its ids from, so the demo shows queue, agent, wrap-up
 * code, division and flow names. (The catalogue has no presence definitions.)
 */
import type { DirectoryEntry, DirectoryKind } from '../directory/entry.js';
import type { DirectorySource } from '../directory/ports.js';
import { simulationCatalogue } from './catalogue.js';
import type { Catalogue } from './catalogue.js';

/**
 * @example
 * const directory = await Directory.open({ store, source: new CatalogueDirectorySource() });
 * await directory.refresh();
 */
export class CatalogueDirectorySource implements DirectorySource {
  readonly name = 'simulator';
  readonly maxLookupBatch = 100;
  readonly #entries: ReadonlyMap<DirectoryKind, readonly DirectoryEntry[]>;

  constructor(catalogue: Catalogue = simulationCatalogue()) {
    const entry = (kind: DirectoryKind, id: string, name: string, attributes: DirectoryEntry['attributes'] = {}) => ({
      kind,
      id,
      name,
      attributes,
      updatedAt: 0,
    });
    this.#entries = new Map<DirectoryKind, DirectoryEntry[]>([
      ['queue', catalogue.queues.map((q) => entry('queue', q.id, q.name, { divisionId: q.divisionId }))],
      [
        'user',
        catalogue.agents.map((a) =>
          entry('user', a.id, a.name, {
            email: `${a.name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.com`,
            divisionId: a.divisionId,
            state: 'active',
          }),
        ),
      ],
      ['wrapupCode', catalogue.wrapupCodes.map((w) => entry('wrapupCode', w.id, w.name))],
      ['division', catalogue.divisions.map((d, i) => entry('division', d.id, d.name, { homeDivision: i === 0 }))],
      [
        'flow',
        catalogue.flows.map((f) => entry('flow', f.id, f.name, { flowType: f.flowType, divisionId: f.divisionId })),
      ],
      ['presenceDefinition', []],
    ]);
  }

  async *list(kind: DirectoryKind): AsyncIterable<DirectoryEntry[]> {
    yield [...(this.#entries.get(kind) ?? [])];
  }

  async lookup(kind: DirectoryKind, ids: readonly string[]): Promise<DirectoryEntry[]> {
    const wanted = new Set(ids);
    return (this.#entries.get(kind) ?? []).filter((e) => wanted.has(e.id));
  }
}
