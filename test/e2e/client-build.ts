/**
 * Builds the browser client with the project's own Vite config into a
 * folder of its own, so tests never touch dist/client.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const CLIENT_CONFIG = fileURLToPath(new URL('../../client/vite.config.ts', import.meta.url));

/** Builds the client into a fresh temporary folder and returns its path. */
export async function buildClient(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'warren-client-'));
  await build({
    configFile: CLIENT_CONFIG,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}
