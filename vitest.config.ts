import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Tests that start other processes or a browser, or synthesize the CDK app (seconds to tens of
 * seconds each): `npm test` runs them, `npm run test:fast` — the edit loop — leaves them out.
 */
const SLOW = [
  'test/cli/**/*.test.ts',
  'test/**/*.browser.test.ts',
  'test/runtime/crash.test.ts',
  'test/runtime/e2e.test.ts',
  'test/queue/crash-safety.test.ts',
  'test/infra/app.test.ts',
  'test/infra/buffered.test.ts',
  'test/infra/direct.test.ts',
  'test/infra/sinks.test.ts',
  'test/infra/fan-out.test.ts',
  'test/genesys/cli.test.ts',
  'test/plan/cli.test.ts',
];

/**
 * The default suite (`npm test`): everything under test/ except the conformance suite, which needs
 * data from outside the repository and runs as `npm run test:conformance` (vitest.conformance.config.ts).
 * Two projects: `fast` (`npm run test:fast`) and `slow`.
 */
export default defineConfig({
  // The examples import the package by name, as a user's code does: from the sources here.
  resolve: {
    alias: [
      { find: /^genesys-event-pipeline$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
      {
        find: /^genesys-event-pipeline\/(.*)$/,
        replacement: fileURLToPath(new URL('./src/$1/index.ts', import.meta.url)),
      },
    ],
  },
  test: {
    // Both projects inherit this (vitest merges a project's arrays with these).
    exclude: ['test/conformance/**', '**/node_modules/**'],
    pool: 'forks',
    // At least two test files at once, also on a 2-core machine (vitest's default there is one):
    // most of the slow tests wait on child processes, a browser or the network, so two overlap
    // well (the suite takes ~7 min instead of ~10 on 2 cores).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The CLI that tests start as a child process, transpiled once per run.
    globalSetup: ['test/support/cli-build.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'fast',
          include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
          exclude: SLOW,
        },
      },
      { extends: true, test: { name: 'slow', include: SLOW } },
    ],
  },
});
