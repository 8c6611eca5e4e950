/**
 * The layers, checked by `npm run lint` (docs: README, "Layers"). Each rule names a folder and what it
 * may not import. Violations that exist today are listed in .dependency-cruiser-known-violations.json
 * (the restructure removes them); any new one fails lint. Type-only imports are allowed where the
 * rule says so: they vanish from the JavaScript that runs.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'domain/ holds the rules shared by workflow and edge code: it imports nothing of ours outside domain/.',
      severity: 'error',
      from: { path: '^domain/' },
      to: { path: '^(?!domain/)[^/]+/', pathNot: '^node_modules/' },
    },
    {
      name: 'workflows-import-domain-only',
      comment: 'Workflow code runs in the sandbox for years: it imports domain/ and its own definitions, and only types from elsewhere.',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { path: '^(?!domain/|workflows/)[^/]+/', pathNot: '^node_modules/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'db-imports-no-process',
      comment: 'db/ is a library: it imports no process (worker/, api/, the CLI).',
      severity: 'error',
      from: { path: '^db/' },
      to: { path: '^(worker|api)/|^client/cli' },
    },
    {
      name: 'cli-is-an-api-client',
      comment:
        'The CLI talks to the API over HTTP: it imports neither the server (api/), the database (db/) nor a process of the engine (worker/).',
      severity: 'error',
      from: { path: '^client/cli' },
      to: { path: '^(api|db|worker)/' },
    },
    {
      name: 'server-imports-no-ui',
      comment: 'The server does not depend on the web UI: shared shapes live with the API, the UI imports them.',
      severity: 'error',
      from: { path: '^api/' },
      to: { path: '^ui/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|\\.tools|test/artifacts|test/fixtures)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
