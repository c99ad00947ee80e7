// The cases that restart RabbitMQ itself (rabbitmqctl stop_app and
// start_app). While RabbitMQ is down every other test using it fails, so
// these run alone, after everything else: `npm run test:restart`, which
// `npm test` runs last. The ordinary `vitest run` never sees them.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../../', import.meta.url)),
  test: {
    name: 'restart',
    include: ['test/restart/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
