// CPU a process has used, read from Linux /proc: for the benches that read a server from outside and for
// turn-gaps.mjs, which a built server preloads (plain JavaScript, so that it needs no tsx).
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** user + system CPU of a /proc stat file so far, in ms (10 ms ticks). */
const cpuMsIn = (statFile) => {
  const text = readFileSync(statFile, 'utf8');
  // After "pid (comm) " (comm may hold ") "): state is field 0, utime 11, stime 12.
  const fields = text.slice(text.lastIndexOf(') ') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND) * 1000;
};

/**
 * user + system CPU of a process so far, all its threads, in ms.
 * @param {number} pid
 * @returns {number}
 */
export const cpuMsOf = (pid) => cpuMsIn(`/proc/${pid}/stat`);

/**
 * The same for its main thread alone: what runs JavaScript. The rest is V8's helper threads (concurrent GC marking,
 * TurboFan compiling hot functions) and libuv's pool (file system calls).
 * @param {number} pid
 * @returns {number}
 */
export const mainThreadCpuMsOf = (pid) => cpuMsIn(`/proc/${pid}/task/${pid}/stat`);
