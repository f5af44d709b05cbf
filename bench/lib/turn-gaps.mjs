// Preloaded into a `sopstate serve` that bench/server/loop-turns.ts drives (node --import, after heap-probe.mjs, which
// has SIGUSR2 and SIGWINCH): a 5 ms timer that notes every turn of the event loop that held it more than 30 ms past
// its time, with the CPU the process (all its threads) and its main thread used meanwhile, so a long turn of work can
// be told from a process that waited for a core. On SIGHUP it prints what it noted since the last SIGHUP and starts
// over: `loop-turn-gaps {"now", "gaps": [[at, gap, processCpu, mainCpu], ...]}`, in ms (`at` and `now` on this
// process's performance.now(); the main thread's CPU in 10 ms ticks, from /proc). Plain JavaScript: a built server
// preloads it.
import { mainThreadCpuMsOf } from './proc-cpu.mjs';

const TICK_MS = 5;
const NOTED_OVER_MS = 30;

const mainThreadCpuMs = () => mainThreadCpuMsOf(process.pid);

const processCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

let noted = [];
let last = { at: performance.now(), processCpu: processCpuMs(), mainCpu: mainThreadCpuMs() };
setInterval(() => {
  const now = { at: performance.now(), processCpu: processCpuMs(), mainCpu: mainThreadCpuMs() };
  const gap = now.at - last.at - TICK_MS;
  if (gap > NOTED_OVER_MS) {
    noted.push([
      Math.round(now.at),
      Math.round(gap),
      Math.round(now.processCpu - last.processCpu),
      now.mainCpu - last.mainCpu,
    ]);
  }
  last = now;
}, TICK_MS).unref();

process.on('SIGHUP', () => {
  process.stdout.write(`loop-turn-gaps ${JSON.stringify({ now: performance.now(), gaps: noted })}\n`);
  noted = [];
});
