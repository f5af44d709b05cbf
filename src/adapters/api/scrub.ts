// Keeps credentials a node sends out of the error text built from what a server answered (servers echo).
import { redactValues } from '../../util/redact.ts';
const SENSITIVE = /auth|key|token|secret|cookie|signature|password/i;

/** Values of credential-bearing headers, and the token part of `Bearer x` / `Basic x`. */
export const credentialValues = (headers: Record<string, string>): string[] =>
  Object.entries(headers)
    .filter(([name]) => SENSITIVE.test(name))
    .flatMap(([, value]) => [value, ...value.split(/\s+/).slice(1)])
    .filter((value) => value.length >= 4);

/** The credentials (in every encoded form) out of `text`, each as `[redacted]`: see machine/redact.ts. */
export const scrub = (text: string, secrets: readonly string[]): string => redactValues(secrets)(text);

const SHOWN_ANYWAY = new Set(['idempotency-key', 'idempotent-replayed']);

/** Headers fit to show in an event: credential-bearing ones are left out (Idempotency-Key stays: it is no secret). */
export const shownHeaders = (headers: Record<string, string>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers).filter(([name]) => SHOWN_ANYWAY.has(name.toLowerCase()) || !SENSITIVE.test(name)),
  );

/** A JSON value with every credential string replaced, for bodies a server may have echoed a key into. */
export const scrubJson = (value: unknown, secrets: readonly string[]): unknown =>
  secrets.length === 0 || value === undefined ? value : (JSON.parse(scrub(JSON.stringify(value), secrets)) as unknown);
