#!/usr/bin/env node
// Builds the web UI (web/) into dist/ui/public, which the coordinator serves under /ui.
// Runs after `nest build`, which empties dist/ first. The bundle is written to a fresh folder
// and swapped in, so a running coordinator never serves half a build.
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'web');
const target = join(root, 'dist', 'ui', 'public');
const staging = `${target}.${process.pid}.tmp`;

// Browsers from early 2023 on: the CSS uses color-mix().
const browsers = ['chrome111', 'edge111', 'firefox113', 'safari16.4'];

await rm(staging, { recursive: true, force: true });
await mkdir(staging, { recursive: true });
try {
  await build({
    entryPoints: [join(web, 'src', 'main.ts')],
    outfile: join(staging, 'app.js'),
    tsconfig: join(web, 'tsconfig.json'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: browsers,
    minify: true,
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
  });
  await build({
    entryPoints: [join(web, 'styles.css')],
    outfile: join(staging, 'styles.css'),
    bundle: true,
    target: browsers,
    minify: true,
    logLevel: 'warning',
  });
  for (const file of ['index.html', 'favicon.svg']) {
    await copyFile(join(web, file), join(staging, file));
  }
  await rm(target, { recursive: true, force: true });
  await rename(staging, target);
} catch (err) {
  await rm(staging, { recursive: true, force: true });
  console.error(`web UI build failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
