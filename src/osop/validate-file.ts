// `sopstate validate` for one file: the engine's own verdict, plus the official schema's when asked.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readWorkflowSource, loadWorkflowText, withSubworkflows, WORKFLOW_EXTENSIONS } from './load.ts';
import { sortDiagnostics } from './diagnostics.ts';
import { cliNotes, liveBlockers } from './live-support.ts';
import { schemaVerdict } from './schema-verdict.ts';
import { parseSource } from './yaml-source.ts';
import type { Diagnostic, LoadResult, Workflow } from './workflow.ts';

export interface ValidateOptions {
  /** Add the official schema's verdict (its violations are errors). */
  schema?: 'core' | 'full';
  /** Official full-schema verdict (unless `schema` says otherwise), and warnings fail too. */
  strict?: boolean;
  /** The document is meant for --dry-run only: what stops a live run is not an error. */
  dryRun?: boolean;
  /** A further check of a workflow the loader accepted (the CLI passes the compiler's). */
  check?: (workflow: Workflow) => Diagnostic[];
}

export interface FileVerdict {
  file: string;
  kind: 'workflow' | 'osoplog';
  valid: boolean;
  diagnostics: Diagnostic[];
}

const OSOPLOG_NAME = /\.osoplog(\.ya?ml|\.json)?$/;
const OSOPLOG_KEY = /^\s*["']?osoplog_version["']?\s*:/m;

function isOsoplog(file: string, text: string): boolean {
  return OSOPLOG_NAME.test(file) || OSOPLOG_KEY.test(text);
}

function verdict(file: string, kind: FileVerdict['kind'], diagnostics: Diagnostic[], strict: boolean): FileVerdict {
  const failing = diagnostics.some(
    (diagnostic) => diagnostic.severity === 'error' || (strict && diagnostic.severity === 'warning'),
  );
  return { file, kind, valid: !failing, diagnostics: sortDiagnostics(diagnostics) };
}

function validateOsoplog(text: string, file: string, options: ValidateOptions): FileVerdict {
  const parsed = parseSource(text, file).diagnostics;
  if (parsed.some((diagnostic) => diagnostic.severity === 'error')) return verdict(file, 'osoplog', parsed, false);
  const checkSchema = options.strict || options.schema !== undefined;
  return verdict(
    file,
    'osoplog',
    [...parsed, ...(checkSchema ? schemaVerdict(text, file, 'osoplog').diagnostics : [])],
    Boolean(options.strict),
  );
}

/** Never throws: a file that crashes a check gets an error verdict of its own, so the other files still get theirs. */
export async function validateFile(path: string, options: ValidateOptions = {}): Promise<FileVerdict> {
  try {
    return await validateOne(path, options);
  } catch (failure) {
    const reason =
      failure instanceof RangeError
        ? 'it is too deeply nested'
        : failure instanceof Error
          ? failure.message
          : String(failure);
    const diagnostic: Diagnostic = {
      severity: 'error',
      code: 'unchecked',
      path: '',
      file: path,
      line: 1,
      col: 1,
      message: `could not be checked: ${reason}`,
      suggestion: 'simplify the document',
    };
    return verdict(path, 'workflow', [diagnostic], false);
  }
}

async function validateOne(path: string, options: ValidateOptions): Promise<FileVerdict> {
  const read = await readWorkflowSource(path);
  if (!('text' in read)) return verdict(path, 'workflow', read.diagnostics, false);
  if (isOsoplog(path, read.text)) return validateOsoplog(read.text, path, options);
  return validateText(read.text, path, options, await withSubworkflows(loadWorkflowText(read.text, path)));
}

/**
 * The verdict on a document's text (as read from `path`); throws only when a check crashes (validateFile catches).
 * `loaded` is the text already loaded with its sub-workflows (validateFile's); without it no sub-workflow is read.
 */
export function validateText(
  text: string,
  path: string,
  options: ValidateOptions = {},
  preloaded?: LoadResult,
): FileVerdict {
  const read = { text };
  if (isOsoplog(path, read.text)) return validateOsoplog(read.text, path, options);
  const loaded = preloaded ?? loadWorkflowText(read.text, path);
  const live =
    loaded.workflow && !options.dryRun ? [...liveBlockers(loaded.workflow), ...cliNotes(loaded.workflow)] : [];
  const codes = new Set(live.map((diagnostic) => diagnostic.code));
  const accepted = loaded.workflow && !loaded.diagnostics.some((diagnostic) => diagnostic.severity === 'error');
  const checked = accepted && options.check ? options.check(loaded.workflow!) : [];
  const diagnostics = [...loaded.diagnostics.filter((diagnostic) => !codes.has(diagnostic.code)), ...live, ...checked];
  const schema = options.schema ?? (options.strict ? 'full' : undefined);
  const parsedOk = !parseSource(read.text, path).diagnostics.some((diagnostic) => diagnostic.severity === 'error');
  const official = schema && parsedOk ? schemaVerdict(read.text, path, schema).diagnostics : [];
  return verdict(path, 'workflow', [...diagnostics, ...official], Boolean(options.strict));
}

const isCheckable = (name: string) =>
  WORKFLOW_EXTENSIONS.some((extension) => name.endsWith(extension)) || OSOPLOG_NAME.test(name);

/** Directories become the OSOP files (and .osoplog records) under them, sorted; other paths stay as given. A folder with none is an error. */
export async function expandPaths(paths: string[]): Promise<string[]> {
  const expanded: string[] = [];
  if (paths.filter((path) => path === '-').length > 1)
    throw new Error('- (stdin) can be read only once: give it one time');
  for (const path of paths) {
    const info = path === '-' ? undefined : await stat(path).catch(() => undefined);
    if (!info?.isDirectory()) {
      expanded.push(path);
      continue;
    }
    const entries = await readdir(path, { recursive: true, withFileTypes: true });
    const files = entries
      .filter((entry) => entry.isFile() && isCheckable(entry.name))
      .map((entry) => join(entry.parentPath, entry.name));
    if (files.length === 0)
      throw new Error(
        `${path} holds no OSOP files (${WORKFLOW_EXTENSIONS.join(', ')} or .osoplog): pass workflow files, or a folder that has some`,
      );
    expanded.push(...files.sort());
  }
  return expanded;
}
