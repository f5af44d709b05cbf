// `sopstate machine <file> --json | --mermaid`: the compiled XState machine itself, not the OSOP graph.
import { Option, type Command } from 'commander';
import { formatDiagnostic } from '../../osop/diagnostics.ts';

export interface MachineFlags {
  json?: boolean;
  mermaid?: boolean;
}

export interface MachineIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Prints the machine; resolves with the exit code (0 printed, 2 invalid file or usage). */
export async function machineCommand(file: string, flags: MachineFlags, io: MachineIO): Promise<number> {
  if (!flags.json && !flags.mermaid) {
    io.stderr(
      'sopstate machine: choose an output: --json (an XState machine config) or --mermaid (a stateDiagram-v2)\n',
    );
    return 2;
  }
  const [{ loadWorkflowFile }, { compileWorkflow, CompileError }, { machineToJson }, { machineToMermaid }] =
    await Promise.all([
      import('../../osop/load.ts'),
      import('../../machine/compile.ts'),
      import('../../inspect/machine-json.ts'),
      import('../../inspect/machine-mermaid.ts'),
    ]);
  const { workflow, diagnostics } = await loadWorkflowFile(file);
  for (const diagnostic of diagnostics.filter((d) => d.severity === 'error'))
    io.stderr(`${formatDiagnostic(diagnostic)}\n`);
  if (!workflow) return 2;
  try {
    const machine = compileWorkflow(workflow);
    io.stdout(flags.json ? `${JSON.stringify(machineToJson(machine), null, 2)}\n` : machineToMermaid(machine));
    return 0;
  } catch (failure) {
    if (!(failure instanceof CompileError)) throw failure;
    io.stderr(`${workflow.file}: error: ${failure.message}\n`);
    return 2;
  }
}

export function registerMachine(program: Command): void {
  program
    .command('machine')
    .description(
      'print the XState machine a workflow compiles to: JSON createMachine accepts again, or a Mermaid state diagram',
    )
    .argument('<file>', 'workflow file (.osop, .osop.yaml, .osop.yml, .osop.json)')
    .addOption(
      new Option('--json', 'the machine config as JSON (guards, actions and actors by name)').conflicts('mermaid'),
    )
    .addOption(new Option('--mermaid', 'the machine as a Mermaid stateDiagram-v2'))
    .action(async (file: string, flags: MachineFlags) => {
      process.exitCode = await machineCommand(file, flags, {
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
      });
    });
}
