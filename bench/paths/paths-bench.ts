// Section 4: path enumeration time and counts for the seed and generated branching graphs, and where the bound stops it.
import { enumeratePaths, DEFAULT_MAX_PATHS, DEFAULT_MAX_STATES } from '../../src/paths/enumerate.ts';
import { loadWorkflowText } from '../../src/osop/load.ts';
import type { Workflow } from '../../src/osop/workflow.ts';
import { generateBranchingWorkflow, generateWorkflow } from '../compile/generate.ts';
import { loadSeed } from '../seed/engine.ts';
import { SEED_FILE } from '../lib/repo.ts';

interface PathsCase {
  graph: string;
  nodes: number;
  paths: number;
  complete: boolean;
  statesExplored: number;
  ms: number;
  /** The enumerator's own words when a bound stopped it. */
  stoppedBecause?: string;
}

export interface PathsReport {
  maxPaths: number;
  maxStates: number;
  cases: PathsCase[];
}

function enumerate(graph: string, workflow: Workflow): PathsCase {
  const started = performance.now();
  const result = enumeratePaths(workflow);
  const ms = performance.now() - started;
  return {
    graph,
    nodes: workflow.nodes.length,
    paths: result.paths.length,
    complete: result.complete,
    statesExplored: result.statesExplored,
    ms,
    ...(result.stoppedBecause ? { stoppedBecause: result.stoppedBecause } : {}),
  };
}

/** A chain of bare nodes (no runtime), so 10,000 of them stay under the loader's 1 MB document cap. */
const bareChain = (size: number): string => {
  const ids = Array.from({ length: size }, (_, index) => `n${index + 1}`);
  const nodes = ids.map((id) => ({ id, type: 'api' }));
  const edges = ids.slice(1).map((to, index) => ({ from: ids[index], to }));
  return JSON.stringify({ osop_version: '1.0', id: `bench-chain-${size}`, name: 'chain', nodes, edges });
};

/** The shapes of issue 20's table: long chains and one wide join. */
const TABLE_CASES: Array<{ graph: string; text: () => string }> = [
  { graph: '1,000-node chain', text: () => bareChain(1000) },
  { graph: '5,000-node chain', text: () => bareChain(5000) },
  { graph: '10,000-node chain', text: () => bareChain(10_000) },
  { graph: '2,000-branch join', text: () => generateWorkflow('fan-out', 2002) },
];

function load(graph: string, text: string): Workflow {
  const { workflow, diagnostics } = loadWorkflowText(text, `bench-${graph.replace(/\W+/g, '-')}.osop.json`);
  if (!workflow) throw new Error(`the generated ${graph} does not load: ${diagnostics[0]?.message}`);
  return workflow;
}

export async function benchPaths(sizes: number[], progress: (line: string) => void): Promise<PathsReport> {
  const cases: PathsCase[] = [];
  progress('paths: the seed');
  cases.push(enumerate('seed', await loadSeed(SEED_FILE)));
  for (const size of sizes) {
    progress(`paths: ${size}-node branching graph`);
    cases.push(
      enumerate(`${Math.floor(size / 3)} two-way choices`, load(`${size}-node graph`, generateBranchingWorkflow(size))),
    );
  }
  for (const { graph, text } of TABLE_CASES) {
    progress(`paths: ${graph}`);
    cases.push(enumerate(graph, load(graph, text())));
  }
  return { maxPaths: DEFAULT_MAX_PATHS, maxStates: DEFAULT_MAX_STATES, cases };
}
