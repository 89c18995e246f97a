import { configDefaults, defineConfig } from 'vitest/config';

// One configuration, one project per runtime: Node for the agent, the shared contract and the
// Console's main process; happy-dom for the renderer's components; Chromium for end to end.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'shared/**/*.test.ts',
            'agent/**/*.test.ts',
            'src-main/**/*.test.ts',
            'test/**/*.test.ts',
            'scripts/**/*.test.ts',
            'packaging/**/*.test.ts',
          ],
          exclude: [...configDefaults.exclude, 'test/e2e/**'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          // Real agents, browser mode and Debian's Chromium: one scenario after another, and
          // after the other projects, so their load does not stretch its timing on 2 cores.
          name: 'e2e',
          sequence: { groupOrder: 1 },
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/build-renderer.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'renderer',
          environment: 'happy-dom',
          include: ['src-renderer/**/*.test.{ts,tsx}'],
        },
      },
    ],
  },
});
