/**
 * `genesys-event-pipeline/directory` — the Genesys directory: id → name (and a few attributes)
 * for queues, users, wrap-up codes, divisions, flows and presence definitions, so that
 * dashboards, the HTTP API and sinks can show names beside the ids Genesys events carry
 * (docs/directory.md).
 */
export { DIRECTORY_KINDS, isDirectoryKind, isGenesysId } from './entry.js';
export type { DirectoryAttributes, DirectoryEntry, DirectoryKind } from './entry.js';
export { EMPTY_DIRECTORY } from './ports.js';
export type { DirectoryLookup, DirectorySource, DirectoryStore, DirectorySyncState } from './ports.js';
export { diffListing } from './diff.js';
export type { ListingDiff } from './diff.js';
export { MissResolver } from './miss-resolver.js';
export type { MissResolverOptions, MissResolverStats } from './miss-resolver.js';
export { Directory } from './directory.js';
export type {
  DirectoryOptions,
  DirectoryStatus,
  KindRefreshReport,
  KindStatus,
  RefreshProgress,
  RefreshReport,
} from './directory.js';
export { conversationNames } from './names.js';
export type { ConversationNames, NameSource, NamedConversationIds } from './names.js';
export { DIRECTORY_DATABASE_FILE, SqliteDirectoryStore } from './stores/sqlite.js';
export { DynamoDbDirectoryStore } from './stores/dynamodb.js';
export type { DynamoDbDirectoryStoreOptions } from './stores/dynamodb.js';
export { resolveSharedMisses } from './shared-misses.js';
export type { SharedMissOptions, SharedMissResult, SharedMissStore } from './shared-misses.js';
export { DirectoryError, DirectoryOptionsError, DirectoryStoreError } from './errors.js';
