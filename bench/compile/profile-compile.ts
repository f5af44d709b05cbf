// Profiling entry (not part of the bench): load and compile the generated shapes at one size, a few rounds each;
// compile in two parts, our machine config and XState's createMachine of it.
import { machineOfConfig, workflowMachineConfig } from '../../src/machine/compile.ts';
import { loadWorkflowText } from '../../src/osop/load.ts';
import { generateWorkflow, SHAPES } from './generate.ts';

const size = Number(process.argv[2] ?? 1000);
for (const shape of SHAPES) {
  const text = generateWorkflow(shape, size);
  for (let round = 0; round < 3; round += 1) {
    const started = performance.now();
    const { workflow } = loadWorkflowText(text, `${shape}.osop.json`);
    const loaded = performance.now();
    const config = workflowMachineConfig(workflow!);
    const configured = performance.now();
    machineOfConfig(workflow!, config);
    const compiled = performance.now();
    const ms = (from: number, to: number) => Math.round(to - from);
    console.log(
      shape,
      size,
      'load',
      ms(started, loaded),
      'compile',
      ms(loaded, compiled),
      `(config ${ms(loaded, configured)}, createMachine ${ms(configured, compiled)})`,
    );
  }
}
