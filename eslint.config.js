import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'test-results/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Logic must stay testable in plain Node: only the Electron shell may import electron.
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'Only src-main shell files may import electron.' }] },
      ],
    },
  },
  {
    // The Electron shell: the only files that may import electron (DESIGN.md).
    files: [
      'src-main/shell/lifecycle.ts',
      'src-main/shell/window.ts',
      'src-main/shell/security.ts',
      'src-main/shell/preload.ts',
      'src-main/shell/main.ts',
      'src-main/store/electron-store.ts',
    ],
    rules: { 'no-restricted-imports': 'off' },
  },
);
