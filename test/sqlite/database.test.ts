/** How every store opens SQLite: WAL, and the page size of a new file. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../../src/sqlite/index.js';
import { tempDir } from '../support/tmp.js';

const dir = tempDir('gep-sqlite-');

describe('openSqliteDatabase', () => {
  it('gives a new file the page size asked for, in WAL mode; an existing file keeps its own', () => {
    const path = join(dir, 'pages.sqlite');
    const db = openSqliteDatabase(path, { pageSize: 16384 });
    db.exec('CREATE TABLE t (x)');
    expect(db.pragma('page_size', { simple: true })).toBe(16384);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    const again = openSqliteDatabase(path, { pageSize: 4096 });
    expect(again.pragma('page_size', { simple: true })).toBe(16384);
    again.close();
    const plain = openSqliteDatabase(join(dir, 'default.sqlite'));
    plain.exec('CREATE TABLE t (x)');
    expect(plain.pragma('page_size', { simple: true })).toBe(4096);
    plain.close();
  });

  it('refuses a page size SQLite would silently ignore', () => {
    for (const pageSize of [1000, 256, 131072, 4096.5]) {
      expect(() => openSqliteDatabase(join(dir, 'bad.sqlite'), { pageSize })).toThrow(/power of two from 512 to 65536/);
    }
  });
});
