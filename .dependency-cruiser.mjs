// The architecture rules `npm run lint` checks (dependency-cruiser): the layer order of the modules
// under src/, no import cycles (type-only imports included), and what may reach what. docs/architecture.md
// ("Layers") explains them; test/architecture/ shows each rule failing on a fixture and checks that the
// docs list the same layers as LAYERS below.

/**
 * The modules of src/, bottom layer first. A module may import a module of a LOWER layer, never one of
 * its own layer or above. Every folder of src/ must be in exactly one layer; the files directly in src/
 * (the package's entry points) may import anything.
 */
export const LAYERS = [
  {
    name: 'foundation',
    what: 'vocabulary and helpers that know nothing of the pipeline',
    modules: ['shared', 'contract', 'sqlite'],
  },
  {
    name: 'models',
    what: 'the pure models and the stores with no pipeline logic',
    modules: ['events', 'queue', 'directory', 'telemetry', 'dashboard'],
  },
  {
    name: 'services',
    what: 'the pieces of the pipeline, each one service of AWS or Genesys',
    modules: ['genesys', 'eventbridge', 'workflow', 'processing'],
  },
  {
    name: 'assemblies',
    what: 'pieces put together for one job',
    modules: ['simulate', 'functions', 'plan'],
  },
  { name: 'hosts', what: 'where the pipeline runs: one machine, or AWS', modules: ['runtime', 'cdk'] },
  { name: 'commands', what: 'the command line', modules: ['cli'] },
];

const ALL = LAYERS.flatMap((layer) => layer.modules);
const anyOf = (modules) => `^src/(${modules.join('|')})/`;

/** One rule per layer but the top one: nothing in it imports its own layer (but itself) or a higher one. */
const layerRules = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `layer-${layer.name}`,
  comment:
    `${layer.modules.join(', ')} (layer "${layer.name}") may import only lower layers: ` +
    `${
      LAYERS.slice(0, i)
        .flatMap((l) => l.modules)
        .join(', ') || 'none'
    } (docs/architecture.md, "Layers").`,
  severity: 'error',
  from: { path: anyOf(layer.modules) },
  to: { path: anyOf(LAYERS.slice(i).flatMap((l) => l.modules)), pathNot: '^src/$1/' },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'Modules import each other in a cycle (type-only imports count: a shared contract belongs in a module both import).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'module-not-in-a-layer',
      comment: `Every folder of src/ is a module listed in LAYERS (.dependency-cruiser.mjs) and in docs/architecture.md; known: ${ALL.join(', ')}.`,
      severity: 'error',
      from: { path: '^src/[^/]+/', pathNot: anyOf(ALL) },
      to: {},
    },
    {
      name: 'src-imports-outside-src',
      comment: 'The library does not import the CDK app (infra/), tests, benchmarks or scripts.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(infra|test|bench|scripts)/' },
    },
    {
      name: 'processing-thread-without-aws-sdk',
      comment:
        "The processing thread's modules never load the AWS SDK (~16 MB per thread): import processing's files, not its index (docs/contributing.md).",
      severity: 'error',
      from: { path: '^src/runtime/execution-worker[.]ts$' },
      to: { path: '@aws-sdk/', reachable: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/dashboard/static/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
