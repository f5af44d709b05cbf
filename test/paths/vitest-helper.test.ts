// The helper as a user would call it: one line registers a test per path of the seed.
import { relative, resolve } from 'node:path';
import { testWorkflowPaths } from '../../src/paths/vitest.ts';

const seed = relative(process.cwd(), resolve(import.meta.dirname, '../../examples/stripe-payment-seed.osop.yaml'));

testWorkflowPaths(seed, { minEdgeCoverage: 100 });

testWorkflowPaths(seed, { sandbox: true, max: 5 });
