// Section 3a: load and compile time of generated workflows by size and shape. Each case runs in a child
// process with a time limit; a shape's larger sizes are skipped once one is (or would be) over it.
import { spawnTs, type TsChild } from '../lib/child.ts';
import { SHAPES, type Shape } from './generate.ts';
import type { CompileJob, CompileSample } from './compile-child.ts';

export interface CompilePlan {
  sizes: number[];
  repeats: number;
  /** Stop sampling a case once it has taken this long. */
  caseBudgetMs: number;
  /** A case still compiling after this long is stopped. */
  caseTimeoutMs: number;
}

interface CompileCase extends Partial<CompileSample> {
  shape: Shape;
  size: number;
  skipped?: string;
}

export interface CompileReport {
  cases: CompileCase[];
  /** Slowest shape at 1000 nodes (ms); the time limit when one was stopped (then `compileMs1000Stopped`). */
  compileMs1000: number | undefined;
  compileMs1000Stopped: boolean;
  /** Load + compile, slowest shape at 5000 nodes (ms); the time limit when one was skipped or stopped. */
  loadCompileMs5000?: number;
}

const CHILD = 'bench/compile/compile-child.ts';

class CompileRunner {
  #child: TsChild | undefined;

  async run(job: CompileJob, timeoutMs: number): Promise<CompileSample | 'timeout'> {
    this.#child ??= spawnTs(CHILD);
    const child = this.#child;
    child.process.stdin!.write(`${JSON.stringify(job)}\n`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const answer = await Promise.race([
      child.lines.next().then(({ value }) => value as CompileSample | { error: string }),
      timeout,
    ]);
    clearTimeout(timer);
    if (answer === 'timeout') {
      this.#child = undefined;
      await child.stop();
      return answer;
    }
    if ('error' in answer) throw new Error(answer.error);
    return answer;
  }

  async close(): Promise<void> {
    if (!this.#child) return;
    this.#child.process.stdin!.end();
    await this.#child.stop();
  }
}

/**
 * Load and compile time grow a little faster than size (issue 20 removed the quadratic loops); a cold JIT makes the
 * small sizes look slow, so only a case that was itself near the limit skips the next.
 */
const predictedMs = (previous: CompileCase | undefined, size: number): number =>
  previous?.compileMs === undefined ? 0 : (previous.loadMs! + previous.compileMs) * (size / previous.size) ** 1.2;

export async function benchCompile(plan: CompilePlan, progress: (line: string) => void): Promise<CompileReport> {
  const runner = new CompileRunner();
  const cases: CompileCase[] = [];
  const limit = `${plan.caseTimeoutMs / 1000} s`;
  try {
    for (const shape of SHAPES) {
      let skipRest: string | undefined;
      for (const size of plan.sizes) {
        const previous = cases.at(-1)?.shape === shape ? cases.at(-1) : undefined;
        const predicted = predictedMs(previous, size);
        if (!skipRest && predicted > plan.caseTimeoutMs)
          skipRest = `skipped: ${previous!.size} nodes took ${Math.round(previous!.loadMs! + previous!.compileMs!)} ms, so ${size} would take over ${limit}`;
        if (skipRest) {
          cases.push({ shape, size, skipped: skipRest });
          continue;
        }
        progress(`compile: ${shape} of ${size} nodes`);
        const result = await runner.run(
          { shape, size, repeats: plan.repeats, budgetMs: plan.caseBudgetMs },
          plan.caseTimeoutMs,
        );
        if (result === 'timeout') {
          cases.push({ shape, size, skipped: `stopped: still compiling after ${limit}` });
          skipRest = `skipped: ${size} nodes took over ${limit}`;
        } else cases.push({ shape, size, ...result });
      }
    }
  } finally {
    await runner.close();
  }
  const at1000 = cases.filter((entry) => entry.size === 1000);
  const stopped = at1000.some((entry) => entry.compileMs === undefined);
  const compileMs1000 =
    at1000.length === 0
      ? undefined
      : stopped
        ? plan.caseTimeoutMs
        : Math.max(...at1000.map((entry) => entry.compileMs!));
  const at5000 = cases.filter((entry) => entry.size === 5000);
  const loadCompileMs5000 =
    at5000.length === 0
      ? undefined
      : at5000.some((entry) => entry.compileMs === undefined)
        ? plan.caseTimeoutMs
        : Math.max(...at5000.map((entry) => entry.loadMs! + entry.compileMs!));
  return { cases, compileMs1000, compileMs1000Stopped: stopped, loadCompileMs5000 };
}
