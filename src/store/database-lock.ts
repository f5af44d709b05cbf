// One database, one server: `<db>.lock` holds the pid of the process using it. A second server refuses to start
// (it would adopt the first one's live runs); the lock of a process that died is taken over.
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export class DatabaseLockedError extends Error {
  constructor(
    readonly dbFile: string,
    readonly pid: number,
  ) {
    super(
      `${dbFile} is in use by another sopstate server (pid ${pid}): two servers on one database would both resume ` +
        `and record the same runs. Stop that server, or give this one its own --db. If no server is running, ` +
        `delete ${dbFile}.lock.`,
    );
    this.name = 'DatabaseLockedError';
  }
}

export interface DatabaseLock {
  release(): void;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const holderOf = (lockFile: string): number | undefined => {
  try {
    const pid = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
};

/** Our own pid counts as a holder too: two servers in one process would clash the same way. */
const heldByOurselves = new Set<string>();

const tryCreate = (lockFile: string): boolean => {
  try {
    const fd = openSync(lockFile, 'wx');
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
};

export const lockDatabase = (dbFile: string): DatabaseLock => {
  if (dbFile === ':memory:') return { release: () => undefined };
  const lockFile = `${dbFile}.lock`;
  // The lock comes before the database, which would make its folder: a first start (`.sopstate/` not there yet) too.
  mkdirSync(dirname(dbFile), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    if (tryCreate(lockFile)) {
      heldByOurselves.add(lockFile);
      let released = false;
      return {
        release: () => {
          if (released) return;
          released = true;
          heldByOurselves.delete(lockFile);
          if (holderOf(lockFile) === process.pid) unlinkSync(lockFile);
        },
      };
    }
    const holder = holderOf(lockFile);
    const live = holder !== undefined && (holder === process.pid ? heldByOurselves.has(lockFile) : isAlive(holder));
    if (live) throw new DatabaseLockedError(dbFile, holder);
    // A stale lock (its process died, or it is unreadable): take it over.
    try {
      unlinkSync(lockFile);
    } catch {
      // another process took it over first; the next attempt tells
    }
  }
  throw new DatabaseLockedError(dbFile, holderOf(lockFile) ?? 0);
};
