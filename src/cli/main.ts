#!/usr/bin/env node
import { Command } from 'commander';
import { commands } from './commands/index.ts';
import { errorMessage } from '../util/error-message.ts';

const program = new Command('sopstate')
  .description('Run OSOP workflows as XState state machines')
  .showHelpAfterError()
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (failure) {
  // A command that did not catch its own error still ends with one readable line, never a stack trace.
  const message = errorMessage(failure);
  process.stderr.write(`sopstate: ${message}\n`);
  if (process.env.SOPSTATE_DEBUG) console.error(failure);
  process.exit(1);
}
