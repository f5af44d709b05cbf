// `npm run bench [-- --quick] [-- --json] [-- --only startup,seed,compile,corpus,paths,sse,cluster,server,loop] [-- --db postgres://…]`:
// CLI start-up, engine overhead against a hand-written baseline, throughput, heap, compile, paths, SSE scaling, and
// `sopstate serve` on SQLite next to 1, 2 and 3 cluster nodes (PostgreSQL from --db or SOPSTATE_TEST_PG, else skipped).
// Never part of npm test.
import { parseArgs } from 'node:util';
import { benchCluster } from './cluster/cluster-bench.ts';
import { benchCompile } from './compile/compile-bench.ts';
import { benchCorpus } from './compile/corpus-bench.ts';
import { benchLoop } from './loop/loop-bench.ts';
import { benchPaths } from './paths/paths-bench.ts';
import { FULL, QUICK } from './plans.ts';
import { buildReport, describeMachine, type Sections } from './report/report.ts';
import { renderTable } from './report/table.ts';
import { startSandboxProcess, type SandboxProcess } from './seed/sandbox-process.ts';
import { benchSeed } from './seed/seed-bench.ts';
import { benchServer } from './server/server-bench.ts';
import { benchSse } from './sse/sse-bench.ts';
import { benchStartup } from './startup/startup-bench.ts';

const SECTIONS = ['startup', 'seed', 'compile', 'corpus', 'paths', 'sse', 'cluster', 'server', 'loop'] as const;
type Section = (typeof SECTIONS)[number];
const USAGE = `usage: npm run bench -- [--quick] [--json] [--only ${SECTIONS.join(',')}] [--db postgres://…]`;

function parseOptions(): { quick: boolean; json: boolean; only: Set<Section>; db?: string } {
  try {
    const { values } = parseArgs({
      options: {
        quick: { type: 'boolean' },
        json: { type: 'boolean' },
        only: { type: 'string' },
        db: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    const wanted = values.only ? values.only.split(',').map((name) => name.trim()) : [...SECTIONS];
    const unknown = wanted.filter((name) => !(SECTIONS as readonly string[]).includes(name));
    if (unknown.length > 0)
      throw new Error(`--only: no section ${unknown.join(', ')} (sections: ${SECTIONS.join(', ')})`);
    const db = values.db ?? (process.env.SOPSTATE_TEST_PG?.trim() || undefined);
    if (db !== undefined && !/^postgres(ql)?:\/\//.test(db)) throw new Error(`--db: ${db} is not a postgres:// URL`);
    return { quick: Boolean(values.quick), json: Boolean(values.json), only: new Set(wanted as Section[]), db };
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const options = parseOptions();
  const plan = options.quick ? QUICK : FULL;
  const machine = describeMachine();
  const started = performance.now();
  // Progress only on an interactive terminal: piped output stays the table or the one JSON object.
  const progress = (line: string) => process.stderr.isTTY && process.stderr.write(`… ${line}\n`);
  const sections: Sections = {};
  const errors: Record<string, string> = {};
  const attempt = async (section: Section, work: () => Promise<void>) => {
    if (!options.only.has(section)) return;
    try {
      await work();
    } catch (error) {
      errors[section] = error instanceof Error ? error.message : String(error);
    }
  };

  let sandbox: SandboxProcess | undefined;
  const needsSandbox =
    options.only.has('seed') || options.only.has('sse') || options.only.has('cluster') || options.only.has('server');
  try {
    if (needsSandbox) {
      progress('starting the Stripe and Claude emulators in their own process');
      sandbox = await startSandboxProcess();
    }
    await attempt('startup', async () => void (sections.startup = await benchStartup(plan.startup, progress)));
    await attempt('seed', async () => void (sections.seed = await benchSeed(plan.seed, sandbox!, progress)));
    await attempt('compile', async () => void (sections.compile = await benchCompile(plan.compile, progress)));
    await attempt('corpus', async () => void (sections.corpus = await benchCorpus(progress)));
    await attempt('paths', async () => void (sections.paths = await benchPaths(plan.pathSizes, progress)));
    await attempt('sse', async () => void (sections.sse = await benchSse(plan.sse, sandbox!, progress)));
    await attempt(
      'cluster',
      async () => void (sections.cluster = await benchCluster(plan.cluster, sandbox!, options.db, progress)),
    );
    await attempt('server', async () => void (sections.server = await benchServer(plan.server, sandbox!, progress)));
    await attempt('loop', async () => void (sections.loop = await benchLoop(progress)));
  } catch (error) {
    errors.sandbox = (error as Error).message;
  } finally {
    await sandbox?.stop();
  }

  const report = buildReport(options.quick ? 'quick' : 'full', machine, sections, errors, performance.now() - started);
  process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : `${renderTable(report)}\n`);
  process.exitCode = Object.keys(errors).length > 0 ? 1 : 0;
}

await main();
