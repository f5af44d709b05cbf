// A consumer's vitest file: one line registers a test per path of the workflow.
import { testWorkflowPaths } from 'sopstate/vitest';

testWorkflowPaths('examples/stripe-payment-seed.osop.yaml', { minEdgeCoverage: 100 });
