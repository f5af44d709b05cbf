// Runs a workflow through sopstate's public API, Stripe and Claude emulated locally:
//   node run-as-library.mjs [workflow file]    (default: the seed that ships with the package)
import { fileURLToPath } from 'node:url';
import { createLocalExecutors, loadWorkflowFile, openServices, startRun } from 'sopstate';

const file = process.argv[2] ?? fileURLToPath(import.meta.resolve('sopstate/examples/stripe-payment-seed.osop.yaml'));
const { workflow, diagnostics } = await loadWorkflowFile(file);
if (!workflow) throw new Error(diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`).join('\n'));

// forceSandbox: the in-process emulators even when STRIPE_SECRET_KEY / ANTHROPIC_API_KEY are set.
const services = await openServices({ forceSandbox: true, announce: (line) => console.error(line) });
try {
  const run = startRun({
    workflow,
    secrets: services.withServiceKeys({}),
    executors: { ...createLocalExecutors(), ...services.executors },
    onEvent: (event) => console.error(`${event.seq} ${event.type}${event.node ? ` ${event.node}` : ''}`),
  });
  const result = await run.done;
  console.log(result.status);
  process.exitCode = result.status === 'COMPLETED' ? 0 : 1;
} finally {
  await services.close();
}
