import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    disableConsoleIntercept: true,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Store tests share one PostgreSQL server; each file works in its own schema.
    fileParallelism: true,
    maxWorkers: 2,
  },
})
