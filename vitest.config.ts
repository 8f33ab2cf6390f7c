import { defineConfig } from 'vitest/config';

// Tests run the TypeScript sources: the "surge-source" condition points the
// package.json "imports" map (#kit/*, #services/*, …) at .ts files instead of dist/.
export default defineConfig({
  resolve: { conditions: ['surge-source', 'node', 'import', 'default'] },
  // Vitest hands these to the test processes as node --conditions; 'import' among them would make
  // require() take a package's ESM entry (ws's wrapper.mjs, which @fastify/websocket cannot use).
  ssr: { resolve: { conditions: ['surge-source', 'node', 'default'], externalConditions: ['surge-source'] } },
  test: {
    include: ['packages/**/*.test.ts', 'services/**/*.test.ts', 'gateway/**/*.test.ts', 'app/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
