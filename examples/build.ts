// Bundles an example's page: examples/NAME/browser.ts → examples/NAME/dist/client.js (esbuild,
// minified, with a source map), next to a copy of its index.html. esbuild resolves the
// `skirmish/...` specifiers through the root tsconfig.json's paths, as tsc and tsx do.
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The examples: every folder here with a server entry, a browser entry and a page. */
export function listExamples(): string[] {
  return readdirSync(here, { withFileTypes: true })
    .filter((d) => d.isDirectory() && ['server.ts', 'browser.ts', 'index.html'].every((f) => existsSync(join(here, d.name, f))))
    .map((d) => d.name)
    .sort();
}

/** What `buildExample` made: the page's folder, the bundle's size and esbuild's record of what went in. */
export interface BuiltPage {
  dir: string;
  bytes: number;
  metafile: Metafile;
}

/** Bundles the page of example `name` into its dist/ folder. @throws on an unknown name or a build error. */
export async function buildExample(name: string): Promise<BuiltPage> {
  if (!listExamples().includes(name)) throw new Error(`no example named ${name}`);
  const dir = join(here, name, 'dist');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, 'client.js');
  const { metafile } = await build({
    entryPoints: [join(here, name, 'browser.ts')],
    outfile,
    bundle: true,
    minify: true,
    sourcemap: true,
    format: 'iife',
    target: ['es2022'],
    platform: 'browser',
    tsconfig: join(here, '..', 'tsconfig.json'),
    metafile: true,
    logLevel: 'warning',
  });
  copyFileSync(join(here, name, 'index.html'), join(dir, 'index.html'));
  const output = Object.entries(metafile.outputs).find(([path]) => path.endsWith('client.js'));
  return { dir, bytes: output?.[1].bytes ?? 0, metafile };
}
