// `sopstate validate <files...>`: located diagnostics; exit 0 valid (warnings allowed), 2 invalid.
import { Option, type Command } from 'commander';
import { formatDiagnostic } from '../../osop/diagnostics.ts';
import type { FileVerdict, ValidateOptions } from '../../osop/validate-file.ts';

interface ValidateFlags {
  strict?: boolean;
  schema?: 'core' | 'full';
  json?: boolean;
  dryRun?: boolean;
}

function summary(verdicts: FileVerdict[]): string {
  const invalid = verdicts.filter((verdict) => !verdict.valid).length;
  const files = verdicts.length === 1 ? '1 file' : `${verdicts.length} files`;
  return invalid === 0 ? `${files} valid` : `${files}: ${invalid} invalid`;
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check OSOP workflows (and .osoplog records); prints file:line:col: error|warning: message')
    .argument(
      '<files...>',
      'workflow files (.osop, .osop.yaml, .osop.yml, .osop.json), directories of them, or - for stdin',
    )
    .option('--strict', 'also apply the official full schema, and fail on warnings')
    .addOption(new Option('--schema <name>', 'also report the official JSON Schema verdict').choices(['core', 'full']))
    .option('--json', 'print the diagnostics as a JSON array')
    .option('--dry-run', 'the documents are meant for --dry-run only: do not fail them for what stops a live run')
    .action(async (files: string[], flags: ValidateFlags) => {
      const [{ expandPaths, validateFile }, { compileDiagnostics }] = await Promise.all([
        import('../../osop/validate-file.ts'),
        import('../../machine/compile-check.ts'),
      ]);
      const options: ValidateOptions = {
        strict: flags.strict,
        schema: flags.schema,
        dryRun: flags.dryRun,
        check: compileDiagnostics,
      };
      const verdicts: FileVerdict[] = [];
      try {
        for (const file of await expandPaths(files)) verdicts.push(await validateFile(file, options));
      } catch (failure) {
        process.stderr.write(`sopstate validate: ${(failure as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      const diagnostics = verdicts.flatMap((verdict) => verdict.diagnostics);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(diagnostics, null, 2)}\n`);
      } else {
        for (const diagnostic of diagnostics) process.stdout.write(`${formatDiagnostic(diagnostic)}\n`);
        process.stderr.write(`${summary(verdicts)}\n`);
      }
      process.exitCode = verdicts.every((verdict) => verdict.valid) ? 0 : 2;
    });
}
