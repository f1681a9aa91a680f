/**
 * The Genesys directory's model: the kinds of objects whose ids Genesys events carry, and one
 * entry per object — its id, its name and the few attributes people use.
 *
 * Entries are never keyed by name: the id stays the key everywhere (projections, metrics); a
 * name is looked up when something is shown, so a rename shows everywhere at once.
 */

/** The kinds of objects the directory names. */
export const DIRECTORY_KINDS = ['queue', 'user', 'wrapupCode', 'division', 'flow', 'presenceDefinition'] as const;

/** One kind of named Genesys object. */
export type DirectoryKind = (typeof DIRECTORY_KINDS)[number];

/** True when `value` is a {@link DirectoryKind}. */
export function isDirectoryKind(value: unknown): value is DirectoryKind {
  return typeof value === 'string' && (DIRECTORY_KINDS as readonly string[]).includes(value);
}

/**
 * The attributes kept beside a name. Which are present depends on the kind:
 *
 * | kind | attributes |
 * | --- | --- |
 * | `queue` | `divisionId` |
 * | `user` | `email`, `divisionId`, `state` (`active`, `inactive`, `deleted`) |
 * | `wrapupCode` | `divisionId` |
 * | `division` | `homeDivision` |
 * | `flow` | `flowType` (e.g. `INBOUNDCALL`), `divisionId` |
 * | `presenceDefinition` | `systemPresence` (e.g. `AVAILABLE`), `label`, `deactivated` |
 */
export interface DirectoryAttributes {
  email?: string;
  divisionId?: string;
  state?: string;
  homeDivision?: boolean;
  flowType?: string;
  systemPresence?: string;
  label?: string;
  deactivated?: boolean;
}

/** One named object. */
export interface DirectoryEntry {
  kind: DirectoryKind;
  id: string;
  name: string;
  attributes: DirectoryAttributes;
  /** When this entry last changed (epoch ms). */
  updatedAt: number;
  /**
   * When a complete listing of its kind last came back without it (epoch ms): the object was
   * deleted in Genesys (or the client lost the right to see it). The entry keeps its last name,
   * so older conversations still show it.
   */
  removedAt?: number;
}

/**
 * True when `id` can be a Genesys object id (a UUID). Other values (`ININ-WRAP-UP-TIMEOUT`, a
 * typo, a test id) are never looked up in the API: they cannot be there.
 *
 * @example
 * isGenesysId('7dd36b03-06ee-49bf-954a-e9aa837c1887') // → true
 * isGenesysId('ININ-WRAP-UP-TIMEOUT')                 // → false
 */
export function isGenesysId(id: string): boolean {
  return UUID.test(id);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether two entries say the same thing (name, attributes, removal), whatever their times. */
export function sameContent(a: DirectoryEntry, b: DirectoryEntry): boolean {
  return (
    a.name === b.name &&
    (a.removedAt === undefined) === (b.removedAt === undefined) &&
    sameAttributes(a.attributes, b.attributes)
  );
}

function sameAttributes(a: DirectoryAttributes, b: DirectoryAttributes): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof DirectoryAttributes>;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

/** `attributes` without its undefined members (stores and JSON keep them out). */
export function compactAttributes(attributes: DirectoryAttributes): DirectoryAttributes {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined && value !== '') out[key] = value;
  return out as DirectoryAttributes;
}
