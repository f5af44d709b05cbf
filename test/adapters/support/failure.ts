// The NodeError an executor rejects with (tests only).
import { expect } from 'vitest';
import { NodeError } from '../../../src/adapters/executor.ts';

/** Awaits a call that must fail and returns its NodeError; fails the test if it resolves or throws anything else. */
export const failure = async (promise: Promise<unknown>): Promise<NodeError> => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(NodeError);
  return error as NodeError;
};
