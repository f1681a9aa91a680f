/**
 * The pages a newcomer reads first name files that exist: every `src/…`, `infra/…`, `test/…`,
 * `bench/…`, `scripts/…` or `docs/…` path in backticks in docs/contributing.md and
 * docs/architecture.md (a trailing `/` names a folder; `<name>` and `*` are patterns, skipped).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const PATH = /`((?:src|infra|test|bench|scripts|docs)\/[^`\s]*)`/g;

describe.each(['docs/contributing.md', 'docs/architecture.md'])('%s', (page) => {
  it('names only files and folders that exist', () => {
    const text = readFileSync(join(ROOT, page), 'utf8');
    const missing = [...text.matchAll(PATH)]
      .map((m) => m[1]!.replace(/[.,:;)]+$/, ''))
      .filter((path) => !/[<>*{}]/.test(path))
      .filter((path) => !existsSync(join(ROOT, path)));
    expect([...new Set(missing)]).toEqual([]);
  });
});
