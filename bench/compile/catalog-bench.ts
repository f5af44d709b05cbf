// Section 3c: the first GET /api/workflows over a folder of 540 generated documents (issue 20): time, body size, RSS.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWorkflowFile } from '../../src/osop/load.ts';
import { startServer } from '../../src/server/start-server.ts';
import { SHAPES, generateWorkflow } from './generate.ts';

export interface CatalogReport {
  documents: number;
  /** The first list request, from a cold catalog: the default page. */
  firstPageMs: number;
  firstPageBytes: number;
  /** Every page after that (what the web page reads), with the catalog warm. */
  allPagesMs: number;
  allPagesBytes: number;
  rssBeforeMB: number;
  rssAfterMB: number;
}

const DOCUMENTS = 540;
const NODES = 100;

export async function benchCatalog(progress: (line: string) => void): Promise<CatalogReport> {
  const dir = mkdtempSync(join(tmpdir(), 'sopstate-catalog-bench-'));
  try {
    const folder = join(dir, 'workflows');
    mkdirSync(folder);
    for (let index = 0; index < DOCUMENTS; index += 1) {
      const shape = SHAPES[index % SHAPES.length];
      const text = generateWorkflow(shape, NODES).replace(`"bench-${shape}-${NODES}"`, `"doc-${index}"`);
      writeFileSync(join(folder, `doc-${String(index).padStart(3, '0')}.osop.json`), text);
    }
    progress(`catalog: first GET /api/workflows over ${DOCUMENTS} documents`);
    const server = await startServer({
      workflowsDir: folder,
      dbFile: join(dir, 'runs.db'),
      port: 0,
      log: () => {},
      runtime: {
        startRun: () => {
          throw new Error('the catalog bench starts no runs');
        },
        load: loadWorkflowFile,
        createExecutors: () => ({}),
      },
    });
    try {
      const rssBefore = process.memoryUsage().rss;
      let started = performance.now();
      const first = await (await fetch(`${server.url}/api/workflows`)).text();
      const firstPageMs = performance.now() - started;
      started = performance.now();
      let allPagesBytes = 0;
      for (let offset: number | undefined = 0; offset !== undefined;) {
        const text = await (await fetch(`${server.url}/api/workflows?limit=500&offset=${offset}`)).text();
        allPagesBytes += Buffer.byteLength(text);
        offset = (JSON.parse(text) as { nextOffset?: number }).nextOffset;
      }
      return {
        documents: DOCUMENTS,
        firstPageMs,
        firstPageBytes: Buffer.byteLength(first),
        allPagesMs: performance.now() - started,
        allPagesBytes,
        rssBeforeMB: rssBefore / 2 ** 20,
        rssAfterMB: process.memoryUsage().rss / 2 ** 20,
      };
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
