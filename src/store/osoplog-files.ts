// A run's `.osoplog.yaml` on disk: the RecordWriter the CLI and the server give startRun for a folder.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { OsoplogRecord } from '../machine/osoplog.ts';
import type { RecordWriter } from '../machine/run-options.ts';
import { errorMessage } from '../util/error-message.ts';

/** `<dir>/<runId>.osoplog.yaml`, the run id made safe for a file name. */
const osoplogPath = (dir: string, runId: string): string => join(dir, `${runId.replace(/[^\w.-]/g, '_')}.osoplog.yaml`);

/**
 * The record as .osoplog YAML. An object used twice is written out twice, not as an anchor and aliases: the same data
 * for every reader, and yaml's search for such objects took three quarters of the time (records rarely have any).
 */
export const osoplogYaml = (record: OsoplogRecord): string =>
  stringify(record, { lineWidth: 0, aliasDuplicateObjects: false });

/** Writes each record to `dir` (created if missing) and resolves with the file's path. */
export function osoplogWriter(dir: string): RecordWriter {
  const write = osoplogTextWriter(dir);
  return (record: OsoplogRecord) => write(record.run_id, osoplogYaml(record));
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
