// Each command lives in its own file and registers itself on the program.
import type { Command } from 'commander';
import { registerValidate } from './validate.ts';
import { registerRender } from './render.ts';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  registerValidate,
  registerRender,
];
