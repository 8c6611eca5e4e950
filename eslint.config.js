// Lint rules the compiler cannot give: no floating promises anywhere, and nothing in workflow or
// domain code that breaks the workflow sandbox or its determinism (Node built-ins, I/O clients,
// zod schemas held per cached workflow: sdk-typescript issue 2227).
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const sandboxForbidden = {
  paths: [
    ...builtinModules.flatMap((name) => [name, `node:${name}`]),
    { name: 'zod', message: 'Workflows import types and rule functions, never zod schemas.' },
    { name: 'pg', message: 'No I/O in workflow or domain code: use an activity.' },
    { name: '@temporalio/client', message: 'Workflows do not use the client.' },
    { name: '@temporalio/worker', message: 'Workflows do not use the worker.' },
    { name: '@temporalio/activity', message: 'Workflows do not run activities in-process.' },
  ],
  patterns: [
    {
      group: ['**/schemas.js', '**/activities/*.js', '**/client/**', '**/worker/**', '**/db/**', '**/config/**', '**/temporal/**'],
      allowTypeImports: true,
      message: 'Only types from here: this code runs in the workflow sandbox.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', '.data/', 'test/artifacts/', 'eslint.config.js', '.dependency-cruiser.cjs'] },
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    ignores: ['domain/schemas.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', sandboxForbidden] },
  },
);
