// Section 4: path enumeration time and counts for the seed and generated branching graphs, and where the bound stops it.
import { enumeratePaths, DEFAULT_MAX_PATHS, DEFAULT_MAX_STATES } from '../../src/paths/enumerate.ts';
import { loadWorkflowText } from '../../src/osop/load.ts';
import type { Workflow } from '../../src/osop/workflow.ts';
import { generateBranchingWorkflow } from '../compile/generate.ts';
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

export async function benchPaths(sizes: number[], progress: (line: string) => void): Promise<PathsReport> {
  const cases: PathsCase[] = [];
  progress('paths: the seed');
  cases.push(enumerate('seed', await loadSeed(SEED_FILE)));
  for (const size of sizes) {
    progress(`paths: ${size}-node branching graph`);
    const { workflow, diagnostics } = loadWorkflowText(
      generateBranchingWorkflow(size),
      `bench-branching-${size}.osop.json`,
    );
    if (!workflow) throw new Error(`the generated ${size}-node graph does not load: ${diagnostics[0]?.message}`);
    cases.push(enumerate(`${Math.floor(size / 3)} two-way choices`, workflow));
  }
  return { maxPaths: DEFAULT_MAX_PATHS, maxStates: DEFAULT_MAX_STATES, cases };
}
