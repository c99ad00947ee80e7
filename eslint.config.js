// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['dist/', 'coverage/', 'test-results/']),
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // Each file is checked under the nearest tsconfig: the server's, the client's or the client tests'.
        projectService: { allowDefaultProject: ['eslint.config.js', 'client/vite.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Counts and sizes appear in messages everywhere; a number prints as the reader expects.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // A one-line arrow that calls a void function is how listeners and Lit event bindings are written.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // `() => {}` is a deliberate no-op: an error listener whose error is reported elsewhere, a callback a test ignores.
      '@typescript-eslint/no-empty-function': ['error', { allow: ['arrowFunctions'] }],
      // The same convention as tsc's noUnused*: a leading underscore marks a value left out on purpose.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // An async function that does not await still turns a throw into a rejection, which Promise-returning interfaces rely on.
      '@typescript-eslint/require-await': 'off',
      // It asks for the `!` that no-non-null-assertion forbids: a value that may be absent is checked instead.
      '@typescript-eslint/non-nullable-type-assertion-style': 'off',
    },
  },
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Vitest's asymmetric matchers (expect.any, expect.stringMatching) are typed `any` by design.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    files: ['test/e2e/**/*.ts'],
    rules: {
      // Functions passed to page.evaluate run in the browser: the Node tsconfig has no DOM types, so their DOM values are untyped.
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['client/src/**/*.ts', 'test/client/**/*.ts'],
    extends: [lit.configs['flat/recommended'], wc.configs['flat/recommended']],
    rules: {
      // Lit calls a template's event listeners with the element as `this`, so passing `this.handleX` is safe.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  prettier,
);
