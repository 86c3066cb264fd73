import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { loadServerlessYaml } from '../../local/serverless-variables.js';

const root = resolve(import.meta.dirname, '../..');
/** What deploy/esbuild-plugins.js loads lazily, with dgram, which child_process loads. */
const LAZY = ['child_process', 'dgram'];

/**
 * Imports `bundle` in a fresh process and reports the built-ins loaded by the import, then what
 * the bundle's `use()` returns, if it has one, and the built-ins loaded by then.
 */
const IMPORT_SCRIPT = `
const before = new Set(process.moduleLoadList);
const builtins = () => process.moduleLoadList
  .filter((entry) => !before.has(entry) && entry.startsWith('NativeModule ') && !entry.includes('internal/'))
  .map((entry) => entry.slice('NativeModule '.length));
const bundle = await import(process.argv[1]);
const atImport = builtins();
const used = bundle.use?.();
process.stdout.write(JSON.stringify({ atImport, used, afterUse: builtins() }));`;

interface Imported {
  atImport: string[];
  used?: Record<string, unknown>;
  afterUse: string[];
}

describe('deploy/esbuild-plugins.js: built-ins the hub never uses', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-plugins-'));
  let options: BuildOptions;
  let plugins: Plugin[];
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    const config = loadServerlessYaml(readFileSync(join(root, 'serverless.yml'), 'utf8'), {
      stage: 'ci',
      region: 'us-east-1',
      env: {},
    });
    const { plugins: path, ...settings } = (config.custom as { esbuild: BuildOptions & { plugins: string } }).esbuild;
    plugins = ((await import(pathToFileURL(join(root, path)).href)) as { default: Plugin[] }).default;
    // As serverless-esbuild builds a handler, but for the extension of its output.
    const { outputFileExtension: _, ...buildOptions } = settings as BuildOptions & { outputFileExtension?: string };
    options = buildOptions;
  });

  /** Bundles `files` (the first is the entry) with `plugins`, then imports the bundle in a fresh process. */
  async function importBundle(name: string, files: Record<string, string>, using = plugins): Promise<Imported> {
    for (const [file, source] of Object.entries(files)) writeFileSync(join(dir, file), source);
    const outfile = join(dir, `${name}.mjs`);
    await build({
      ...options,
      entryPoints: [join(dir, Object.keys(files)[0]!)],
      outfile,
      plugins: using,
      nodePaths: [join(root, 'node_modules')],
      logLevel: 'error',
    });
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', IMPORT_SCRIPT, pathToFileURL(outfile).href], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (run.status !== 0) throw new Error(`importing ${name} failed (${run.status}):\n${run.stderr}`);
    return JSON.parse(run.stdout) as Imported;
  }

  it("imports jsforce's Connection without loading child_process or dgram", async () => {
    const entry = {
      'jsforce-entry.mjs':
        "export { Connection } from 'jsforce/lib/connection.js';\nexport { OAuth2 } from 'jsforce/lib/oauth2.js';",
    };
    const lazy = await importBundle('jsforce-lazy', entry);
    expect(LAZY.filter((name) => lazy.atImport.includes(name))).toEqual([]);
    // Guards the check: without the plugin the same bundle loads both.
    const eager = await importBundle(
      'jsforce-eager',
      entry,
      plugins.filter((plugin) => plugin.name !== 'lazy-builtins'),
    );
    expect(LAZY.filter((name) => eager.atImport.includes(name))).toEqual(LAZY);
  });

  it('gives code that does use a lazy built-in the real module, loaded then', async () => {
    const imported = await importBundle('used', {
      // Imported as ES modules: through esbuild's __toESM wrapper.
      'used-entry.mjs': `
import { spawnSync } from 'node:child_process';
import { echo } from './used-dependency.cjs';
export const use = () => ({
  echoed: echo('required'),
  spawned: spawnSync(process.execPath, ['-e', 'process.stdout.write("imported")'], { encoding: 'utf8' }).stdout,
  real: spawnSync === process.getBuiltinModule('node:child_process').spawnSync,
});`,
      // Required, as a CommonJS dependency does.
      'used-dependency.cjs': `
const childProcess = require('child_process');
const print = ['-e', 'process.stdout.write(process.argv[1])'];
exports.echo = (text) => childProcess.execFileSync(process.execPath, [...print, text], { encoding: 'utf8' });`,
    });
    expect(LAZY.filter((name) => imported.atImport.includes(name))).toEqual([]);
    expect(imported.used).toEqual({
      echoed: 'required',
      spawned: 'imported',
      real: true,
    });
    expect(LAZY.filter((name) => imported.afterUse.includes(name))).toEqual(LAZY);
  });
});
