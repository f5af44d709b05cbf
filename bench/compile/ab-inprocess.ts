// Profiling aid (not part of the bench): load + compile (or `paths` on a 1,000-node chain) of this tree against
// another checkout of the repo, in one process, alternating round by round; process CPU time, min/median ms.
// `npx tsx bench/compile/ab-inprocess.ts <other checkout> [rounds] [compile|paths]`
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as thisCompile from '../../src/machine/compile.ts';
import * as thisLoad from '../../src/osop/load.ts';
import * as thisPaths from '../../src/paths/enumerate.ts';
import { generateWorkflow, SHAPES } from './generate.ts';

type Side = { load: typeof thisLoad; compile: typeof thisCompile; paths: typeof thisPaths };
const [otherRoot, roundsArg, what = 'compile'] = process.argv.slice(2);
if (!otherRoot) throw new Error('usage: ab-inprocess.ts <other checkout> [rounds] [compile|paths]');
const rounds = Number(roundsArg ?? 9);
const fromOther = (path: string) => import(pathToFileURL(resolve(otherRoot, path)).href);
const sides: Record<string, Side> = {
  other: {
    load: await fromOther('src/osop/load.ts'),
    compile: await fromOther('src/machine/compile.ts'),
    paths: await fromOther('src/paths/enumerate.ts'),
  },
  this: { load: thisLoad, compile: thisCompile, paths: thisPaths },
};
// CPU time, not wall time: on a shared machine a round otherwise counts the time it waited for a core.
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const quantile = (values: number[], at: number) =>
  [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) * at)];
const minMedian = (values: number[]) => `${quantile(values, 0).toFixed(0)}/${quantile(values, 0.5).toFixed(0)}`;
/** Rounds alternate which side goes first; the first round of each side warms the JIT and is not counted. */
function alternate(measure: (side: Side) => Record<string, number>): Record<string, Record<string, number[]>> {
  const samples: Record<string, Record<string, number[]>> = { other: {}, this: {} };
  for (let round = 0; round <= rounds; round++)
    for (const name of round % 2 ? ['other', 'this'] : ['this', 'other']) {
      const figures = measure(sides[name]);
      if (round === 0) continue;
      for (const [key, value] of Object.entries(figures)) (samples[name][key] ??= []).push(value);
    }
  return samples;
}
const report = (label: string, samples: Record<string, Record<string, number[]>>) =>
  console.log(
    label,
    Object.entries(samples)
      .map(
        ([name, figures]) =>
          `${name}: ${Object.entries(figures)
            .map(([key, v]) => `${key} ${minMedian(v)}`)
            .join(' ')}`,
      )
      .join('   '),
  );

if (what === 'paths') {
  const ids = Array.from({ length: 1000 }, (_, index) => `n${index + 1}`);
  const nodes = ids.map((id) => ({ id, type: 'api' }));
  const edges = ids.slice(1).map((to, index) => ({ from: ids[index], to }));
  const text = JSON.stringify({ osop_version: '1.0', id: 'bench-chain-1000', name: 'chain', nodes, edges });
  report(
    'paths, 1,000-node chain',
    alternate((side) => {
      const { workflow } = side.load.loadWorkflowText(text, 'chain.osop.json');
      const started = cpuMs();
      side.paths.enumeratePaths(workflow!);
      return { paths: cpuMs() - started };
    }),
  );
} else
  for (const size of [1000, 5000])
    for (const shape of SHAPES) {
      const text = generateWorkflow(shape, size);
      report(
        `${shape} ${size}`,
        alternate((side) => {
          const started = cpuMs();
          const { workflow } = side.load.loadWorkflowText(text, `${shape}.osop.json`);
          const loaded = cpuMs();
          side.compile.compileWorkflow(workflow!);
          const compiled = cpuMs();
          return { load: loaded - started, compile: compiled - loaded, total: compiled - started };
        }),
      );
    }
