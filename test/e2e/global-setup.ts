/**
 * Builds the client once for every end-to-end test file and hands its folder
 * to them as `inject('clientDir')`; removes it after.
 */
import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { buildClient } from './client-build.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder the built client is in. */
    clientDir: string;
  }
}

/** Vitest's global setup: returns the teardown. */
export default async function setup(project: TestProject): Promise<() => void> {
  const clientDir = await buildClient();
  project.provide('clientDir', clientDir);
  return () => rmSync(clientDir, { recursive: true, force: true });
}
