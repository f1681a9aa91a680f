/**
 * The Genesys Cloud list endpoints the directory reads, as a `DirectorySource`. Paths, paging,
 * filters, response fields and permissions follow the official SDK (platform-client-sdk-javascript
 * `RoutingApi.md`, `UsersApi.md`, `AuthorizationApi.md`, `ArchitectApi.md`, `PresenceApi.md` and
 * the models in its `index.d.ts`):
 *
 * | kind | complete listing | by id (on a miss) | permission |
 * | --- | --- | --- | --- |
 * | queue | `GET /api/v2/routing/queues` (paged) | same, `id=…&id=…` | `routing:queue:view` |
 * | user | `GET /api/v2/users?state=any` (paged) | same, `id=…&id=…` | none documented |
 * | wrapupCode | `GET /api/v2/routing/wrapupcodes` (paged) | same, `id=…&id=…` | `routing:wrapupCode:view` |
 * | division | `GET /api/v2/authorization/divisions` (paged) | same, `id=…&id=…` | none documented |
 * | flow | `GET /api/v2/flows` (paged) | `GET /api/v2/flows/lookup?id=…` (the `id` filter of `/flows` is deprecated) | `architect:flow:view` |
 * | presenceDefinition | `GET /api/v2/presence/definitions`, then `?deactivated=true` (not paged) | the same listing | `presence:presenceDefinition:view` |
 *
 * Paged listings answer `{ entities, pageSize, pageNumber, total, pageCount, nextUri, … }`: we
 * ask for `pageSize` 100 and follow `pageNumber` up to `pageCount`, or `nextUri` when a page has
 * no `pageCount`. `/api/v2/presence/definitions` is the current presence endpoint;
 * `/api/v2/presencedefinitions` is deprecated ("Apps should migrate to use GET
 * /api/v2/presence/definitions"). Every call goes through {@link GenesysHttpClient}: OAuth client
 * credentials, `Retry-After` on 429, retries, redacted errors that name the missing permission.
 */
import { z } from 'zod';
import { compactAttributes } from '../directory/entry.js';
import type { DirectoryEntry, DirectoryKind } from '../directory/entry.js';
import type { DirectorySource } from '../directory/ports.js';
import { GenesysResponseError } from './errors.js';
import type { GenesysHttpClient } from './http-client.js';
import { parse } from './integrations-api.js';

/** The OAuth permissions the directory needs, by kind (none documented for users and divisions). */
export const DIRECTORY_PERMISSIONS: Readonly<Record<DirectoryKind, string | undefined>> = Object.freeze({
  queue: 'routing:queue:view',
  user: undefined,
  wrapupCode: 'routing:wrapupCode:view',
  division: undefined,
  flow: 'architect:flow:view',
  presenceDefinition: 'presence:presenceDefinition:view',
});

const ref = z.looseObject({ id: z.string().optional(), name: z.string().optional() });

const entity = z.looseObject({
  id: z.string().min(1),
  name: z.string().nullish(),
  division: ref.nullish(),
  email: z.string().nullish(),
  state: z.string().nullish(),
  homeDivision: z.boolean().nullish(),
  type: z.string().nullish(),
  systemPresence: z.string().nullish(),
  languageLabels: z.record(z.string(), z.string()).nullish(),
  divisionId: z.string().nullish(),
  deactivated: z.boolean().nullish(),
});

type Entity = z.infer<typeof entity>;

const listing = z.looseObject({
  entities: z.array(entity).nullish(),
  pageSize: z.number().nullish(),
  pageNumber: z.number().nullish(),
  pageCount: z.number().nullish(),
  total: z.number().nullish(),
  nextUri: z.string().nullish(),
});

interface Endpoint {
  path: string;
  /** Extra query of every call. */
  query?: Record<string, string>;
  /** Where lookups by id go (default `path` with `id=…`). */
  lookupPath?: string;
  /** Not paged: one call answers everything (the presence definitions). */
  unpaged?: boolean;
}

const ENDPOINTS: Readonly<Record<DirectoryKind, Endpoint>> = {
  queue: { path: '/api/v2/routing/queues' },
  // `state` defaults to active; `any` keeps the names of agents since made inactive or deleted.
  user: { path: '/api/v2/users', query: { state: 'any' } },
  wrapupCode: { path: '/api/v2/routing/wrapupcodes' },
  division: { path: '/api/v2/authorization/divisions' },
  flow: { path: '/api/v2/flows', lookupPath: '/api/v2/flows/lookup' },
  presenceDefinition: { path: '/api/v2/presence/definitions', unpaged: true },
};

/** Page size of the listings. */
const PAGE_SIZE = 100;
/** Ids per lookup call (a URL of about 2 KB). */
const LOOKUP_BATCH = 50;
/** Guard against a server that never reports the last page. */
const MAX_PAGES = 10_000;

/**
 * The directory's source in Genesys Cloud.
 *
 * @example
 * const client = createGenesysClient(loadGenesysConfig());
 * const directory = await Directory.open({ store, source: new GenesysDirectorySource(client.http) });
 */
export class GenesysDirectorySource implements DirectorySource {
  readonly name = 'genesys';
  readonly maxLookupBatch = LOOKUP_BATCH;

  constructor(private readonly http: GenesysHttpClient) {}

  async *list(kind: DirectoryKind, signal?: AbortSignal): AsyncIterable<DirectoryEntry[]> {
    const endpoint = ENDPOINTS[kind];
    if (endpoint.unpaged) {
      // Active definitions, then the deactivated ones (their names still label past presence events).
      for (const deactivated of [undefined, 'true']) {
        const page = await this.#get(kind, endpoint.path, { ...(deactivated ? { deactivated } : {}) }, signal);
        yield (page.entities ?? []).map((e) => toEntry(kind, e));
      }
      return;
    }
    yield* this.#pages(kind, endpoint.path, { ...endpoint.query }, signal);
  }

  async lookup(kind: DirectoryKind, ids: readonly string[], signal?: AbortSignal): Promise<DirectoryEntry[]> {
    if (ids.length === 0) return [];
    const endpoint = ENDPOINTS[kind];
    const wanted = new Set(ids);
    const found: DirectoryEntry[] = [];
    if (endpoint.unpaged) {
      for await (const page of this.list(kind, signal)) found.push(...page.filter((e) => wanted.has(e.id)));
      return found;
    }
    for (let i = 0; i < ids.length; i += LOOKUP_BATCH) {
      const query = { ...endpoint.query, id: ids.slice(i, i + LOOKUP_BATCH) };
      for await (const page of this.#pages(kind, endpoint.lookupPath ?? endpoint.path, query, signal))
        found.push(...page.filter((e) => wanted.has(e.id)));
    }
    return found;
  }

  /** Every page of a paged listing. */
  async *#pages(
    kind: DirectoryKind,
    path: string,
    query: Record<string, string | readonly string[]>,
    signal?: AbortSignal,
  ): AsyncIterable<DirectoryEntry[]> {
    let pageNumber = 1;
    let current: { path: string; query: Record<string, string | number | readonly string[]> } = {
      path,
      query: { ...query, pageSize: PAGE_SIZE, pageNumber },
    };
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const page = await this.#get(kind, current.path, current.query, signal);
      const entities = page.entities ?? [];
      yield entities.map((e) => toEntry(kind, e));
      if (entities.length === 0) return;
      if (page.pageCount != null) {
        if (pageNumber >= page.pageCount) return;
        pageNumber++;
        current = { path, query: { ...query, pageSize: PAGE_SIZE, pageNumber } };
      } else if (page.nextUri) {
        current = followNextUri(page.nextUri, path);
        pageNumber++;
      } else {
        if (entities.length < (page.pageSize ?? PAGE_SIZE)) return;
        pageNumber++;
        current = { path, query: { ...query, pageSize: PAGE_SIZE, pageNumber } };
      }
    }
    throw new GenesysResponseError('GET', path, `more than ${MAX_PAGES} pages; the listing does not end`);
  }

  async #get(
    kind: DirectoryKind,
    path: string,
    query: Record<string, string | number | readonly string[]>,
    signal?: AbortSignal,
  ): Promise<z.infer<typeof listing>> {
    const permission = DIRECTORY_PERMISSIONS[kind];
    const { body } = await this.http.request({
      method: 'GET',
      path,
      query,
      ...(permission ? { permission } : {}),
      ...(signal ? { signal } : {}),
    });
    return parse(listing, body, 'GET', path);
  }
}

/**
 * The next page from a listing's `nextUri` (a path below `/api/v2/` with its query), checked to
 * stay on the same resource.
 */
function followNextUri(nextUri: string, path: string): { path: string; query: Record<string, string | string[]> } {
  const url = new URL(nextUri, 'https://api.invalid');
  if (url.pathname !== path)
    throw new GenesysResponseError('GET', path, `nextUri "${url.pathname}" leaves the listing ${path}`);
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    query[key] = values.length === 1 ? values[0]! : values;
  }
  return { path, query };
}

/** One API entity as a directory entry. */
function toEntry(kind: DirectoryKind, e: Entity): DirectoryEntry {
  const label = e.languageLabels ? (e.languageLabels.en_US ?? Object.values(e.languageLabels)[0]) : undefined;
  const name =
    kind === 'presenceDefinition' ? (label ?? e.name ?? e.systemPresence ?? e.id) : (e.name ?? '').trim() || e.id;
  const attributes = compactAttributes({
    ...(kind === 'user' ? { email: e.email ?? undefined, state: e.state ?? undefined } : {}),
    ...(kind === 'division' && e.homeDivision != null ? { homeDivision: e.homeDivision } : {}),
    ...(kind === 'flow' ? { flowType: e.type ?? undefined } : {}),
    ...(kind === 'presenceDefinition'
      ? {
          systemPresence: e.systemPresence ?? undefined,
          label: label ?? undefined,
          ...(e.deactivated != null ? { deactivated: e.deactivated } : {}),
        }
      : {}),
    divisionId: e.division?.id ?? e.divisionId ?? undefined,
  });
  return { kind, id: e.id, name, attributes, updatedAt: 0 };
}
