// A long chain of api nodes in a temporary workflow folder, and its dry run started over HTTP: what the tests of big
// runs on the server share.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

/** The workflow `id`: n1 → n2 → … → n{nodes}, written as JSON into `dir`. */
export function writeLongChain(dir: string, id: string, nodes: number): void {
  const ids = Array.from({ length: nodes }, (_, index) => `n${index + 1}`);
  writeFileSync(
    join(dir, `${id}.osop.json`),
    JSON.stringify({
      osop_version: '1.0',
      id,
      name: 'A long chain',
      nodes: ids.map((node) => ({ id: node, type: 'api', runtime: { method: 'GET', url: 'https://example.com/x' } })),
      edges: ids.slice(1).map((to, index) => ({ from: ids[index], to })),
    }),
  );
}

/** Starts a dry run of `workflow` on the server at `url`; its run id. */
export async function startDryRun(url: string, workflow: string): Promise<string> {
  const started = await fetch(`${url}/api/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workflow, dryRun: true }),
  });
  expect(started.status).toBe(201);
  return ((await started.json()) as { runId: string }).runId;
}
