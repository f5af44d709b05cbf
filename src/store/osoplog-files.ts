// A run's `.osoplog.yaml` on disk: the RecordWriter the CLI and the server give startRun for a folder.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { yamlText } from '../util/yaml-text.ts';
import type { OsoplogRecord } from '../machine/osoplog.ts';
import type { RecordWriter } from '../machine/run-options.ts';
import { errorMessage } from '../util/error-message.ts';

/** `<dir>/<runId>.osoplog.yaml`, the run id made safe for a file name. */
const osoplogPath = (dir: string, runId: string): string => join(dir, `${runId.replace(/[^\w.-]/g, '_')}.osoplog.yaml`);

/** Writes each record to `dir` (created if missing) and resolves with the file's path. */
export function osoplogWriter(dir: string): RecordWriter {
  const write = osoplogTextWriter(dir);
  return (record: OsoplogRecord) => write(record.run_id, yamlText(record));
}

/** Writes a run's .osoplog text, already YAML, to `dir` (created once, if missing); resolves with the file's path. */
export function osoplogTextWriter(dir: string): (runId: string, yaml: string) => Promise<string> {
  let made: Promise<unknown> | undefined;
  return async (runId, yaml) => {
    try {
      await (made ??= mkdir(dir, { recursive: true }).catch((failure: unknown) => {
        made = undefined;
        throw failure;
      }));
      const path = osoplogPath(dir, runId);
      await writeFile(path, yaml, 'utf8');
      return path;
    } catch (failure) {
      throw new Error(`could not write the .osoplog to ${dir}: ${errorMessage(failure)}`, { cause: failure });
    }
  };
}
