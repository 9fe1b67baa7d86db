import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Tests check behaviour, never speed (speed is measured by `npm run bench`). On a shared 2-core
    // machine, a test's first call that loads mathjs or spawns node can take well over vitest's
    // 5 s default while other test files run beside it; a timeout is only a guard against a hang.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // every temporary file of the run in one folder, removed at the end (test/helpers/tmp-root.ts)
    globalSetup: ['test/helpers/tmp-root.ts'],
  },
});
