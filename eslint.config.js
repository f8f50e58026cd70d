// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/, lowest first, numbered from 0 (docs/design.md, "Layers"). A module may import its own layer's
 * folder and any layer below it; an import of a higher layer, or of a sibling folder on the same
 * layer, fails lint. A unit is a folder, a file at the root of src/, or (servicetags) a file glob: the
 * Service Tags file reading sits under policy, the profile builders beside the commands that use them.
 */
const layers = [
  // The base of every error class, and the address vocabulary (ports, CIDRs, IPv4-mapped addresses,
  // host:port): below everything, so every layer can use them.
  ['egressgate-error.ts', 'address/'],
  ['egress-request.ts', 'servicetags/'],
  ['policy/'],
  ['net/'],
  ['config/'],
  ['observe/'],
  ['proxy/'],
  ['listeners/'],
  ['app.ts'],
  ['reload/', 'lab/', 'audit/', 'servicetags/build-*'],
  // workers: N runs the app and its reload/drain supervision in each process.
  ['workers/'],
  ['cli/'],
];

const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const folderOf = (unit) => (unit.includes('/') ? unit.slice(0, unit.indexOf('/')) : '');

/** The import specifiers, relative to a file of `from`, that reach into `to`. */
function specifierRegex(from, to) {
  const here = folderOf(from);
  const there = folderOf(to);
  const prefix = here === '' ? './' : here === there ? './' : '../';
  const rest = here !== '' && here === there ? to.slice(there.length + 1) : to;
  if (rest.endsWith('.ts')) return `^${escapeRegex(prefix + rest.slice(0, -3))}\\.js$`;
  return `^${escapeRegex(prefix + rest.replace(/\*$/, ''))}`;
}

const filesOf = (unit) =>
  unit.endsWith('/') ? `src/${unit}**/*.ts` : unit.endsWith('*') ? `src/${unit}.ts` : `src/${unit}`;

const layerRules = layers.flatMap((units, rank) =>
  units.flatMap((unit) => {
    const above = layers
      .slice(rank + 1)
      .flatMap((higher, r) => higher.map((to) => [to, `is layer ${rank + r + 1}`]));
    const siblings = units.filter((to) => to !== unit).map((to) => [to, 'is a sibling on the same layer']);
    const forbidden = [...above, ...siblings];
    if (forbidden.length === 0) return [];
    const globbed = layers.flat().filter((u) => u !== unit && u.endsWith('*') && u.startsWith(unit));
    return [
      {
        files: [filesOf(unit)],
        ignores: globbed.map(filesOf),
        rules: {
          'no-restricted-imports': [
            'error',
            {
              patterns: forbidden.map(([to, why]) => ({
                regex: specifierRegex(unit, to),
                message: `src/${unit} is layer ${rank}; src/${to} ${why} (docs/design.md, Layers).`,
              })),
            },
          ],
        },
      },
    ];
  }),
);

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'native/build/', 'helm/', '.cache/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...layerRules,
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
  },
);
