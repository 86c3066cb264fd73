import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, parse, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WORKER = join(root, 'local/function-worker.ts');
// Inside the repository, so that the packages the bundle leaves out resolve from its node_modules.
const CACHE = join(root, 'node_modules/.cache/switchboard');
// A function's older bundles are deleted, once a day old, when a new one is written.
const STALE_MS = 24 * 60 * 60 * 1000;

interface Bundle {
  file: string;
  code: Uint8Array;
}
const built = new Map<string, Promise<Bundle>>();

/**
 * Compiles a function module, with the code that serves its invocations, into one ES module for a
 * worker thread, as serverless-esbuild bundles it for Lambda but leaving the npm packages to Node:
 * a worker then starts in about a third of the time a TypeScript loader takes in each thread. The
 * file is named by its content, so hubs running side by side never read one half-written.
 * @returns the bundle's file URL; compiled once per module and process, written again if deleted.
 */
export async function bundleFunction(moduleUrl: string): Promise<string> {
  let bundle = built.get(moduleUrl);
  if (!bundle) {
    bundle = compile(fileURLToPath(moduleUrl));
    built.set(moduleUrl, bundle);
    bundle.catch(() => built.delete(moduleUrl));
  }
  const { file, code } = await bundle;
  if (!existsSync(file)) write(file, code);
  return pathToFileURL(file).href;
}

async function compile(modulePath: string): Promise<Bundle> {
  const result = await build({
    stdin: {
      contents:
        `import * as module from ${JSON.stringify(modulePath)};\n` +
        `import { serveFunction } from ${JSON.stringify(WORKER)};\n` +
        'serveFunction(module);\n',
      resolveDir: root,
      sourcefile: 'function-worker-entry.ts',
      loader: 'ts',
    },
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node22',
    // Stack traces name the TypeScript sources: here, where developers read them, the maps pay for
    // themselves; Lambda bundles ship none (serverless.yml `custom.esbuild`). Nothing else of those
    // settings applies: the packages they trim (the AWS SDK, zod, jsforce) are left to Node here.
    sourcemap: 'inline',
    banner: { js: 'process.setSourceMapsEnabled(true);' },
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents;
  if (!code) throw new Error(`esbuild produced nothing for ${modulePath}`);
  const name = parse(modulePath).name;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const file = join(CACHE, `${name}-${hash}.mjs`);
  if (!existsSync(file)) {
    write(file, code);
    pruneOlderBundles(name, file);
  }
  return { file, code };
}

function write(file: string, code: Uint8Array): void {
  mkdirSync(CACHE, { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, code);
  renameSync(partial, file);
}

/** Keeps the cache from growing with every edit; a hub that still needs a deleted bundle writes it again. */
function pruneOlderBundles(name: string, current: string): void {
  // `<name>-<16 hex digits>.mjs`
  const isBundle = (entry: string): boolean =>
    entry.startsWith(`${name}-`) && entry.endsWith('.mjs') && entry.length === name.length + 21;
  for (const entry of readdirSync(CACHE)) {
    const file = join(CACHE, entry);
    if (file === current || !isBundle(entry)) continue;
    try {
      if (Date.now() - statSync(file).mtimeMs > STALE_MS) rmSync(file, { force: true });
    } catch {
      // Another hub pruned it first.
    }
  }
}
