// Each command lives in its own file and registers itself on the program.
import type { Command } from 'commander';
import { registerValidate } from './validate.ts';
import { registerRender } from './render.ts';
import { registerServe } from './serve.ts';
import { registerRun } from './run.ts';
import { registerChat } from './chat.ts';
import { registerPaths } from './paths.ts';
import { registerTest } from './test.ts';
import { registerMachine } from './machine.ts';
import { registerRetry } from './retry.ts';
import { registerMigrate } from './migrate.ts';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  registerValidate,
  registerRender,
  registerServe,
  registerRun,
  registerRetry,
  registerChat,
  registerPaths,
  registerTest,
  registerMachine,
  registerMigrate,
];
