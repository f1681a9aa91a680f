/**
 * `genesys-event-pipeline/cdk` is built from infra/ (the construct stays beside the CDK app that
 * deploys it), then placed in `dist/cdk/` with its imports of `src/<module>` pointed at the
 * library's own build (`scripts/place-cdk-build.mjs`). `npm run check:package` runs the whole
 * chain — build, pack, install into an empty CDK app, synth — without this test's shortcut.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ES module script, without types
import { packagePath, rewriteImports } from '../../scripts/place-cdk-build.mjs';

const place = packagePath as (treePath: string) => string;
const rewrite = rewriteImports as (text: string, treePath: string) => string;

describe('placing the compiled construct in dist/cdk', () => {
  it('maps infra/ to cdk/ and src/ to the root of the build', () => {
    expect(place('infra/index.js')).toBe('cdk/index.js');
    expect(place('infra/lib/config.d.ts')).toBe('cdk/lib/config.d.ts');
    expect(place('src/workflow/index.js')).toBe('workflow/index.js');
    expect(() => place('test/infra/support.js')).toThrow(/neither in infra\/ nor in src\//);
  });

  it('points the imports of src/ at the library build, and leaves the others', () => {
    const compiled = [
      "import { Duration } from 'aws-cdk-lib';",
      "import { validateTopics } from '../../src/events/index.js';",
      'import type { WorkflowOptions } from "../../src/workflow/index.js";',
      "export { acknowledge } from './nag.js';",
      "type T = import('../../src/queue/backstop.js').Backstop;",
      "import './side-effect.js';",
    ].join('\n');
    expect(rewrite(compiled, 'infra/lib/config.js').split('\n')).toEqual([
      "import { Duration } from 'aws-cdk-lib';",
      "import { validateTopics } from '../../events/index.js';",
      'import type { WorkflowOptions } from "../../workflow/index.js";',
      "export { acknowledge } from './nag.js';",
      "type T = import('../../queue/backstop.js').Backstop;",
      "import './side-effect.js';",
    ]);
    expect(rewrite("export { GenesysEventPipeline } from './lib/genesys-event-pipeline.js';", 'infra/index.js')).toBe(
      "export { GenesysEventPipeline } from './lib/genesys-event-pipeline.js';",
    );
    expect(rewrite("import { x } from '../src/events/index.js';", 'infra/index.js')).toBe(
      "import { x } from '../events/index.js';",
    );
  });

  it('refuses an import the package would not contain', () => {
    expect(() => rewrite("import { x } from '../../test/support.js';", 'infra/lib/a.js')).toThrow(/test\/support\.js/);
  });
});
