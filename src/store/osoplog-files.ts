// A run's `.osoplog.yaml` on disk: the RecordWriter the CLI and the server give startRun for a folder.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { OsoplogRecord } from '../machine/osoplog.ts';
import type { RecordWriter } from '../machine/run-options.ts';
import { errorMessage } from '../util/error-message.ts';

/** `<dir>/<runId>.osoplog.yaml`, the run id made safe for a file name. */
const osoplogPath = (dir: string, runId: string): string => join(dir, `${runId.replace(/[^\w.-]/g, '_')}.osoplog.yaml`);

/** Writes each record to `dir` (created if missing) and resolves with the file's path. */
export function osoplogWriter(dir: string): RecordWriter {
  return async (record: OsoplogRecord) => {
    try {
      await mkdir(dir, { recursive: true });
      const path = osoplogPath(dir, record.run_id);
      await writeFile(path, stringify(record, { lineWidth: 0 }), 'utf8');
      return path;
    } catch (failure) {
      throw new Error(`could not write the .osoplog to ${dir}: ${errorMessage(failure)}`, { cause: failure });
    }
  };
}
