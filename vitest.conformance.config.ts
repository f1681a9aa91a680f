import { defineConfig } from 'vitest/config';

/**
 * The conformance suite (`npm run test:conformance`): our EventBridge pattern matcher and input
 * transformer against behaviour recorded on real AWS, read from shared/conformance/ beside the
 * checkout or from `$GEP_SHARED_DIR` (test/conformance/shared-data.ts). It fails, never skips, when
 * the data is missing.
 */
export default defineConfig({
  test: {
    include: ['test/conformance/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
  },
});
