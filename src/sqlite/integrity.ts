/**
 * `PRAGMA quick_check` of a SQLite file: the structure of every b-tree page (order, links,
 * free-list, record formats, NOT NULL), not the index contents — O(N) in the file's size, and
 * what turns corruption inside a valid file into one clear error at start instead of
 * `SQLITE_CORRUPT` on whichever statement meets the bad page later
 * ([SQLite, `PRAGMA quick_check`](https://www.sqlite.org/pragma.html#pragma_quick_check)).
 */
import Database from 'better-sqlite3';

/**
 * Checks the file at `path` and returns what SQLite found wrong: `[]` when it is sound. A file
 * that is not a database at all (a damaged header) is reported the same way. At most `limit`
 * problems are listed.
 *
 * @example
 * const problems = quickCheck('.pipeline/pipeline.sqlite');
 * if (problems.length) console.error(`corrupt: ${problems.join('; ')}`);
 */
export function quickCheck(path: string, limit = 5): string[] {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { fileMustExist: true });
    const rows = db.pragma(`quick_check(${Math.max(1, Math.floor(limit))})`, { simple: false }) as Array<{
      quick_check: string;
    }>;
    const problems = rows.map((r) => r.quick_check);
    return problems.length === 1 && problems[0] === 'ok' ? [] : problems;
  } catch (error) {
    const e = error as { code?: string; message?: string };
    if (e.code === 'SQLITE_CORRUPT' || e.code === 'SQLITE_NOTADB' || e.code?.startsWith('SQLITE_CORRUPT_'))
      return [`${e.code}: ${e.message ?? ''}`];
    throw error;
  } finally {
    try {
      db?.close();
    } catch {
      // closing a damaged file may fail too; what it found is reported above
    }
  }
}
