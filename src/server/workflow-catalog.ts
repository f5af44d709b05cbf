// The workflows a server may run: only files inside its configured folder, addressed by id.
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { WORKFLOW_EXTENSIONS } from '../osop/load.ts';
import type { Diagnostic, LoadResult, Workflow } from '../osop/workflow.ts';

export interface CatalogEntry {
  /** The document's `id` (the file name without its extension when the file does not load). */
  id: string;
  file: string;
  /** Also accepted in place of `id`: the file name without `.osop.yaml` etc. */
  stem: string;
  workflow?: Workflow;
  diagnostics: Diagnostic[];
}

export interface WorkflowCatalogOptions {
  dir: string;
  load: (file: string) => Promise<LoadResult>;
}

export class InvalidWorkflowIdError extends Error {
  constructor(id: string) {
    super(`"${id}" is not a workflow id: use letters, digits, '.', '_' or '-' (see GET /api/workflows)`);
    this.name = 'InvalidWorkflowIdError';
  }
}

const ID_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

export const isWorkflowId = (id: string): boolean => ID_PATTERN.test(id) && !id.includes('..') && id.length <= 200;

const stemOf = (file: string): string | undefined => {
  const name = basename(file);
  const extension = WORKFLOW_EXTENSIONS.find((ext) => name.endsWith(ext));
  return extension ? name.slice(0, -extension.length) : undefined;
};

interface Cached {
  key: string;
  result: LoadResult;
}

export class WorkflowCatalog {
  readonly dir: string;
  readonly #load: WorkflowCatalogOptions['load'];
  readonly #cache = new Map<string, Cached>();

  constructor(options: WorkflowCatalogOptions) {
    this.dir = resolve(options.dir);
    this.#load = options.load;
  }

  async list(): Promise<CatalogEntry[]> {
    const root = await realpath(this.dir);
    const files = (await readdir(root, { recursive: true }))
      .filter((name) => stemOf(name) !== undefined)
      .sort()
      .map((name) => join(root, name));
    const entries: CatalogEntry[] = [];
    const seen = new Map<string, CatalogEntry>();
    for (const file of files) {
      const entry = await this.#entry(root, file);
      if (!entry) continue;
      const first = seen.get(entry.id);
      if (first) {
        entry.diagnostics = [...entry.diagnostics, duplicateId(entry, first)];
        entry.id = entry.stem;
      }
      seen.set(entry.id, entry);
      entries.push(entry);
    }
    return entries;
  }

  /** The entry for an id (or file stem); throws InvalidWorkflowIdError for anything that is not an id. */
  async get(id: string): Promise<CatalogEntry | undefined> {
    if (!isWorkflowId(id)) throw new InvalidWorkflowIdError(id);
    const entries = await this.list();
    return entries.find((entry) => entry.id === id) ?? entries.find((entry) => entry.stem === id);
  }

  /** Loads a file previously listed by this catalog (for restoring runs); refuses files outside the folder. */
  async loadFile(file: string): Promise<LoadResult> {
    const root = await realpath(this.dir);
    const real = await realpath(file);
    if (!isInside(root, real)) throw new Error(`${file} is outside the workflow folder ${this.dir}`);
    return this.#loadCached(real);
  }

  async #entry(root: string, file: string): Promise<CatalogEntry | undefined> {
    const real = await realpath(file).catch(() => undefined);
    if (!real || !isInside(root, real)) return undefined;
    const stem = stemOf(file) as string;
    const result = await this.#loadCached(real);
    return { id: result.workflow?.id ?? stem, file: real, stem, workflow: result.workflow, diagnostics: result.diagnostics };
  }

  async #loadCached(file: string): Promise<LoadResult> {
    const info = await stat(file);
    const key = `${info.mtimeMs}:${info.size}`;
    const cached = this.#cache.get(file);
    if (cached?.key === key) return cached.result;
    const result = await this.#load(file);
    this.#cache.set(file, { key, result });
    return result;
  }
}

const isInside = (root: string, file: string): boolean => {
  const rel = relative(root, file);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep);
};

const duplicateId = (entry: CatalogEntry, first: CatalogEntry): Diagnostic => ({
  file: entry.file,
  line: 1,
  col: 1,
  severity: 'warning',
  code: 'duplicate-workflow-id',
  path: 'id',
  message: `workflow id ${first.id} is also declared by ${first.file}; this file is served as ${entry.stem}`,
  suggestion: 'give each workflow file its own id',
});
