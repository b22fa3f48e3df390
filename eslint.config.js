// kasumi's lint: code rules for TypeScript, and the walls between the rooms of src/.
// The allowed edges below are the same table as ARCHITECTURE.md ("Allowed imports");
// test/lint/architecture.test.ts fails when the two disagree, so change both together.
import js from '@eslint/js'
import boundaries from 'eslint-plugin-boundaries'
import {createTypeScriptImportResolver} from 'eslint-import-resolver-typescript'
import importX from 'eslint-plugin-import-x'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/** Each room of src/ (and commands/), with the rooms it may import. A room may always import itself. */
export const ROOMS = {
  commands: ['cli', 'domain', 'platform', 'format', 'ingest', 'store', 'inventory', 'reference', 'estimate', 'bench', 'report', 'audit'],
  cli: ['domain', 'platform', 'format', 'ingest', 'store'],
  audit: ['domain', 'platform', 'format', 'ingest', 'store', 'inventory', 'reference', 'estimate', 'report'],
  report: ['domain', 'platform', 'format', 'ingest', 'store', 'inventory', 'reference', 'estimate', 'bench'],
  bench: ['domain', 'platform', 'ingest', 'store', 'reference', 'estimate'],
  estimate: ['domain', 'platform', 'ingest', 'store'],
  inventory: ['domain', 'platform', 'format', 'ingest', 'store', 'reference'],
  reference: ['domain', 'platform', 'ingest'],
  ingest: ['domain', 'platform', 'store'],
  store: ['domain', 'platform'],
  format: ['domain'],
  domain: [],
  platform: [],
}

/** Packages that belong to one room: only these rooms may import them. */
export const OWNED_PACKAGES = {
  'better-sqlite3': ['store'],
  pg: ['store'],
  'pg-copy-streams': ['store'],
  kysely: ['store'],
  'csv-parse': ['ingest'],
  'iconv-lite': ['ingest'],
  '@e965/xlsx': ['ingest'],
  hyparquet: ['ingest'],
  'hyparquet-compressors': ['ingest'],
  '@oclif/core': ['commands', 'cli'],
  '@inquirer/prompts': ['commands', 'cli'],
  harfbuzzjs: ['report'],
  fontkit: ['report'],
  pdfkit: ['report'],
}

const elements = [
  {type: 'commands', pattern: 'commands'},
  ...Object.keys(ROOMS)
    .filter((room) => room !== 'commands')
    .map((room) => ({type: room, pattern: `src/${room}`})),
]

const roomPolicies = Object.entries(ROOMS).map(([room, allowed]) => ({
  from: {element: {type: room}},
  allow: {to: {element: {types: {anyOf: [room, ...allowed]}}}},
}))

const roomFiles = (room) => (room === 'commands' ? ['commands/**/*.ts'] : [`src/${room}/**/*.ts`])

/** One block per room naming the packages it may not import (ESLint does not merge one rule's options across blocks). */
const packageBlocks = Object.keys(ROOMS).map((room) => ({
  files: roomFiles(room),
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: Object.entries(OWNED_PACKAGES)
          .filter(([, owners]) => !owners.includes(room))
          .map(([name, owners]) => ({name, message: `only ${owners.join(' and ')} may use ${name} (ARCHITECTURE.md)`})),
      },
    ],
  },
}))

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'perf-data/**', 'reports/out/**', 'demo/**', 'coverage/**', '.ci/**']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {globals: {...globals.node}},
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true},
      ],
      '@typescript-eslint/ban-ts-comment': ['error', {'ts-ignore': 'allow-with-description'}],
    },
  },
  {
    files: ['src/**/*.ts', 'commands/**/*.ts'],
    // @ts-ignore -- the plugin's published types do not match ESLint's Plugin type; it works as a flat-config plugin.
    plugins: {boundaries, 'import-x': importX},
    settings: {
      'boundaries/elements': elements,
      'boundaries/include': ['src/**/*.ts', 'commands/**/*.ts'],
      'import/resolver': {typescript: {project: './tsconfig.json'}},
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': {'@typescript-eslint/parser': ['.ts']},
      'import-x/resolver-next': [createTypeScriptImportResolver({project: './tsconfig.json'})],
    },
    rules: {
      'import-x/no-cycle': ['error', {ignoreExternal: true}],
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: [
            ...roomPolicies,
            // Packages are allowed unless a room owns them.
            {allow: {to: {module: {origin: 'external'}}}},
            {allow: {to: {module: {origin: 'core'}}}},
          ],
        },
      ],
      'boundaries/no-unknown-files': 'error',
    },
  },
  ...packageBlocks,
  {
    // The local `canvas` package (chart.js's canvas, mapped onto @napi-rs/canvas) is CommonJS by necessity.
    files: ['src/report/canvas/**/*.js'],
    languageOptions: {sourceType: 'commonjs'},
    rules: {'@typescript-eslint/no-require-imports': 'off'},
  },
)
