import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Broker tests open many sockets; running files one at a time keeps the
    // two-core machine's timing stable and the RabbitMQ leg free of cross-talk.
    fileParallelism: false,
  },
});
