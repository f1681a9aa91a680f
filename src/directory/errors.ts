/** Typed errors of the Genesys directory. Each says what is wrong and how to fix it. */

/** Base class: anything the directory throws on purpose. */
export class DirectoryError extends Error {
  override readonly name: string = 'DirectoryError';
}

/** An option of `Directory` or `MissResolver` is out of range (e.g. a refresh interval under 1 s). */
export class DirectoryOptionsError extends DirectoryError {
  override readonly name = 'DirectoryOptionsError';
}

/** A directory store could not finish a write or read (e.g. DynamoDB kept returning unprocessed items). */
export class DirectoryStoreError extends DirectoryError {
  override readonly name = 'DirectoryStoreError';
}
