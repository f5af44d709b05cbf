// What the server sends names files relative to its workflow folder: absolute paths would show how the host is laid out.
import { isAbsolute, relative, sep } from 'node:path';
import type { Diagnostic } from '../osop/workflow.ts';

export const publicFile = (dir: string, file: string): string => (isAbsolute(file) ? relative(dir, file) : file);

const withoutDir = (dir: string, text: string): string => text.split(`${dir}${sep}`).join('');

export const publicDiagnostics = (dir: string, diagnostics: readonly Diagnostic[]): Diagnostic[] =>
  diagnostics.map((diagnostic) => ({
    ...diagnostic,
    file: publicFile(dir, diagnostic.file),
    message: withoutDir(dir, diagnostic.message),
    ...(diagnostic.suggestion === undefined ? {} : { suggestion: withoutDir(dir, diagnostic.suggestion) }),
  }));
