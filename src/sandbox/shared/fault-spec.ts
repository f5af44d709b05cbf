import type { FaultRule } from './fault-queue.ts';
import { isRecord } from '../../util/is-record.ts';

/** A fault description sent over HTTP was malformed; the message names the field and the fix. */
export class FaultSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultSpecError';
  }
}

export type RawFault = Record<string, unknown>;

export type FaultParser<F> = (raw: RawFault, at: string) => F;

/** Accepts one rule, an array of rules, or `{faults: [...]}`. */
export function parseFaultRules<F>(body: unknown, parseFault: FaultParser<F>): FaultRule<F>[] {
  const list = Array.isArray(body) ? body : isRecord(body) && Array.isArray(body.faults) ? body.faults : [body];
  return list.map((raw, index) => {
    const at = list.length === 1 && !Array.isArray(body) ? 'fault' : `faults[${index}]`;
    if (!isRecord(raw)) throw new FaultSpecError(`${at}: expected an object like {"path": "/v1/...", "type": "..."}`);
    const path = raw.path;
    if (typeof path !== 'string' || !path.startsWith('/')) {
      throw new FaultSpecError(
        `${at}.path: expected a path pattern starting with "/", e.g. "/v1/payment_intents/:id/confirm"`,
      );
    }
    const method = optionalString(raw, 'method', at);
    const times = optionalNumber(raw, 'times', at, { integer: true, min: 1 });
    return { ...parseFault(raw, at), path, method, times };
  });
}

function optionalString(raw: RawFault, key: string, at: string): string | undefined {
  const value = raw[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new FaultSpecError(`${at}.${key}: expected a string`);
  return value;
}

export function optionalBoolean(raw: RawFault, key: string, at: string): boolean | undefined {
  const value = raw[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new FaultSpecError(`${at}.${key}: expected true or false`);
  return value;
}

export function optionalNumber(
  raw: RawFault,
  key: string,
  at: string,
  limits: { integer?: boolean; min?: number } = {},
): number | undefined {
  const value = raw[key];
  if (value === undefined) return undefined;
  const min = limits.min ?? 0;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    (limits.integer && !Number.isInteger(value))
  ) {
    throw new FaultSpecError(`${at}.${key}: expected ${limits.integer ? 'an integer' : 'a number'} ≥ ${min}`);
  }
  return value;
}

export function oneOf<T extends string>(raw: RawFault, key: string, at: string, allowed: readonly T[]): T {
  const value = raw[key];
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new FaultSpecError(`${at}.${key}: expected one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
}
