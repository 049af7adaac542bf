// ESLint (typescript-eslint) with the layering rule that keeps imports pointing one way.
import stylistic from '@stylistic/eslint-plugin';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * The folders of src/, from the composition at the top to the shared types at the bottom. A
 * module imports its own folder and the folders after it, never one before it: the pipeline's
 * stages (sources -> parse -> validate -> transform -> encode -> batch -> deliver) import the
 * stages downstream of them and the shared operators and types, and nothing imports the
 * composition (app, daemon, main).
 */
const LAYERS = [
  'top',
  'daemon',
  'app',
  'alert',
  'config',
  'telemetry',
  'sources',
  'parse',
  'validate',
  'transform',
  'encode',
  'batch',
  'deliver',
  'view',
  'rx',
  'model',
];

const zones = [
  ...LAYERS.map((layer, i) => ({
    target: `./src/${layer}`,
    from: ['./src/main.ts', './src/index.ts', ...LAYERS.slice(0, i).map((above) => `./src/${above}`)],
    message: `src/${layer} may import only ${LAYERS.slice(i + 1).join(', ') || 'nothing in src'} (and itself): imports point down the pipeline`,
  })),
  // Inside sources: the Engine API adapter's pieces do not import the sources composed from them.
  {
    target: './src/sources/engine',
    from: './src/sources',
    except: ['./engine'],
    message:
      'src/sources/engine is the Engine API adapter: the sources at src/sources are composed from it, not the other way',
  },
  // Transform reads its rules off the samples: it knows no engine's format, only src/model.
  {
    target: './src/transform',
    from: './src',
    except: ['./transform', './model'],
    message: 'src/transform may import only src/model (and itself): it takes samples and knows no engine',
  },
  {
    target: './src',
    from: ['./test', './marble-tests', './bench', './examples'],
    message: 'src does not import tests, benches or examples',
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    plugins: { 'import-x': importX, '@stylistic': stylistic },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@stylistic/max-len': [
        'error',
        { code: 120, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The engines' JSON is decoded at the Engine API edge (src/validate); the shared types and transform are ours.
    files: ['src/model/**/*.ts', 'src/transform/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ['io-ts', 'dockerode'], patterns: ['io-ts/*', 'fp-ts/*', 'docker-modem'] },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'marble-tests/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  { files: ['scripts/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
