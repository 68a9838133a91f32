/**
 * Import rules `npm test` enforces (npm run check:imports). Folders are the unit
 * of design here (one concern each, STYLE.md), so a cycle between two folders is
 * refused even when no single module cycle exists: it means two concerns can no
 * longer be understood, tested or changed apart.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycle',
      severity: 'error',
      comment: 'Folders must not import each other in a circle (STYLE.md: "Folders do not import each other in a circle").',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-module-cycle',
      severity: 'error',
      comment: 'A module cycle makes load order matter; break it with a smaller module both can import.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'charts-do-not-import-constructs',
      severity: 'error',
      comment: 'The CDK constructs host the cdk8s charts; the contract between them is lib/charts/contract.ts, imported by both.',
      from: { path: '^lib/charts/' },
      to: { path: '^lib/constructs/' },
    },
    {
      name: 'runtime-stands-alone',
      severity: 'error',
      comment: 'The runtime is bundled into its own image; it must not load the CDK app.',
      from: { path: '^runtime/' },
      to: { path: '^(lib|bin)/' },
    },
    {
      name: 'no-grab-bag-folders',
      severity: 'error',
      comment: 'Name a folder for its domain (STYLE.md): no lib/, utils/ or helpers/ inside the runtime.',
      from: {},
      to: { path: '^runtime/src/[^/]*/?(lib|utils|helpers)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|cdk\\.out|dist|chart-out)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['cjs', 'es6'],
  },
};
