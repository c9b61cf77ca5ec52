/**
 * The architecture, checked on every `npm test` (pnpm lint:arch): no import cycle anywhere, type-only
 * imports included (eslint's import-x/no-cycle skips those, and the knot in packages/api was
 * type-level), no import of another package's inner files, and DESIGN's arrows between packages.
 */
const pkg = (name) => `^(packages|apps)/${name}/`;
module.exports = {
  forbidden: [
    { name: 'no-cycle', severity: 'error', comment: 'Break cycles with a leaf module.', from: {}, to: { circular: true } },
    {
      name: 'no-inner-imports',
      severity: 'error',
      comment: "Import another package's public face (src/index.ts), never its inner files.",
      from: { path: '^((?:packages|apps)/[^/]+|load-tests)/' },
      to: {
        path: '^(packages|apps)/[^/]+/',
        // $1 is the importing package: its own files are fine.
        pathNot: ['^$1/', '^(packages|apps)/[^/]+/src/index\\.ts$', '^apps/server/src/testing/index\\.ts$'],
      },
    },
    // The math imports only the domain types; its tests and benchmarks may also use the test kit.
    {
      name: 'indicators-leaf',
      severity: 'error',
      from: { path: pkg('indicators') + 'src/' },
      to: { path: '^(packages|apps)/(?!indicators/|market/)' },
    },
    {
      name: 'indicators-tests-leaf',
      severity: 'error',
      from: { path: pkg('indicators') + '(test|bench)/' },
      to: { path: '^(packages|apps)/(?!indicators/|market/|testkit/)' },
    },
    { name: 'market-leaf', severity: 'error', from: { path: pkg('market') }, to: { path: '^(packages|apps)/(?!market/)' } },
    {
      name: 'cache-not-db-api',
      severity: 'error',
      from: { path: pkg('cache') },
      to: { path: '^(packages|apps)/(db|api|engine|server|client|web)/' },
    },
    {
      name: 'db-not-cache-api',
      severity: 'error',
      from: { path: pkg('db') },
      to: { path: '^(packages|apps)/(cache|api|engine|server|client|web)/' },
    },
    {
      name: 'engine-below-api',
      severity: 'error',
      from: { path: pkg('engine') },
      to: { path: '^(packages|apps)/(db|cache|api|server|client|web)/' },
    },
    { name: 'api-below-server', severity: 'error', from: { path: pkg('api') }, to: { path: '^(packages|apps)/(server|client|web)/' } },
    {
      name: 'client-types-only',
      severity: 'error',
      comment: 'The client ships to browsers: it may import the router as a type, never the server runtime.',
      from: { path: pkg('client') + 'src/' },
      to: { path: '^(packages|apps)/(api|server|db|cache|engine)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'web-only-client-market',
      severity: 'error',
      from: { path: '^apps/web/src/' },
      to: { path: '^(packages|apps)/(?!web/|client/|market/)', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|\\.reports|\\.turbo|drizzle)/' },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    preserveSymlinks: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
