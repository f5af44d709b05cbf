// `npx tsx bench/server/latency-probe.ts [rounds] [--prewarm]`: where the slowest seed runs at 100 clients spend their
// time, against `sopstate serve` (dist/, or SOPSTATE_BENCH_SERVE): the client's clock at the POST, its answer, the SSE
// stream's answer and the final event, next to the store's `created_at` and final event `at` of the same run. Not part
// of the bench's table: it backs bench/FINDINGS.md (p99 at 100 clients). `--prewarm` first opens 200 keep-alive
// connections (GET /healthz), so the level's runs need no new ones.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { startSandboxProcess } from '../seed/sandbox-process.ts';
import { REPO_ROOT } from '../lib/repo.ts';
import { cpuMsOf, startServeProcess } from '../lib/serve-process.ts';

const FINAL = /^event: run\.(completed|failed)$/m;
const CLIENTS = 100;
const RUNS = 300;

interface Timings {
  runId: string;
  post: number;
  answered: number;
  following: number;
  final: number;
}

const cli = resolve(process.env.SOPSTATE_BENCH_SERVE ?? join(REPO_ROOT, 'dist/cli/main.js'));
const rounds = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 2);
const sandbox = await startSandboxProcess();
const scratch = mkdtempSync(join(tmpdir(), 'sopstate-latency-'));
const db = join(scratch, 'probe.db');
const serve = await startServeProcess(cli, ['--workflows', 'examples', '--db', db, '--port', '0'], sandbox);

const oneRun = async (): Promise<Timings> => {
  const post = Date.now();
  const response = await fetch(`${serve.url}/api/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workflow: 'sop-stripe-payment' }),
  });
  const { runId } = (await response.json()) as { runId: string };
  const answered = Date.now();
  const stream = await fetch(`${serve.url}/api/runs/${runId}/events`);
  const following = Date.now();
  const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    text = (text + next.value).slice(-2000);
    if (FINAL.test(text)) break;
  }
  const final = Date.now();
  await reader.cancel().catch(() => {});
  return { runId, post, answered, following, final };
};

const level = async (clients: number, runs: number) => {
  const rows: Timings[] = [];
  let next = 0;
  const started = performance.now();
  const cpu = cpuMsOf(serve.process.pid!);
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < runs) {
        next += 1;
        rows.push(await oneRun());
      }
    }),
  );
  return { rows, elapsed: performance.now() - started, cpuPerRun: (cpuMsOf(serve.process.pid!) - cpu) / runs };
};

try {
  await level(10, 60);
  if (process.argv.includes('--prewarm'))
    await Promise.all(Array.from({ length: 200 }, () => fetch(`${serve.url}/healthz`).then((r) => r.arrayBuffer())));
  for (let round = 0; round < rounds; round += 1) {
    const { rows, elapsed, cpuPerRun } = await level(CLIENTS, RUNS);
    const latencies = rows.map((row) => row.final - row.post).sort((a, b) => a - b);
    const at = (share: number) => latencies[Math.min(latencies.length - 1, Math.floor(share * latencies.length))];
    process.stdout.write(
      `runs/s ${((RUNS / elapsed) * 1000).toFixed(1)}  CPU/run ${cpuPerRun.toFixed(1)} ms  ` +
        `p50 ${at(0.5)}  p99 ${at(0.99)}  max ${at(1)} ms\n`,
    );
    const store = new BetterSqlite3(db, { readonly: true });
    const created = store.prepare<[string], { created_at: string }>('SELECT created_at FROM runs WHERE id = ?');
    const ended = store.prepare<[string], { json: string }>(
      "SELECT json FROM events WHERE run_id = ? AND type IN ('run.completed', 'run.failed')",
    );
    const first = Math.min(...rows.map((row) => row.post));
    const slowest = [...rows].sort((a, b) => b.final - b.post - (a.final - a.post)).slice(0, 6);
    process.stdout.write(
      '  sent at | total | POST to created | created to answer | answer to SSE answer | created to final | final to seen\n',
    );
    for (const row of slowest) {
      const createdAt = Date.parse(created.get(row.runId)!.created_at);
      const endedAt = Date.parse((JSON.parse(ended.get(row.runId)!.json) as { at: string }).at);
      process.stdout.write(
        `  ${row.post - first} | ${row.final - row.post} | ${createdAt - row.post} | ${row.answered - createdAt} | ` +
          `${row.following - row.answered} | ${endedAt - createdAt} | ${row.final - endedAt}\n`,
      );
    }
    store.close();
  }
} finally {
  await serve.stop();
  await sandbox.stop();
  rmSync(scratch, { recursive: true, force: true });
}
