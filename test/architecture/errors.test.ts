/**
 * Each module declares the errors it throws on purpose in its `errors.ts`, below one base class
 * (docs/contributing.md): a reader finds them in one place, a caller catches the base. Error
 * classes private to one file (control flow that never leaves it) and the few listed below are
 * the exceptions.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

/** Exported error classes that live beside the concept they belong to, and why. */
const ELSEWHERE: Record<string, string> = {
  // The errors states raise inside an execution, named as Step Functions names them (States.*).
  'src/workflow/state-errors.ts': 'ASL error names',
  // The AWS JSON 1.1 error answer the bus's endpoint and the runtime write: the protocol's own shape.
  'src/eventbridge/aws-json.ts': 'protocol answer',
  // The transport's "no HTTP answer" signal, turned into GenesysNetworkError by its callers.
  'src/genesys/transport.ts': 'internal signal',
  // A scope's stop signal inside the executor.
  'src/workflow/execution-scope.ts': 'internal signal',
  // The lock's refusal names the lock files declared beside it; it extends LocalRuntimeError.
  'src/runtime/lock.ts': 'extends the module base',
  // Its message lists the regions declared beside it; it extends GenesysError.
  'src/genesys/regions.ts': 'extends the module base',
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('errors.ts per module', () => {
  it('every exported error class is declared in its module’s errors.ts, below that module’s base class', () => {
    const misplaced: string[] = [];
    for (const file of [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'infra', 'lib'))]) {
      const path = relative(ROOT, file);
      if (path.endsWith('/errors.ts') || path in ELSEWHERE) continue;
      for (const m of readFileSync(file, 'utf8').matchAll(/^export class (\w+) extends (\w*Error)\b/gm))
        misplaced.push(`${path}: ${m[1]} extends ${m[2]}`);
    }
    expect(misplaced).toEqual([]);
  });

  it('in each errors.ts one base class extends Error and the others extend a class of the module', () => {
    for (const file of sources(join(ROOT, 'src')).filter((f) => f.endsWith('/errors.ts'))) {
      const text = readFileSync(file, 'utf8');
      const classes = [...text.matchAll(/^export class (\w+) extends (\w+)/gm)].map((m) => [m[1]!, m[2]!] as const);
      const bases = classes.filter(([, parent]) => parent === 'Error');
      expect(bases.length, `${relative(ROOT, file)}: one base class`).toBe(1);
    }
  });
});
