import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The tests run the built CLI: rebuild first when the sources are newer than the build.
    globalSetup: ['test/support/build.ts'],
    disableConsoleIntercept: true,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Store tests share one PostgreSQL server; each file works in its own schema.
    fileParallelism: true,
    maxWorkers: 2,
  },
})
