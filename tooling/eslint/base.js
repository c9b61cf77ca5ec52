// Wick's lint rules, shared by every package (create-t3-turbo keeps its config in tooling/ the same way).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Another package's inner files: only its public face (`@wick/x`) may be imported. */
const innerFilesOfAnotherPackage = [
  { group: ['@wick/*/src', '@wick/*/src/**', '@wick/*/test/**'], message: "Import the package's public face (@wick/<name>) instead." },
  { group: ['**/packages/*/**', '**/apps/*/**', '**/load-tests/**'], message: 'No relative imports into another package: depend on it.' },
];

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/.reports/**', '**/.turbo/**', '**/drizzle/meta/**', '**/coverage/**', '**/*.c'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs'] })] },
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Type-level cycles count too: they were the knot in packages/api.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'import-x/no-relative-packages': 'error',
      'import-x/no-duplicates': 'error',
      'no-restricted-imports': ['error', { patterns: innerFilesOfAnotherPackage }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
    },
  },
  {
    // k6 scripts run inside k6, not Node: its modules and globals.
    files: ['load-tests/*.js', 'load-tests/lib/**/*.js', 'load-tests/options/**/*.js', 'load-tests/faults/k6-*.js'],
    languageOptions: { globals: { __ENV: 'readonly', __VU: 'readonly', __ITER: 'readonly', open: 'readonly' } },
    rules: { 'import-x/no-unresolved': 'off' },
  },
  {
    files: ['apps/web/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    // The two classic hook rules; the React Compiler rules of v7's preset are not adopted (no compiler here).
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  prettier,
);
