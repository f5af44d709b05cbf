// The workflows a server may run: only files inside its configured folder, addressed by id. Each file is loaded
// once per change (cached by mtime and size), when a page or an id asks for it, one at a time with the event loop free
// in between, and a file that
// fails to load in any way is that file's diagnostic, never an error of the whole catalog.
import { createHash } from 'node:crypto';
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { WORKFLOW_EXTENSIONS } from '../osop/load.ts';
import type { Diagnostic, LoadResult, Workflow } from '../osop/workflow.ts';
import { errorMessage } from '../util/error-message.ts';

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

const isWorkflowId = (id: string): boolean => ID_PATTERN.test(id) && !id.includes('..') && id.length <= 200;

const stemOf = (file: string): string | undefined => {
  const name = basename(file);
  const extension = WORKFLOW_EXTENSIONS.find((ext) => name.endsWith(ext));
  return extension ? name.slice(0, -extension.length) : undefined;
};

interface Cached {
  /** The file's mtime and size, then each sub-workflow file's: a changed child reloads its parents too. */
  key: string;
  result: LoadResult;
}

const keyOfStats = (info: { mtimeMs: number; size: number } | undefined): string =>
  info ? `${info.mtimeMs}:${info.size}` : 'missing';

const statKey = async (file: string): Promise<string> => keyOfStats(await stat(file).catch(() => undefined));

/** sha256 of a file as it is on disk now; undefined when it is not a readable file. */
export const fileHash = async (file: string): Promise<string | undefined> => {
  const text = await readFile(file).catch(() => undefined);
  return text && createHash('sha256').update(text).digest('hex');
};

/** Every sub-workflow file a loaded workflow runs, at any depth. */
function subworkflowFiles(workflow: Workflow | undefined, into = new Set<string>()): Set<string> {
  for (const node of workflow?.nodes ?? []) {
    const child = node.subworkflow?.workflow;
    if (!child || into.has(child.file)) continue;
    into.add(child.file);
    subworkflowFiles(child, into);
  }
  return into;
}

/** A key no file has: the entry is loaded again on the next request. */
const RELOAD = 'reload';
/** Problems a change to a child (not only to the parent) can fix. */
const SUBWORKFLOW_PROBLEMS = new Set([
  'missing-subworkflow',
  'invalid-subworkflow',
  'subworkflow-cycle',
  'unknown-subworkflow-input',
  'missing-subworkflow-input',
  'subworkflow-decision',
]);

/** The cache key of a file whose own stat is `own` (it exists: stat did not throw). */
const keyOf = async (own: string, children: Iterable<string>): Promise<string> =>
  [own, ...(await Promise.all([...children].map(statKey)))].join('|');

/** A sub-workflow runs with its parent, so it must come from the server's folder like any workflow it runs. */
function confined(result: LoadResult, root: string): LoadResult {
  const outside: Diagnostic[] = [];
  const check = (workflow: Workflow) => {
    for (const node of workflow.nodes) {
      const ref = node.subworkflow;
      if (!ref?.workflow) continue;
      if (isInside(root, ref.workflow.file)) check(ref.workflow);
      else
        outside.push({
          ...ref.position,
          severity: 'error',
          code: 'subworkflow-outside-folder',
          path: '',
          message: `node ${node.id}: workflow_ref ${ref.ref} is outside this server's workflow folder`,
          suggestion: 'put the sub-workflow in the workflow folder',
        });
    }
  };
  if (result.workflow) check(result.workflow);
  return outside.length > 0 ? { diagnostics: [...result.diagnostics, ...outside] } : result;
}

export class WorkflowCatalog {
  readonly dir: string;
  readonly #load: WorkflowCatalogOptions['load'];
  readonly #cache = new Map<string, Cached>();
  readonly #loading = new Map<string, Promise<Cached>>();
  /** sha256 of the document each loaded workflow was read from, taken when it was loaded. */
  readonly #hashes = new WeakMap<Workflow, string>();
  /** id and stem → file, from the last full listing: `get` loads just that file when it can. */
  #index = new Map<string, string>();
  /** id → the lookup this turn's `get(id)` calls share (see `get`). */
  readonly #lookups = new Map<string, Promise<Readonly<CatalogEntry> | undefined>>();

  constructor(options: WorkflowCatalogOptions) {
    this.dir = resolve(options.dir);
    this.#load = options.load;
  }

  async #files(root: string): Promise<string[]> {
    return (await readdir(root, { recursive: true }))
      .filter((name) => stemOf(name) !== undefined)
      .sort()
      .map((name) => join(root, name));
  }

  /**
   * The files from `offset` (in file order), loading only those: a first page answers without reading the whole
   * folder. A duplicate id is flagged against the files read so far (all of them once `warm` or `list` has run).
   */
  async page(offset: number, limit: number): Promise<{ entries: CatalogEntry[]; total: number }> {
    const root = await realpath(this.dir);
    const files = await this.#files(root);
    const entries: CatalogEntry[] = [];
    for (const file of files.slice(offset, offset + limit)) {
      await nextTurn();
      const entry = await this.#entry(root, file);
      if (entry) entries.push(entry);
    }
    const firstFile = new Map<string, string>();
    for (const file of files) {
      const id = this.#cache.get(file)?.result.workflow?.id;
      if (id !== undefined && !firstFile.has(id)) firstFile.set(id, file);
    }
    for (const entry of entries) {
      const first = firstFile.get(entry.id);
      if (first && first !== entry.file) {
        entry.diagnostics = [...entry.diagnostics, duplicateId(entry, { id: entry.id, file: first })];
        entry.id = entry.stem;
      }
      if (!this.#index.has(entry.id)) this.#index.set(entry.id, entry.file);
    }
    return { entries, total: files.length };
  }

  async list(): Promise<CatalogEntry[]> {
    const root = await realpath(this.dir);
    const files = await this.#files(root);
    const entries: CatalogEntry[] = [];
    const seen = new Map<string, CatalogEntry>();
    for (const file of files) {
      await nextTurn();
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
    const index = new Map<string, string>();
    for (const entry of entries) index.set(entry.id, entry.file);
    for (const entry of entries) if (!index.has(entry.stem)) index.set(entry.stem, entry.file);
    this.#index = index;
    return entries;
  }

  /** Loads the whole folder in the background, so the first request finds it ready. */
  warm(log: (line: string) => void = () => undefined): void {
    this.list().catch((error: unknown) => log(`workflow folder ${this.dir} could not be listed: ${String(error)}`));
  }

  /**
   * The entry for an id (or file stem); throws InvalidWorkflowIdError for anything that is not an id.
   * The lookups of one turn of the event loop (a burst of run starts) share one check of the file, made on the next
   * turn: it starts after each of them was asked, so each still sees the file as it was when it asked, or later.
   */
  get(id: string): Promise<Readonly<CatalogEntry> | undefined> {
    if (!isWorkflowId(id)) return Promise.reject(new InvalidWorkflowIdError(id));
    let lookup = this.#lookups.get(id);
    if (!lookup) {
      lookup = new Promise<void>((next) => setImmediate(next)).then(() => {
        this.#lookups.delete(id);
        return this.#lookup(id);
      });
      this.#lookups.set(id, lookup);
    }
    return lookup;
  }

  async #lookup(id: string): Promise<CatalogEntry | undefined> {
    const known = await this.#indexed(id);
    if (known) return known;
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

  /** The entry the last listing found for this id, if its file still declares it. */
  async #indexed(id: string): Promise<CatalogEntry | undefined> {
    const file = this.#index.get(id);
    if (!file) return undefined;
    const root = await realpath(this.dir);
    const entry = await this.#entry(root, file).catch(() => undefined);
    if (!entry) return undefined;
    // A file whose id another file also declares, or that changed its id, takes the full listing's rules.
    const servedAs = this.#index.get(entry.id) === file;
    return servedAs && (entry.id === id || entry.stem === id) ? entry : undefined;
  }

  async #entry(root: string, file: string): Promise<CatalogEntry | undefined> {
    const real = await realpath(file).catch(() => undefined);
    if (!real || !isInside(root, real)) return undefined;
    const stem = stemOf(file) as string;
    const result = await this.#loadCached(real);
    return {
      id: result.workflow?.id ?? stem,
      file: real,
      stem,
      workflow: result.workflow,
      diagnostics: result.diagnostics,
    };
  }

  async #loadCached(file: string): Promise<LoadResult> {
    // One stat of the file (it throws when the file is gone) answers both "is it there" and "has it changed".
    const own = keyOfStats(await stat(file));
    const cached = this.#cache.get(file);
    if (cached && cached.key === (await keyOf(own, subworkflowFiles(cached.result.workflow)))) return cached.result;
    const inFlight = this.#loading.get(file);
    if (inFlight) {
      const loaded = await inFlight;
      if (loaded.key === (await keyOf(await statKey(file), subworkflowFiles(loaded.result.workflow))))
        return loaded.result;
    }
    const loading = (async () => {
      const before = await statKey(file);
      const [result, hash] = await Promise.all([this.#safeLoad(file), fileHash(file)]);
      if (result.workflow && hash) this.#hashes.set(result.workflow, hash);
      // A parent whose child is missing or broken is read again next time: the child may be fixed by then.
      const broken = result.diagnostics.some((diagnostic) => SUBWORKFLOW_PROBLEMS.has(diagnostic.code));
      const children = await Promise.all([...subworkflowFiles(result.workflow)].map(statKey));
      return { key: broken ? RELOAD : [before, ...children].join('|'), result };
    })();
    this.#loading.set(file, loading);
    try {
      const loaded = await loading;
      this.#cache.set(file, loaded);
      return loaded.result;
    } finally {
      if (this.#loading.get(file) === loading) this.#loading.delete(file);
    }
  }

  /**
   * sha256 of the document a workflow of this catalog was loaded from (its cache entry is checked against the file
   * on every lookup, so that is the file as it is now); another workflow's file is read and hashed.
   */
  async hashOf(workflow: Workflow): Promise<string | undefined> {
    return this.#hashes.get(workflow) ?? fileHash(workflow.file);
  }

  /** Whatever the loader throws (a stack overflow, a bug) becomes this file's diagnostic. */
  async #safeLoad(file: string): Promise<LoadResult> {
    try {
      return confined(await this.#load(file), await realpath(this.dir));
    } catch (error) {
      return { diagnostics: [loadCrashed(file, error)] };
    }
  }
}

const isInside = (root: string, file: string): boolean => {
  const rel = relative(root, file);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep);
};

const loadCrashed = (file: string, error: unknown): Diagnostic => ({
  file,
  line: 1,
  col: 1,
  severity: 'error',
  code: 'load-crashed',
  path: '',
  message: `sopstate could not load this file: ${errorMessage(error)}`,
  suggestion: 'run `sopstate validate` on it; simplify the part it names (e.g. a very long expression), or report it',
});

const duplicateId = (entry: CatalogEntry, first: Pick<CatalogEntry, 'id' | 'file'>): Diagnostic => ({
  file: entry.file,
  line: 1,
  col: 1,
  severity: 'warning',
  code: 'duplicate-workflow-id',
  path: 'id',
  message: `workflow id ${first.id} is also declared by ${first.file}; this file is served as ${entry.stem}`,
  suggestion: 'give each workflow file its own id',
});
