/**
 * The directory's read routes on the runtime's port (`createHttpRoutes` sends the answers):
 *
 * | route | answer |
 * | --- | --- |
 * | `GET /api/directory` | `DirectoryStatus`: source, each kind's entries, last refresh, last error, on-miss lookup counters |
 * | `GET /api/directory/:kind` | `{ kind, entries, count }` (kinds: queue, user, wrapupCode, division, flow, presenceDefinition) |
 * | `GET /api/directory/:kind/:id` | one entry; 404 when unknown (it is then looked up in the background, bounded) |
 */
import { DIRECTORY_KINDS, isDirectoryKind } from '../directory/entry.js';
import type { DirectoryEntry, DirectoryKind } from '../directory/entry.js';
import type { DirectoryStatus } from '../directory/directory.js';

/** What the routes read of a `Directory`. */
export interface DirectoryReader {
  status(): DirectoryStatus;
  entries(kind?: DirectoryKind): DirectoryEntry[];
  peek(kind: DirectoryKind, id: string): DirectoryEntry | undefined;
}

/** An answer for `createHttpRoutes` to send as JSON. */
interface DirectoryAnswer {
  status: number;
  body: unknown;
}

const ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The answer to `GET <path>` (a path under `/api/directory`). */
export function directoryAnswer(path: string, directory: DirectoryReader | undefined): DirectoryAnswer {
  if (!directory) return notFound('This runtime has no directory.');
  const parts = path
    .slice('/api/directory'.length)
    .split('/')
    .filter((p) => p !== '');
  if (parts.length === 0) return { status: 200, body: directory.status() };
  let kind: string;
  let id: string | undefined;
  try {
    kind = decodeURIComponent(parts[0]!);
    id = parts[1] === undefined ? undefined : decodeURIComponent(parts[1]);
  } catch {
    return badRequest('The path is not valid percent-encoding.');
  }
  if (parts.length > 2 || !isDirectoryKind(kind))
    return notFound(
      `No directory route ${path.slice(0, 200)}. Kinds: ${DIRECTORY_KINDS.join(', ')}; /api/directory/:kind[/:id].`,
    );
  if (id === undefined) {
    const entries = directory.entries(kind);
    return { status: 200, body: { kind, entries, count: entries.length } };
  }
  if (!ID.test(id))
    return badRequest('The id in /api/directory/:kind/:id must be 1–128 letters, digits, ".", "_", ":" or "-".');
  const entry = directory.peek(kind, id);
  return entry
    ? { status: 200, body: entry }
    : notFound(`The directory has no ${kind} ${id} (yet: an unknown id is looked up in the background).`);
}

function notFound(message: string): DirectoryAnswer {
  return { status: 404, body: { error: 'not_found', message } };
}

function badRequest(message: string): DirectoryAnswer {
  return { status: 400, body: { error: 'bad_request', message } };
}
