/**
 * The architecture of ../shared/DESIGN.md §1 and §7 as rules: `npm run arch` (and `npm test`)
 * fails on any import that breaks one, naming the rule and why it exists.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const FLOWS = '(tickets|terms|usage|outbound)';
const SAAS_CLIENTS = '^lib/clients/(salesforce|mixpanel|zendesk)/';

module.exports = {
  forbidden: [
    {
      name: 'ingress-never-calls-saas',
      comment:
        "An ingress handler answers within the caller's timeout and acknowledges only what it has enqueued: " +
        "it verifies, validates and enqueues, and every SaaS call happens in that API's queue consumer. " +
        'So no webhook function may import a Salesforce, Mixpanel or Zendesk client, directly or through lib/.',
      severity: 'error',
      from: { path: '^functions/[^/]*(webhook|outbound)[^/]*\\.ts$' },
      // Except the pure shapes and ids of Mixpanel intents (zod and a hash, no I/O): outbound messages
      // map straight to Mixpanel intents at ingress, and the mixpanel queue's consumer reads them.
      to: { path: SAAS_CLIENTS, pathNot: '^lib/clients/mixpanel/(types|insert-id)\\.ts$', reachable: true },
    },
    {
      name: 'sandbox-is-not-runtime',
      comment:
        'sandbox/ holds local emulators of the SaaS APIs. Only the local runtime, the bench, scripts and tests ' +
        'may use them; product code that imported one would ship an emulator to Lambda or trust a fake.',
      severity: 'error',
      from: { pathNot: '^(sandbox|local|bench|scripts|test)/' },
      to: { path: '^sandbox/' },
    },
    {
      name: 'clients-never-import-flows',
      comment:
        'lib/clients/ are adapters for one API each, shared by every flow. A client that knew a flow ' +
        '(tickets, terms, usage, outbound) would couple every flow to that one; move the shared piece into the client.',
      severity: 'error',
      from: { path: '^lib/clients/' },
      to: { path: `^lib/${FLOWS}/` },
    },
    {
      name: 'flows-never-import-each-other',
      comment:
        'Each flow (lib/tickets, lib/terms, lib/usage, lib/outbound) changes on its own. What two flows share ' +
        'belongs in lib/ (clients, sqs, http or a top-level module), not in one of them.',
      severity: 'error',
      from: { path: `^lib/${FLOWS}/` },
      to: { path: `^lib/${FLOWS}/`, pathNot: '^lib/$1/' },
    },
    {
      name: 'no-circular',
      comment:
        'An import cycle makes load order matter (an ESM binding read before its module ran is undefined) ' +
        'and ties the modules together so neither can be tested or changed alone.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'product-code-uses-runtime-dependencies',
      comment:
        'functions/ and lib/ are bundled into Lambda, where only "dependencies" are installed: ' +
        'a devDependency there would work locally and fail in AWS.',
      severity: 'error',
      from: { path: '^(functions|lib)/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'], pathNot: '^node_modules/@types/' },
    },
    {
      name: 'no-unresolvable-imports',
      comment: 'An import that does not resolve fails at run time in the bundle.',
      severity: 'error',
      from: {},
      // aws-lambda is types only (@types/aws-lambda), imported with `import type`.
      to: { couldNotResolve: true, pathNot: '^aws-lambda$' },
    },
  ],
  options: {
    includeOnly: '^(functions|lib|local|sandbox|scripts|bench|test|node_modules)/',
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
  },
};
