// Runs compile cases for compile-bench.ts in its own process, so one that takes too long can be stopped:
// reads {shape, size, repeats, budgetMs} lines on stdin, answers {loadMs, compileMs, samples} lines.
import { createInterface } from 'node:readline';
import { compileWorkflow } from '../../src/machine/compile.ts';
import { loadWorkflowText } from '../../src/osop/load.ts';
import { percentile } from '../lib/stats.ts';
import { generateWorkflow, type Shape } from './generate.ts';

export interface CompileJob {
  shape: Shape;
  size: number;
  /** Samples after one warm-up round. */
  repeats: number;
  /** Stop sampling once this much time is spent. */
  budgetMs: number;
}

export interface CompileSample {
  /** Median ms of loadWorkflowText (parse, normalization, validation). */
  loadMs: number;
  /** Median ms of compileWorkflow (plan + XState machine). */
  compileMs: number;
  samples: number;
}

export function measureCompile(job: CompileJob): CompileSample {
  const file = `bench-${job.shape}-${job.size}.osop.json`;
  const text = generateWorkflow(job.shape, job.size);
  const loads: number[] = [];
  const compiles: number[] = [];
  let spent = 0;
  for (let round = 0; round <= job.repeats && spent <= job.budgetMs; round += 1) {
    const started = performance.now();
    const { workflow, diagnostics } = loadWorkflowText(text, file);
    const loaded = performance.now();
    if (!workflow) throw new Error(`${file} does not load: ${diagnostics[0]?.message}`);
    compileWorkflow(workflow);
    const compiled = performance.now();
    loads.push(loaded - started);
    compiles.push(compiled - loaded);
    spent += compiled - started;
  }
  // The first round warms the JIT; it counts only when the case was too slow to repeat.
  const skip = loads.length > 1 ? 1 : 0;
  return {
    loadMs: percentile(loads.slice(skip), 50),
    compileMs: percentile(compiles.slice(skip), 50),
    samples: loads.length - skip,
  };
}

if (process.argv[1]?.endsWith('compile-child.ts')) {
  createInterface({ input: process.stdin }).on('line', (line) => {
    try {
      process.stdout.write(`${JSON.stringify(measureCompile(JSON.parse(line) as CompileJob))}\n`);
    } catch (error) {
      process.stdout.write(`${JSON.stringify({ error: (error as Error).message })}\n`);
    }
  });
}
