/**
 * node-clock.ts as a module `node --import` can load. Node cannot load
 * TypeScript by itself, and loading a TypeScript loader into every actor
 * would cost each start a few hundred milliseconds, so the clock is bundled
 * once by esbuild into one plain JavaScript file, kept in the system's
 * temporary folder under a name made from its content.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const SOURCE = fileURLToPath(new URL('./node-clock.ts', import.meta.url));

let built: Promise<string> | undefined;

/** The file URL of the bundled clock, to pass to `node --import`. */
export function nodeClockModule(): Promise<string> {
  built ??= bundle();
  return built;
}

async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [SOURCE],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles.map((file) => file.text).join('\n');
  const name = `node-clock-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`;
  const folder = join(tmpdir(), 'warren-programs');
  const path = join(folder, name);
  if (!existsSync(path)) {
    mkdirSync(folder, { recursive: true });
    writeFileSync(`${path}.${process.pid}`, code);
    renameSync(`${path}.${process.pid}`, path);
  }
  return pathToFileURL(path).href;
}
