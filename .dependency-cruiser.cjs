/**
 * Import boundaries (`npm run check:imports`): libs under services, no arrow back up, services that
 * never import each other, and every package entered through its index.
 *
 * A package is a workspace: libs/NAME, services/NAME or test/support.
 */

/**
 * Test code may compose several services, as `passerine up` does: test files (`*.test.ts`), test
 * beds (`test-*.ts`) and the fakes that stand in for one service in another's tests (`fake-*.ts`).
 * Product code may not.
 */
const TEST_CODE = ['\\.test\\.ts$', '/test-[^/]+\\.ts$', '/fake-[^/]+\\.ts$'];

/** A package's directory, the first group of the patterns below (`$1` in a rule's `to`). */
const PACKAGE_DIR = '^(libs/[^/]+|services/[^/]+|test/support)';
const PACKAGE = `${PACKAGE_DIR}/`;
/** Test code inside a package. */
const PACKAGE_TEST_CODE = `${PACKAGE_DIR}(?=/).*(?:[.]test|/test-[^/]+|/fake-[^/]+)[.]ts$`;
/** A package's public entry: its index.ts. */
const INDEX = `${PACKAGE_DIR}/index\\.ts$`;
/** How a dependency by package name is typed, as against a relative path ('local' alone). */
const BY_NAME = [
  'aliased',
  'aliased-workspace',
  'undetermined',
  'npm',
  'npm-dev',
  'npm-no-pkg',
  'npm-unknown',
];
/** A service's test bed, its package's `./testing` entry (package.json exports). */
const TESTING_ENTRY = '^(libs|services)/[^/]+/test-[^/]+\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'no-service-to-service',
      comment:
        'A service imports another service. What two services share (a wire protocol, a client of ' +
        "another service's API, a counter) belongs in a lib. The CLI composes services and is exempt, " +
        'as is test code (see TEST_CODE).',
      severity: 'error',
      from: { path: '^services/([^/]+)/', pathNot: ['^services/cli/', ...TEST_CODE] },
      to: { path: '^services/([^/]+)/', pathNot: '^services/$1/' },
    },
    {
      name: 'no-lib-to-service',
      comment: 'A lib imports a service: libs sit under services, and nothing points back up.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^services/' },
    },
    {
      name: 'no-deep-import',
      comment: 'An import reaches into another package past its index.ts.',
      severity: 'error',
      from: { path: PACKAGE, pathNot: TEST_CODE },
      to: { path: PACKAGE, pathNot: ['^$1/', INDEX] },
    },
    {
      name: 'no-deep-import-from-tests',
      comment:
        'Test code reaches into another package past its index.ts or its testing entry (a service ' +
        "package's ./testing export).",
      severity: 'error',
      from: { path: PACKAGE_TEST_CODE },
      to: { path: PACKAGE, pathNot: ['^$1/', INDEX, TESTING_ENTRY] },
    },
    {
      name: 'no-deep-import-from-outside',
      comment:
        'Code outside the packages (bench/, test/e2e/, test/compat/, scripts/, bin/, examples/) reaches into a package past ' +
        'its index.ts or its testing entry.',
      severity: 'error',
      from: { path: '^(bench|test/e2e|test/compat|scripts|bin|examples)/' },
      to: { path: PACKAGE, pathNot: [INDEX, TESTING_ENTRY] },
    },
    {
      name: 'no-relative-import-across-packages',
      comment: 'A relative path climbs into another package: import the package by its name.',
      severity: 'error',
      from: { path: PACKAGE },
      to: { path: PACKAGE, pathNot: '^$1/', dependencyTypes: ['local'], dependencyTypesNot: BY_NAME },
    },
    {
      name: 'no-relative-import-into-packages',
      comment: 'Code outside the packages reaches into one by a relative path: import it by its name.',
      severity: 'error',
      from: { path: '^(bench|test/e2e|test/compat|scripts|bin|examples)/' },
      to: { path: PACKAGE, dependencyTypes: ['local'], dependencyTypesNot: BY_NAME },
    },
    {
      name: 'no-unresolvable',
      comment: 'An import that does not resolve (a subpath a package does not export, a missing file).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // npm packages are left out, not what fails to resolve (a subpath a package does not export).
    exclude: { path: '(^|/)node_modules/|^libs/client/dist/' },
    doNotFollow: { path: '(^|/)node_modules/' },
    // Type-only imports are dependencies too: a service that imports another's types is coupled to it.
    tsPreCompilationDeps: true,
    // TypeScript 7 has no JavaScript API for dependency-cruiser to parse with; swc parses TypeScript.
    parser: 'swc',
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'default'],
      extensions: ['.ts', '.mjs', '.js'],
    },
  },
};
