// A cli node's outputs: stdout, stderr, exit_code, and the declared fields of a JSON stdout, kept when it fails.
import { describe, expect, it } from 'vitest';
import { cliExecutor } from '../../src/adapters/cli.ts';
import { failure } from './support/failure.ts';
import { makeExecution } from './support/execution.ts';

const command = (script: string, outputs?: Record<string, string | null>) =>
  makeExecution({ id: 'validate', type: 'cli', runtime: { command: ['sh', '-c', script] }, outputs });

describe('cli node outputs', () => {
  it('takes the declared fields of a JSON stdout, and reads a mapping over it as data', async () => {
    const result = await cliExecutor(
      command(`echo '{"validation_result":{"success":true},"count":3,"other":1}'`, {
        validation_result: null,
        total: 'data.count',
      }),
    );
    expect(result.outputs).toEqual({
      validation_result: { success: true },
      total: 3,
      stdout: '{"validation_result":{"success":true},"count":3,"other":1}',
      stderr: '',
      exit_code: 0,
    });
  });

  it('keeps stdout as text when the node declares nothing or stdout is not a JSON object', async () => {
    expect((await cliExecutor(command(`echo '{"a":1}'`))).outputs).toEqual({
      stdout: '{"a":1}',
      stderr: '',
      exit_code: 0,
    });
    expect((await cliExecutor(command('echo plain', { a: null }))).outputs).toEqual({
      stdout: 'plain',
      stderr: '',
      exit_code: 0,
    });
  });

  it('keeps its outputs when the command exits non-zero, leaving out a mapping the output does not match', async () => {
    const error = await failure(
      cliExecutor(
        command(`echo '{"validation_result":{"success":false}}'; echo broken >&2; exit 3`, {
          validation_result: null,
          report: '$.data.report.url',
        }),
      ),
    );
    expect(error).toMatchObject({ code: 'exit_3', retryable: true });
    expect(error.outputs).toEqual({
      validation_result: { success: false },
      stdout: '{"validation_result":{"success":false}}',
      stderr: 'broken',
      exit_code: 3,
    });
  });

  it('fails a successful command whose JSON stdout misses a mapping, saying which', async () => {
    const error = await failure(cliExecutor(command(`echo '{"a":1}'`, { report: '$.data.report.url' })));
    expect(error).toMatchObject({ code: 'output_extraction', retryable: false });
    expect(error.message).toContain(
      'cli node validate (test.osop.yaml:1): output report: $.data.report.url matched nothing',
    );
  });
});
