// ESLint over the handwritten TypeScript and JavaScript (`npm run lint`): eslint's and typescript-eslint's
// recommended rules, the ones that need no type information (tsc already checks types, strictly), so
// a lint run parses files one at a time and stays quick. Formatting is prettier's job, not a lint rule.
import Module, { createRequire } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';

// typescript-eslint parses through the TypeScript JavaScript API, which TypeScript 7 (the project's
// `tsc`) does not have. ts-morph, a dependency already, bundles TypeScript 6.0's, which typescript-eslint
// supports: the linter's `require('typescript')` is answered with that copy, and package.json's
// `overrides` tells npm that the linter's typescript peer is the project's. Remove both when
// typescript-eslint reads TypeScript 7.
const typescriptApi = createRequire(createRequire(import.meta.url).resolve('ts-morph')).resolve(
  '@ts-morph/common/dist/typescript.js',
);
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolveFilename.call(this, request === 'typescript' ? typescriptApi : request, ...rest);
};
const { default: tseslint } = await import('typescript-eslint');

export default defineConfig(
  {
    // Generated files are checked by prettier (formatting) and tsc (types), not by lint rules written
    // for handwritten code; fixtures and the type tests' failing cases are wrong on purpose.
    ignores: [
      'dist/**',
      'generated/**',
      'runtime/generated/**',
      'test/fixtures/**',
      'test/types/fail/**',
      '**/node_modules/**',
    ],
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    // Node's globals, for the plain JavaScript files (no-undef is off for TypeScript, which tsc checks).
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: {
      // The escape modules and the spec's text checks match control characters on purpose.
      'no-control-regex': 'off',
      // tsc's noUnused* convention: a leading underscore marks a name kept for its position.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrors: 'none',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
    },
  },
  {
    // Tests hand untyped and hostile values to the runtime on purpose, the way plain JavaScript callers
    // do; `any` stays an error in everything that ships (codegen, runtime, conventions, tools, examples).
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
