// Keeps credentials a node sends out of the error text built from what a server answered (servers echo).
import { redactValues } from '../../machine/redact.ts';
const SENSITIVE = /auth|key|token|secret|cookie|signature|password/i;

/** Values of credential-bearing headers, and the token part of `Bearer x` / `Basic x`. */
export const credentialValues = (headers: Record<string, string>): string[] =>
  Object.entries(headers)
    .filter(([name]) => SENSITIVE.test(name))
    .flatMap(([, value]) => [value, ...value.split(/\s+/).slice(1)])
    .filter((value) => value.length >= 4);

/** The credentials (in every encoded form) out of `text`, each as `[redacted]`: see machine/redact.ts. */
export const scrub = (text: string, secrets: readonly string[]): string => redactValues(secrets)(text);
