// One server per test file, started at collection and closed after the file's tests (tests only).
import { afterAll, beforeEach } from 'vitest';

/** Starts `start()` once for the calling test file, runs `beforeEachTest` before each of its tests, closes it after the last. */
export const startForFile = async <T extends { close(): Promise<void> }>(
  start: () => Promise<T>,
  beforeEachTest: (server: T) => void,
): Promise<T> => {
  const server = await start();
  afterAll(() => server.close());
  beforeEach(() => beforeEachTest(server));
  return server;
};

/** For `startForFile`: each test sees only its own requests. */
export const forgetRequests = (server: { requests: unknown[] }): void => {
  server.requests.length = 0;
};
