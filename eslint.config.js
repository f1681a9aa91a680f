// Flat ESLint config: typescript-eslint's recommended rules for all TypeScript in the repo; formatting is
// Prettier's (`npm run lint` runs `prettier --check`, `npm run format` fixes), so its conflicting rules are off.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.test-build/',
      'cdk.out/',
      'coverage/',
      'bench/results.json',
      'test-artifacts/',
      'src/dashboard/static/vendor/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      eqeqeq: ['error', 'smart'],
    },
  },
  prettier,
);
