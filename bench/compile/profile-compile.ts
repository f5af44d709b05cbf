// Profiling entry (not part of the bench): load and compile the generated shapes at one size, a few rounds each.
import { compileWorkflow } from '../../src/machine/compile.ts';
import { loadWorkflowText } from '../../src/osop/load.ts';
import { generateWorkflow, SHAPES } from './generate.ts';

const size = Number(process.argv[2] ?? 1000);
for (const shape of SHAPES) {
  const text = generateWorkflow(shape, size);
  for (let round = 0; round < 3; round += 1) {
    const started = performance.now();
    const { workflow } = loadWorkflowText(text, `${shape}.osop.json`);
    const loaded = performance.now();
    compileWorkflow(workflow!);
    const compiled = performance.now();
    console.log(shape, size, 'load', Math.round(loaded - started), 'compile', Math.round(compiled - loaded));
  }
}
