// Types of proc-cpu.mjs (plain JavaScript, so that a built server can preload what uses it without tsx).
/** user + system CPU of a process so far, all its threads, in ms (Linux /proc). */
export declare function cpuMsOf(pid: number): number;

/** The same for its main thread alone: what runs JavaScript. */
export declare function mainThreadCpuMsOf(pid: number): number;
