// Public entry points: text or file (or `-` for stdin) → LoadResult with a Workflow and/or located diagnostics.
import { readFile, stat } from 'node:fs/promises';
import { DiagnosticSink, sortDiagnostics } from './diagnostics.ts';
import { normalizeWorkflow } from './normalize-workflow.ts';
import { resolveSubworkflows } from './subworkflows.ts';
import { MAX_BYTES, parseSource } from './yaml-source.ts';
import type { Diagnostic, LoadResult } from './workflow.ts';

export const WORKFLOW_EXTENSIONS = ['.osop', '.osop.yaml', '.osop.yml', '.osop.json'];

function fileProblem(file: string, code: string, message: string, suggestion?: string): { diagnostics: Diagnostic[] } {
  const diagnostic: Diagnostic = {
    file,
    line: 1,
    col: 1,
    severity: 'error',
    code,
    path: '',
    message,
    ...(suggestion ? { suggestion } : {}),
  };
  return { diagnostics: [diagnostic] };
}

const tooLarge = (file: string, bytes: number) =>
  fileProblem(
    file,
    'file-too-large',
    `the document is ${bytes} bytes; the limit is ${MAX_BYTES} bytes (1 MB)`,
    'split the workflow or move large data out of it',
  );

export function loadWorkflowText(text: string, file: string): LoadResult {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_BYTES) return tooLarge(file, bytes);
  if (text.includes('\0'))
    return fileProblem(
      file,
      'binary-file',
      'this is a binary file, not an OSOP workflow',
      'pass a .osop.yaml or .osop.json file',
    );
  const source = parseSource(text, file);
  const sink = new DiagnosticSink(source.locate);
  sink.diagnostics.push(...source.diagnostics);
  if (sink.hasErrors) return { diagnostics: sortDiagnostics(sink.diagnostics) };
  const workflow = normalizeWorkflow(source.data, { file, source, sink, nodeIds: [] });
  const diagnostics = sortDiagnostics(sink.diagnostics);
  if (!workflow || sink.hasErrors) return { diagnostics };
  if (file !== '-' && !WORKFLOW_EXTENSIONS.some((extension) => file.endsWith(extension))) {
    diagnostics.unshift({
      file,
      line: 1,
      col: 1,
      severity: 'warning',
      code: 'file-extension',
      path: '',
      message: 'OSOP files end in .osop, .osop.yaml, .osop.yml or .osop.json',
    });
  }
  return { workflow, diagnostics };
}

async function readStdin(): Promise<string | number> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BYTES) return size;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The text of a file (or of stdin for `-`), or a located reason it cannot be read. */
export async function readWorkflowSource(path: string): Promise<{ text: string } | { diagnostics: Diagnostic[] }> {
  if (path === '-') {
    const text = await readStdin();
    return typeof text === 'number' ? tooLarge('-', text) : { text };
  }
  try {
    const info = await stat(path);
    if (info.isDirectory()) return fileProblem(path, 'not-a-file', `${path} is a directory`, 'pass a workflow file');
    if (info.size > MAX_BYTES) return tooLarge(path, info.size);
    return { text: await readFile(path, 'utf8') };
  } catch (failure) {
    const code = (failure as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path}: ${(failure as Error).message}`;
    return fileProblem(path, 'unreadable-file', message);
  }
}

async function loadOneFile(path: string): Promise<LoadResult> {
  const read = await readWorkflowSource(path);
  return 'text' in read ? loadWorkflowText(read.text, path) : { diagnostics: read.diagnostics };
}

/** Loads the sub-workflows (`imports`, `workflow_ref`) of a workflow loaded from `file`'s text, reading them from disk. */
export const withSubworkflows = (loaded: LoadResult): Promise<LoadResult> => resolveSubworkflows(loaded, loadOneFile);

/** A workflow file with its sub-workflows (each read relative to the file that names it). */
export async function loadWorkflowFile(path: string): Promise<LoadResult> {
  return withSubworkflows(await loadOneFile(path));
}
