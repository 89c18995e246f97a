import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * What each program may import (docs/architecture.md): boundaries in the linter, not in
 * comments. no-restricted-imports sees the specifier as written, so each rule matches a
 * relative path that climbs out of its folder (`../`, as many as it takes) into a top-level one.
 * No folder inside a zone shares a name with a top-level folder (agent, src-main, src-renderer,
 * shared), so a match always means the top-level one; test/lint-boundaries.test.ts holds each
 * rule to an import it must refuse and one it must let through.
 */
const up = '^(\\.\\./)+';
const ELECTRON = {
  name: 'electron',
  message: 'Only the Electron shell (src-main/shell/) may import electron.',
};
const PROGRAMS = {
  agent: {
    regex: `${up}agent/`,
    message: 'Only the agent imports agent/: move what both programs run to shared/.',
  },
  srcMain: {
    regex: `${up}src-main/`,
    message: "src-main/ is the Console's main process: nothing else imports it.",
  },
  renderer: {
    regex: `${up}src-renderer/`,
    message: 'src-renderer/ is the UI: nothing else imports it.',
  },
};
const NODE_ONLY_SHARED = {
  regex: `${up}shared/(?!(model|protocol|ipc|templates)/)`,
  message:
    'The renderer imports only the runtime-neutral parts of shared/ (model, protocol, ipc, templates); shared/certs and shared/mdns are Node-only.',
};

/** The rule for one zone: electron stays forbidden outside the shell, plus the zone's patterns. */
const restrict = (patterns, { electron = true } = {}) => [
  'error',
  { paths: electron ? [ELECTRON] : [], patterns },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'test-results/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Logic must stay testable in plain Node: only the Electron shell may import electron.
      'no-restricted-imports': restrict([]),
    },
  },
  {
    // shared/ is what both programs run: it imports no program.
    files: ['shared/**'],
    rules: { 'no-restricted-imports': restrict([PROGRAMS.agent, PROGRAMS.srcMain, PROGRAMS.renderer]) },
  },
  {
    // The agent runs on appliances without the Console.
    files: ['agent/**'],
    rules: { 'no-restricted-imports': restrict([PROGRAMS.srcMain, PROGRAMS.renderer]) },
  },
  {
    // The Console's main process talks to agents over the protocol only; the demo entry is the
    // one place that starts an agent in-process (npm start, npm run web -- --demo).
    files: ['src-main/**'],
    ignores: ['src-main/core/demo-agent.ts'],
    rules: { 'no-restricted-imports': restrict([PROGRAMS.agent, PROGRAMS.renderer]) },
  },
  {
    files: ['src-main/core/demo-agent.ts'],
    rules: { 'no-restricted-imports': restrict([PROGRAMS.renderer]) },
  },
  {
    // The renderer is a web page: the runtime-neutral parts of shared/ and its own files.
    files: ['src-renderer/**'],
    rules: {
      'no-restricted-imports': restrict([PROGRAMS.agent, PROGRAMS.srcMain, NODE_ONLY_SHARED]),
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
    rules: { 'no-restricted-imports': restrict([PROGRAMS.agent, PROGRAMS.renderer], { electron: false }) },
  },
);
