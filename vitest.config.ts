import { playwright } from '@vitest/browser-playwright';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable } from './test/e2e/chromium.js';

/** The Node tests: the broker, the runner, the server, lessons, the client's plain modules. */
const nodeProject: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'node',
    include: ['test/**/*.test.ts'],
    // test/restart/ restarts RabbitMQ itself: it runs alone, with its own config (npm run test:restart).
    exclude: ['test/bench/**', 'test/client/**', 'test/e2e/**', 'test/restart/**', 'node_modules/**'],
    // Broker tests open many sockets; running files one at a time keeps the
    // two-core machine's timing stable and the RabbitMQ leg free of cross-talk.
    fileParallelism: false,
    sequence: { groupOrder: 0 },
  },
};

/** The client's components, each rendered in a real Chromium page. */
const browserProject: TestProjectInlineConfiguration = {
  extends: true,
  // Pre-bundle every package the client imports before the first test, so Vite never reloads a page mid-test.
  optimizeDeps: { entries: ['client/src/**/*.ts', 'test/client/**/*.ts'] },
  test: {
    name: 'browser',
    include: ['test/client/**/*.browser.test.ts'],
    // After the Node tests, so Chromium does not take a core from the broker's timing tests.
    sequence: { groupOrder: 1 },
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({ launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS } }),
      instances: [{ browser: 'chromium' }],
      viewport: { width: 1280, height: 720 },
      screenshotFailures: false,
    },
  },
};

/** The whole workbook in Chromium: the real server, the embedded broker, the built client. */
const endToEndProject: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'e2e',
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    sequence: { groupOrder: 2 },
  },
};

// Without Chromium the browser projects are left out with a notice (chromiumAvailable prints it; under CI it throws).
const withChromium = chromiumAvailable();

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: withChromium ? [nodeProject, browserProject, endToEndProject] : [nodeProject],
  },
});
