import { Command } from 'commander';
import { commands } from './commands/index.ts';

const program = new Command('sopstate')
  .description('Run OSOP workflows as XState state machines')
  .showHelpAfterError()
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

for (const register of commands) register(program);

await program.parseAsync(process.argv);
