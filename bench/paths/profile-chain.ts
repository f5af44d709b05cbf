// Profiling entry (not part of the bench): `paths` over a generated chain of N nodes; prints ms and the result's size.
import { enumeratePaths } from '../../src/paths/enumerate.ts';
import { loadWorkflowText } from '../../src/osop/load.ts';

const size = Number(process.argv[2] ?? 1000);
const ids = Array.from({ length: size }, (_, index) => `n${index + 1}`);
const text = JSON.stringify({
  osop_version: '1.0',
  id: `chain-${size}`,
  name: 'chain',
  nodes: ids.map((id) => ({ id, type: 'api' })),
  edges: ids.slice(1).map((to, index) => ({ from: ids[index], to })),
});
const t0 = performance.now();
const { workflow } = loadWorkflowText(text, 'chain.osop.json');
const t1 = performance.now();
const result = enumeratePaths(workflow!);
const t2 = performance.now();
console.log(
  JSON.stringify({
    loadMs: t1 - t0,
    pathsMs: t2 - t1,
    paths: result.paths.length,
    states: result.statesExplored,
    why: result.stoppedBecause,
  }),
);
