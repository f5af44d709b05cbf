import { enumeratePaths } from '../src/paths/enumerate.ts';
import { loadWorkflowText } from '../src/osop/load.ts';
import { generateWorkflow } from '../bench/compile/generate.ts';
const [shape, size] = [process.argv[2] as 'chain', Number(process.argv[3])];
const { workflow, diagnostics } = loadWorkflowText(generateWorkflow(shape, size), 'x.osop.json');
if (!workflow) throw new Error(diagnostics[0]?.message);
const t = performance.now();
const r = enumeratePaths(workflow);
console.log(shape, size, (performance.now() - t).toFixed(0), 'ms', r.paths.length, r.complete, r.statesExplored, r.stoppedBecause, Math.round(process.memoryUsage().rss/1e6),'MB');
