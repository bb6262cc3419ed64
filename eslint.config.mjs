import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Import boundaries: the layout stays true without anyone remembering it.
 *   stacks/ (infrastructure)  may import api/contract, never scripts/, delivery/ or __tests__/
 *   api/    (deployables)     never imports stacks/, scripts/, delivery/ or __tests__/
 *   delivery/, scripts/       never import __tests__/
 */
const boundary = (folders, why) => ({
  regex: `(^|/)(${folders.join('|')})(/|$)`,
  message: why,
});
const TESTS = boundary(['__tests__'], 'Only tests import __tests__/: move what is shared to scripts/support/.');
/** The IAM policy engine of the isolation test is AGPL-3.0: a devDependency that nothing shipped may import. */
const TESTS_ONLY_ENGINE = { regex: '^@cloud-copilot/', message: '@cloud-copilot/* is AGPL-3.0: tests only (a devDependency), never in stacks/, api/, delivery/ or scripts/.' };
const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns: [...patterns, TESTS_ONLY_ENGINE] }] });

export default tseslint.config(
  { ignores: ['node_modules/', 'cdktf.out/', 'dist/', 'coverage/', '.gen/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Constructs are created for their side effect on the tree.
      'no-new': 'off',
    },
  },
  {
    files: ['stacks/**', 'main.ts'],
    rules: restrict(boundary(['scripts', 'delivery'], 'Infrastructure never imports tools or delivery: the deployables\' build lives in stacks/build/.'), TESTS),
  },
  {
    files: ['api/**'],
    rules: restrict(boundary(['stacks', 'scripts', 'delivery'], 'The deployables never import infrastructure or tools; shared values live in api/contract/.'), TESTS),
  },
  { files: ['delivery/**', 'scripts/**'], rules: restrict(TESTS) },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
