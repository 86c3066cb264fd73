/**
 * esbuild plugins of the Lambda bundles (serverless.yml `custom.esbuild.plugins`). Each one replaces
 * a module that a dependency loads but the hub never runs with a smaller one, so that a cold start
 * neither downloads nor parses it. test/infra/serverless-package.test.ts checks the bundles,
 * test/infra/esbuild-plugins.test.ts the built-ins they load.
 */
import { builtinModules, createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const inPackage = (name, path) => new RegExp(`[\\\\/]node_modules[\\\\/]${name}[\\\\/]`).test(path);

/**
 * zod sets its English messages itself (`config(en())`); its other locales, some 40 of them, are
 * reachable only through `z.locales`, which the hub never calls. `z.locales` keeps `en` alone.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, ({ importer }) =>
      inPackage('zod', importer)
        ? { path: join(dirname(importer), '../locales/index.js'), namespace: 'zod-english-only' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, ({ path }) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: dirname(path),
      loader: 'js',
    }));
  },
};

/** A module a package requires, replaced by `contents` (CommonJS) when `importer` is that package's. */
const STUBS = [
  {
    module: 'whatwg-url',
    importer: 'node-fetch',
    // node-fetch takes `URL` from Node's url module and falls back on whatwg-url's (and its 260 KB
    // of Unicode tables) only when Node has none, which Node 22 always has.
    contents:
      "module.exports = { URL: require('node:url').URL, URLSearchParams: require('node:url').URLSearchParams };",
  },
  {
    module: 'form-data',
    importer: 'jsforce',
    // jsforce builds multipart bodies only to upload binary fields, which the hub never does; its
    // request helper tests bodies with `instanceof FormData`, which stays false for every other one.
    contents:
      'module.exports = class FormData { constructor() { throw new Error("form-data is left out of this bundle"); } };',
  },
  {
    module: 'https-proxy-agent',
    importer: 'jsforce',
    // jsforce builds a proxy agent only for its `httpProxy` option, which the hub never sets; the
    // package brings agent-base, debug and supports-color, which test the terminal as they load.
    contents:
      'module.exports = () => {\n' +
      '  throw new Error("https-proxy-agent is left out of this bundle: no Salesforce proxy");\n' +
      '};',
  },
  {
    module: 'xml2js',
    importer: 'jsforce',
    // jsforce parses a response body as XML by its content type alone; the REST, OAuth and Bulk
    // API 2.0 calls of the hub answer JSON (or CSV). An XML body stays text, as jsforce keeps any
    // body it cannot parse; xml2js, xmlbuilder and sax (100 KB) are left out.
    contents: 'module.exports = { parseStringPromise: async (text) => text };',
  },
  {
    module: './csv',
    importer: 'jsforce',
    // jsforce's CSV helpers (csv-parse and csv-stringify, 80 KB) serve Bulk API 1.0 and record
    // streams, which the hub never uses, and `text/csv` answers, which the hub reads as text
    // (`responseType: 'text/plain'`). A throwing parser leaves any other CSV body text, as above.
    contents:
      'const leftOut = () => { throw new Error("jsforce CSV helpers are left out of this bundle"); };\n' +
      'module.exports = { parseCSV: leftOut, toCSV: leftOut, parseCSVStream: leftOut, serializeCSVStream: leftOut };',
  },
];

const unusedModules = {
  name: 'unused-modules',
  setup(build) {
    for (const stub of STUBS) {
      build.onResolve({ filter: new RegExp(`^${stub.module.replaceAll('.', '\\.')}$`) }, ({ importer }) =>
        inPackage(stub.importer, importer) ? { path: stub.module, namespace: 'unused-modules' } : undefined,
      );
    }
    build.onLoad({ filter: /.*/, namespace: 'unused-modules' }, ({ path }) => ({
      contents: STUBS.find((stub) => stub.module === path).contents,
      loader: 'js',
    }));
  },
};

/**
 * The AWS SDK clients' default credential chain, cut to the links a Lambda function can use: the
 * runtime's variables (`AWS_ACCESS_KEY_ID`…, set in every Lambda environment, and tried first by the
 * full chain too), then the container and instance metadata endpoints. The links it leaves out
 * (SSO, shared config files, `credential_process`, web identity token files, console login) read
 * files and profiles that Lambda does not have, and bring some 140 KB of STS, SSO and sign-in
 * clients into each bundle for every cold start to compile.
 */
const LAMBDA_CREDENTIALS = `
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { remoteProvider } from '@aws-sdk/credential-provider-node/dist-es/remoteProvider.js';
import { memoizeChain } from '@aws-sdk/credential-provider-node/dist-es/runtime/memoize-chain.js';
// As the full chain: credentials are fetched again in their last 5 minutes.
const credentialsTreatedAsExpired = (credentials) =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;
export const defaultProvider = (init = {}) =>
  memoizeChain([() => fromEnv(init)(), async () => (await remoteProvider(init))()], credentialsTreatedAsExpired);
`;

const lambdaCredentials = {
  name: 'lambda-credentials',
  setup(build) {
    // One module for every client of a bundle, resolved where the package itself is.
    const resolveDir = dirname(createRequire(import.meta.url).resolve('@aws-sdk/credential-provider-node'));
    // The SDK's clients and lib/ssm-parameter.ts alike.
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({
      path: 'default-provider',
      namespace: 'lambda-credentials',
    }));
    build.onLoad({ filter: /.*/, namespace: 'lambda-credentials' }, () => ({
      contents: LAMBDA_CREDENTIALS,
      resolveDir,
      loader: 'js',
    }));
  },
};

/**
 * Node's built-in modules, loaded with `require` (the bundle's banner defines one) instead of an
 * `import` statement. Importing a built-in as an ES module builds a facade that reads every one of
 * its exports, lazy ones too: for `node:http` that loads undici (its `WebSocket`, `CloseEvent` and `MessageEvent`
 * getters), which the hub never uses and which costs a cold start some 15 ms. A CommonJS
 * `require` reads only the exports the bundle uses.
 */
const BUILTINS = new Set(builtinModules.filter((name) => !name.startsWith('_')));

const builtinsByRequire = {
  name: 'builtins-by-require',
  setup(build) {
    build.onResolve({ filter: /^(node:)?[a-z][a-z0-9_/]*$/ }, ({ path, kind }) => {
      const name = path.replace(/^node:/, '');
      return kind === 'import-statement' && BUILTINS.has(name)
        ? { path: name, namespace: 'builtin-require' }
        : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'builtin-require' }, ({ path }) => ({
      contents: `module.exports = require('node:${path}');`,
      loader: 'js',
    }));
  },
};

/**
 * Built-ins that a dependency loads when the bundle is imported but whose code the hub never runs,
 * each with who loads it and why that code does not run in Lambda. The bundle gets a stand-in whose
 * exports (the real module's, listed at build time) are getters that load the module on first
 * use: a cold start skips it, and a use nobody foresaw still gets the real export. The other
 * built-ins a bundle loads stay eager, since an invocation uses them: `tty` too (debug and
 * supports-color, under https-proxy-agent, call `isatty` while loading), `readline` (usageSync
 * reads its staged files by line) and `fs/promises` (the SDK looks for its shared config files).
 */
const LAZY_BUILTINS = new Set([
  // jsforce's connection registry (lib/registry/sfdx.js, loaded with `Connection`) runs the `sfdx`
  // CLI, and only with JSFORCE_CONNECTION_REGISTRY=sfdx, which the hub never sets. Node's
  // child_process loads dgram: neither is loaded now.
  'child_process',
]);

const lazyBuiltinSource = (name) => {
  const real = createRequire(import.meta.url)(`node:${name}`);
  return `let real;
const load = () => (real ??= require('node:${name}'));
module.exports = {};
for (const key of ${JSON.stringify(Object.keys(real))})
  Object.defineProperty(module.exports, key, {
    enumerable: true,
    get: () => load()[key],
    set: (value) => { load()[key] = value; },
  });`;
};

const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(build) {
    // Both import statements and dependencies' require() calls; not the stand-in's own require.
    build.onResolve({ filter: /^(node:)?[a-z][a-z_/]*$/ }, ({ path, kind, namespace }) => {
      const name = path.replace(/^node:/, '');
      return LAZY_BUILTINS.has(name) &&
        namespace !== 'lazy-builtin' &&
        (kind === 'import-statement' || kind === 'require-call')
        ? { path: name, namespace: 'lazy-builtin' }
        : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, ({ path }) => ({
      contents: lazyBuiltinSource(path),
      loader: 'js',
    }));
  },
};

export default [zodEnglishOnly, unusedModules, lambdaCredentials, lazyBuiltins, builtinsByRequire];
