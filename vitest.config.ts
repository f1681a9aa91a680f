import { defineConfig } from 'vitest/config';

/**
 * The default suite (`npm test`): everything under test/ except the conformance suite, which needs
 * data from outside the repository and runs as `npm run test:conformance` (vitest.conformance.config.ts).
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/conformance/**', '**/node_modules/**'],
    pool: 'forks',
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
